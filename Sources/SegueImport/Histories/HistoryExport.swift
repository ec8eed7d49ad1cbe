import Foundation
import SegueModel
import SegueStore

/// A person's merged listening history written out (`segue export`, "Download my history"): every
/// music play the charts count, oldest first.
///
/// - `listenbrainz`: ListenBrainz's JSON lines, one listen per line (`listened_at` is the start), with
///   `additional_info.duration_ms` when the length is known, `spotify_id` when the track has a URI
///   and `segue_source` naming where the play came from. `segue import` reads it back into the same
///   charts, stats and races (and the same sources).
/// - `csv`: a flat table for spreadsheets (UTC times in ISO 8601; fields that a spreadsheet would run
///   as a formula start with an apostrophe).
public enum HistoryExport {
    public enum Format: String, Sendable, CaseIterable {
        case listenbrainz, csv
    }

    /// Writes the plays of `columns` in `range` as `format`, handing text to `write` in pieces of
    /// about 64 KiB; returns the number of plays written.
    @discardableResult
    public static func write(
        _ columns: MusicColumns, range: TimeRange = .all, format: Format, to write: (String) throws -> Void
    ) rethrows -> Int {
        var buffer = ""
        buffer.reserveCapacity(70_000)
        if format == .csv { buffer += "ended_at,started_at,artist,track,album,duration_ms,spotify_uri,source\n" }
        let plays = columns.indices(in: range)
        for i in plays {
            let t = Int(columns.trackOfPlay[i])
            let artist = columns.artistNames[Int(columns.trackArtist[t])]
            let title = columns.trackNames[t]
            let albumIndex = Int(columns.trackAlbum[t])
            let album = albumIndex >= 0 ? columns.albumNames[albumIndex] : nil
            let uri = columns.trackURIs[t]
            let ms = columns.milliseconds[i]
            let end = columns.endTimes[i]
            let start = ms >= 0 ? end - Int64(ms / 1000) : end
            let source = PlaySource(rawValue: i < columns.sources.count ? columns.sources[i] : 0) ?? .spotify
            switch format {
            case .listenbrainz:
                buffer += "{\"listened_at\":\(start),\"track_metadata\":{\"artist_name\":"
                JSONEscaping.append(artist, to: &buffer)
                buffer += ",\"track_name\":"
                JSONEscaping.append(title, to: &buffer)
                if let album {
                    buffer += ",\"release_name\":"
                    JSONEscaping.append(album, to: &buffer)
                }
                buffer += ",\"additional_info\":{"
                if ms >= 0 { buffer += "\"duration_ms\":\(ms)," }
                if uri.hasPrefix("spotify:track:") {
                    buffer += "\"spotify_id\":"
                    JSONEscaping.append("https://open.spotify.com/track/" + uri.dropFirst("spotify:track:".count), to: &buffer)
                    buffer += ","
                }
                if let mbid = columns.mbid(ofTrack: t) {
                    buffer += "\"recording_mbid\":"
                    JSONEscaping.append(mbid, to: &buffer)
                    buffer += ","
                }
                if let isrc = columns.isrc(ofTrack: t) {
                    buffer += "\"isrc\":"
                    JSONEscaping.append(isrc, to: &buffer)
                    buffer += ","
                }
                buffer += "\"segue_source\":\"\(source.name)\",\"submission_client\":\"Segue\"}}}\n"
            case .csv:
                buffer += iso(end) + "," + (ms >= 0 ? iso(start) : "") + ","
                buffer += csv(artist) + "," + csv(title) + "," + csv(album ?? "") + ","
                buffer += (ms >= 0 ? String(ms) : "") + "," + csv(uri) + "," + source.name + "\n"
            }
            if buffer.utf8.count >= 65_536 {
                try write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { try write(buffer) }
        return plays.count
    }

    /// A CSV field, quoted when it must be; one a spreadsheet would evaluate starts with an apostrophe.
    static func csv(_ s: String) -> String {
        var s = s
        if let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { s = "'" + s }
        return TextTable.csvField(s)
    }

    static func iso(_ t: Int64) -> String {
        var seconds = time_t(t)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
