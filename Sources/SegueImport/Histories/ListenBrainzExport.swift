import Foundation
import SegueModel

/// A ListenBrainz user export: listens as one JSON array (older exports) or one JSON object per line
/// (`listens/YYYY/MM.jsonl` in today's export ZIP). Each listen is
/// `{listened_at, track_metadata{artist_name, track_name, release_name?, additional_info{duration_ms?,
/// duration?, recording_mbid?, spotify_id?, isrc?, …}, mbid_mapping?{recording_mbid?}}}`;
/// `listened_at` is when the listen started. Segue's own export has this shape too.
enum ListenBrainzExport {
    static func parse(_ data: Data, file: String, now: Int64) throws(ImportError) -> ParsedListens {
        var out = ParsedListens(file: file, format: .listenBrainz)
        let first = data.first(where: { ![0x20, 0x0A, 0x0D, 0x09, 0xEF, 0xBB, 0xBF].contains($0) })
        if first == UInt8(ascii: "[") {
            let array: [Any]
            do {
                guard let parsed = try JSONSerialization.jsonObject(with: data) as? [Any] else {
                    throw ImportError.wrongShape(file: file, record: nil, reason: "is not a JSON array of listens")
                }
                array = parsed
            } catch let error as ImportError {
                throw error
            } catch {
                throw ImportError.malformedJSON(file: file, offset: 0, reason: JSONText.reason(error))
            }
            for element in array { read(element, into: &out, now: now) }
            return out
        }
        // JSON lines: each line one listen; a line that is not JSON is that record's rejection, not the file's.
        var line = 0
        for slice in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            line += 1
            let trimmed = slice.drop(while: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D })
            guard !trimmed.isEmpty, !trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) else { continue }
            if out.records == 0, trimmed.first != UInt8(ascii: "{") {
                throw ImportError.wrongShape(file: file, record: nil, reason: "line \(line) is not a JSON object")
            }
            guard trimmed.count <= 1 << 20 else {
                out.records += 1
                out.reject(out.records - 1, "line \(line) is longer than 1 MiB")
                continue
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed)) else {
                out.records += 1
                out.reject(out.records - 1, "line \(line) is not valid JSON")
                continue
            }
            read(object, into: &out, now: now)
        }
        return out
    }

    private static func read(_ element: Any, into out: inout ParsedListens, now: Int64) {
        let index = out.records
        out.records += 1
        guard let listen = element as? [String: Any] else {
            out.reject(index, "not a JSON object")
            return
        }
        guard let time = JSONText.integer(listen["listened_at"]) else {
            out.reject(index, listen["listened_at"] == nil ? "no listened_at" : "listened_at is not a number of seconds")
            return
        }
        if let problem = ListenRules.checkTime(time, now: now) {
            out.reject(index, problem)
            return
        }
        guard let metadata = listen["track_metadata"] as? [String: Any] else {
            out.reject(index, "no track_metadata")
            return
        }
        let artist = ListenRules.name(metadata["artist_name"] as? String)
        let title = ListenRules.name(metadata["track_name"] as? String)
        if let problem = ListenRules.checkNames(artist: artist, title: title) {
            out.reject(index, problem)
            return
        }
        let info = metadata["additional_info"] as? [String: Any] ?? [:]
        let mapping = metadata["mbid_mapping"] as? [String: Any] ?? [:]
        var duration: Int?
        if let ms = JSONText.integer(info["duration_ms"]) {
            duration = Int(ms)
        } else if let seconds = JSONText.integer(info["duration"]) {
            duration = Int(clamping: seconds.multipliedReportingOverflow(by: 1000).overflow ? -1 : seconds * 1000)
        }
        // Segue's own export names the source of each play, and keeps a play of 0 ms as one.
        let segueSource = (info["segue_source"] as? String).flatMap(PlaySource.init(name:))
        if let d = duration, d < 0 || (d == 0 && segueSource == nil) || d > ListenRules.maxDurationMs { duration = nil }
        out.append(
            Listen(
                source: segueSource ?? .listenbrainz, time: time, timeIsStart: true, durationMs: duration, artist: artist!, title: title!,
                album: ListenRules.name(metadata["release_name"] as? String),
                spotifyURI: spotifyURI(info["spotify_id"] as? String),
                recordingMBID: ListenRules.name(info["recording_mbid"] as? String)
                    ?? ListenRules.name(mapping["recording_mbid"] as? String),
                isrc: ListenRules.name(info["isrc"] as? String)))
    }

    /// `spotify:track:ID` from the `https://open.spotify.com/track/ID` that scrobblers send (or the URI itself).
    static func spotifyURI(_ text: String?) -> String? {
        guard let text = ListenRules.name(text) else { return nil }
        if text.hasPrefix("spotify:track:") { return text }
        guard let range = text.range(of: "open.spotify.com/track/") else { return nil }
        let id = text[range.upperBound...].prefix(while: { $0.isLetter || $0.isNumber })
        return id.count == 22 ? "spotify:track:" + id : nil
    }
}

/// Helpers for values from `JSONSerialization`.
enum JSONText {
    /// An integer from a JSON number (or a string of digits, as some clients send), nil otherwise.
    static func integer(_ value: Any?) -> Int64? {
        switch value {
        case let n as NSNumber:
            // Booleans are NSNumbers too (of type "c"); they are not times or durations.
            if n.objCType.pointee == CChar(UInt8(ascii: "c")) { return nil }
            let d = n.doubleValue
            guard d.isFinite, d >= -9.2e18, d <= 9.2e18 else { return nil }
            return Int64(d)
        case let s as String: return Int64(s)
        default: return nil
        }
    }

    /// One line about why the parser refused the text (Foundation's errors carry a long description).
    static func reason(_ error: Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "not valid JSON"
        return String(text.prefix(200))
    }
}
