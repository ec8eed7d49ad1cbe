import Foundation
import SegueModel

/// What ffprobe says about an audio file: duration, the usual tags, and whether it carries cover art.
public struct AudioTags: Sendable, Equatable, Codable {
    public var durationSeconds: Double
    public var artist: String?
    public var title: String?
    public var album: String?
    public var trackNumber: Int?
    public var hasCoverArt: Bool
    /// The container Segue's own sniff found (the demuxer every tool run on the file is forced to).
    public var container: AudioContainer?
    /// The first audio stream's codec, as ffprobe names it (`mp3`, `vorbis`, `pcm_s16le`, …).
    public var codec: String?
    /// The recording's ISRC (ID3 `TSRC` or `TXXX:ISRC`, Vorbis/FLAC `ISRC`, MP4 `----:com.apple.iTunes:ISRC`)
    /// and MusicBrainz recording id (ID3 `TXXX:MusicBrainz Track Id`, Vorbis `MUSICBRAINZ_TRACKID`, MP4
    /// `----:com.apple.iTunes:MusicBrainz Track Id`), normalised by `RecordingIdentifier`; nil when
    /// absent or not valid.
    public var isrc: String?
    public var recordingMBID: String?

    /// Tags as another reader (the second decoder) found them.
    public init(
        durationSeconds: Double, artist: String? = nil, title: String? = nil, album: String? = nil, trackNumber: Int? = nil,
        hasCoverArt: Bool = false, container: AudioContainer? = nil, codec: String? = nil, isrc: String? = nil,
        recordingMBID: String? = nil
    ) {
        self.durationSeconds = durationSeconds
        self.artist = artist
        self.title = title
        self.album = album
        self.trackNumber = trackNumber
        self.hasCoverArt = hasCoverArt
        self.container = container
        self.codec = codec
        self.isrc = isrc
        self.recordingMBID = recordingMBID
    }

    /// Probes `path`, an untrusted file: sniffed first (anything but an accepted audio container is
    /// refused before ffprobe starts), then read by ffprobe under `ToolLimits.probe`.
    ///   When ffprobe's answer is larger than `limits.maxOutputBytes` (tags of many megabytes), the
    ///   file is read again without its tags.
    /// - Throws: `MediaError.notAudio`, `.timedOut`, or `.probeFailed` when ffprobe cannot read it
    ///   or it has no audio stream.
    public static func probe(_ path: String, tools: FFmpegTools, limits: ToolLimits = .probe) throws(MediaError) -> AudioTags {
        let container = try AudioSniffer.sniff(file: path)
        let input = FFmpegTools.untrustedInput(path, container: container)
        var run: ToolRun
        do {
            run = try tools.runUntrusted(
                tools.ffprobe, ["-v", "error", "-show_format", "-show_streams", "-of", "json"] + input, file: path, limits: limits)
        } catch .toolOutputTooLarge {
            // Tags of many megabytes: read the file without its tags (it is still analysed).
            run = try tools.runUntrusted(
                tools.ffprobe,
                [
                    "-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name:stream_disposition=attached_pic", "-of",
                    "json",
                ] + input,
                file: path, limits: limits)
        }
        guard run.status == 0,
            let root = try? JSONSerialization.jsonObject(with: run.stdout) as? [String: Any]
        else { throw .probeFailed("\(path): \(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines))") }
        let streams = root["streams"] as? [[String: Any]] ?? []
        guard let audio = streams.first(where: { $0["codec_type"] as? String == "audio" }) else {
            throw .probeFailed("\(path): no audio stream")
        }
        let format = root["format"] as? [String: Any] ?? [:]
        // Tag names vary in case between containers (ID3 "TITLE", Vorbis "title").
        var tags: [String: String] = [:]
        for source in [format["tags"]] + streams.map({ $0["tags"] }) {
            for (k, v) in (source as? [String: Any]) ?? [:] {
                if let s = v as? String, tags[k.lowercased()] == nil { tags[k.lowercased()] = s }
            }
        }
        func tag(_ names: String...) -> String? {
            for n in names { if let v = tags[n]?.trimmingCharacters(in: .whitespaces), !v.isEmpty { return v } }
            return nil
        }
        let duration = Double(format["duration"] as? String ?? "") ?? 0
        let track = tag("track", "tracknumber").flatMap { Int($0.split(separator: "/").first ?? "") }
        let cover = streams.contains {
            $0["codec_type"] as? String == "video" && (($0["disposition"] as? [String: Any])?["attached_pic"] as? Int) == 1
        }
        return AudioTags(
            durationSeconds: duration, artist: tag("artist", "album_artist"), title: tag("title"), album: tag("album"),
            trackNumber: track, hasCoverArt: cover, container: container, codec: audio["codec_name"] as? String,
            // ffprobe shows an ID3 UFID frame nowhere, so a file that has only that has no MBID here.
            isrc: RecordingIdentifier.isrc(tag("isrc", "tsrc")),
            recordingMBID: RecordingIdentifier.mbid(tag("musicbrainz track id", "musicbrainz_trackid")))
    }
}
