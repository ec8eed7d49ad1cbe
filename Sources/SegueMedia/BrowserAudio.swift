import Foundation

/// Audio files as browsers play them: the ones they decode are served as they are (with their
/// media type); the others (AIFF, ALAC and other codecs in MP4) are transcoded to MP3 first.
public enum BrowserAudio {
    /// Codecs every current browser decodes, as ffprobe names them.
    static let playableCodecs: Set<String> = ["mp3", "aac", "flac", "vorbis", "opus", "pcm_s16le", "pcm_s24le", "pcm_u8", "pcm_f32le"]

    /// The media type to serve `path` with as it is, or nil when browsers cannot play it and it
    /// must be transcoded (`transcode`). MP4 files are probed for their codec; the rest are known
    /// by their extension.
    public static func mediaType(of path: String, tools: FFmpegTools) -> String? {
        switch (path as NSString).pathExtension.lowercased() {
        case "mp3": return "audio/mpeg"
        case "flac": return "audio/flac"
        case "ogg", "oga", "opus": return "audio/ogg"
        case "wav", "wave": return codec(of: path, tools: tools).map { playableCodecs.contains($0) } == true ? "audio/wav" : nil
        case "aac": return "audio/aac"
        case "m4a", "mp4": return codec(of: path, tools: tools).map { ["aac", "mp3", "flac", "opus"].contains($0) } == true ? "audio/mp4" : nil
        default: return nil
        }
    }

    /// The first audio stream's codec name, or nil when ffprobe cannot read the file.
    public static func codec(of path: String, tools: FFmpegTools) -> String? {
        guard
            let run = try? ToolRun.run(
                tools.ffprobe, ["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=codec_name", "-of", "csv=p=0", path]),
            run.status == 0
        else { return nil }
        let name = String(decoding: run.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? nil : name
    }

    /// Writes `input`'s first audio stream to `output` as MP3 (LAME VBR quality 2, about 190 kbit/s),
    /// atomically: the file appears complete or not at all.
    /// - Throws: `MediaError.ffmpegFailed` with ffmpeg's message.
    public static func transcode(_ input: String, to output: String, tools: FFmpegTools) throws(MediaError) {
        let partial = output + ".\(UUID().uuidString.prefix(8)).partial.mp3"
        let run = try ToolRun.run(
            tools.ffmpeg, ["-nostdin", "-v", "error", "-y", "-i", input, "-map", "0:a:0", "-vn", "-c:a", "libmp3lame", "-q:a", "2", partial])
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
