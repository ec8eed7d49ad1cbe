import Foundation

/// Audio files as browsers play them: the ones they decode are served as they are (with their
/// media type); the others (AIFF, ALAC and other codecs in MP4) are transcoded to MP3 first.
public enum BrowserAudio {
    /// Codecs every current browser decodes, as ffprobe names them.
    static let playableCodecs: Set<String> = ["mp3", "aac", "flac", "vorbis", "opus", "pcm_s16le", "pcm_s24le", "pcm_u8", "pcm_f32le"]

    /// The media type to serve a file of `container` whose first audio stream is `codec` as it is,
    /// or nil when browsers cannot play it and it must be transcoded.
    public static func mediaType(container: AudioContainer, codec: String?) -> String? {
        switch container {
        case .mp3: return "audio/mpeg"
        case .flac: return "audio/flac"
        case .ogg: return "audio/ogg"
        case .aac: return "audio/aac"
        case .wav: return codec.map { playableCodecs.contains($0) } == true ? "audio/wav" : nil
        case .mp4: return codec.map { ["aac", "mp3", "flac", "opus"].contains($0) } == true ? "audio/mp4" : nil
        case .aiff: return nil
        }
    }

    /// The media type to serve `path` with as it is, or nil when browsers cannot play it (or it is
    /// not audio Segue reads) and it must be transcoded (`transcode`). Known by its content and codec.
    public static func mediaType(of path: String, tools: FFmpegTools) -> String? {
        guard let tags = try? AudioTags.probe(path, tools: tools), let container = tags.container else { return nil }
        return mediaType(container: container, codec: tags.codec)
    }

    /// The first audio stream's codec name, or nil when ffprobe cannot read the file.
    public static func codec(of path: String, tools: FFmpegTools) -> String? {
        (try? AudioTags.probe(path, tools: tools))?.codec
    }

    /// Writes `input`'s first audio stream to `output` as MP3 (LAME VBR quality 2, about 190 kbit/s),
    /// atomically: the file appears complete or not at all. `input` is untrusted (sniffed, forced
    /// demuxer, file protocol only) and ffmpeg runs under `limits`.
    /// - Throws: `MediaError.notAudio`, `.timedOut`, or `.ffmpegFailed` with ffmpeg's message.
    public static func transcode(_ input: String, to output: String, tools: FFmpegTools, limits: ToolLimits = .decode)
        throws(MediaError)
    {
        let container = try AudioSniffer.sniff(file: input)
        let partial = output + ".\(UUID().uuidString.prefix(8)).partial.mp3"
        let run: ToolRun
        do {
            run = try tools.runUntrusted(
                tools.ffmpeg,
                ["-nostdin", "-v", "error", "-y"] + FFmpegTools.untrustedInput(input, container: container)
                    + ["-map", "0:a:0", "-vn", "-c:a", "libmp3lame", "-q:a", "2", partial],
                file: input, limits: limits)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        guard run.status == 0 else {
            try? FileManager.default.removeItem(atPath: partial)
            throw .ffmpegFailed(status: run.status, log: run.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        do {
            if FileManager.default.fileExists(atPath: output) { try FileManager.default.removeItem(atPath: output) }
            try FileManager.default.moveItem(atPath: partial, toPath: output)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw .outputNotWritable(path: output, reason: "\(error)")
        }
    }
}
