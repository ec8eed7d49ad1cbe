import Foundation

/// What ffprobe says about an audio file: duration, the usual tags, and whether it carries cover art.
public struct AudioTags: Sendable, Equatable, Codable {
    public var durationSeconds: Double
    public var artist: String?
    public var title: String?
    public var album: String?
    public var trackNumber: Int?
    public var hasCoverArt: Bool

    /// Probes `path`.
    /// - Throws: `MediaError.probeFailed` when ffprobe cannot read it or it has no audio stream.
    public static func probe(_ path: String, tools: FFmpegTools) throws(MediaError) -> AudioTags {
        let run = try ToolRun.run(
            tools.ffprobe, ["-v", "error", "-show_format", "-show_streams", "-of", "json", path])
        guard run.status == 0,
            let root = try? JSONSerialization.jsonObject(with: run.stdout) as? [String: Any]
        else { throw .probeFailed("\(path): \(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines))") }
        let streams = root["streams"] as? [[String: Any]] ?? []
        guard streams.contains(where: { $0["codec_type"] as? String == "audio" }) else {
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
            trackNumber: track, hasCoverArt: cover)
    }
}
