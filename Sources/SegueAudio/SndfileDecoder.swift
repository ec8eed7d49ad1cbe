import CSndfile
import Foundation
import SegueMedia

/// The second, independent decoder: libsndfile, in process. Used when ffmpeg refuses a file that
/// is nevertheless audio (Debian's ffmpeg 5.1 rejects some valid Ogg Vorbis files that libvorbis
/// reads). Only files whose content Segue's sniff accepted reach it, and it reads at most
/// `maximumSeconds` of audio, so a lying header cannot fill memory.
public struct SndfileDecoder: Sendable {
    /// The longest audio read, in seconds.
    public var maximumSeconds: Double

    public init(maximumSeconds: Double = 3600) {
        self.maximumSeconds = maximumSeconds
    }

    /// What libsndfile says about a file: its length and the tags it reads.
    public struct Info: Sendable, Equatable {
        public var sampleRate: Int
        public var channels: Int
        public var durationSeconds: Double
        public var artist: String?
        public var title: String?
        public var album: String?
        public var trackNumber: Int?
    }

    /// Opens `path` and calls `body` with the handle and its format; closes it afterwards.
    private func withFile<T>(_ path: String, _ body: (OpaquePointer, SF_INFO) throws(MediaError) -> T) throws(MediaError) -> T {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            let reason = String(cString: sf_strerror(nil))
            throw .ffmpegFailed(status: -1, log: "\(path): libsndfile: \(reason)")
        }
        defer { sf_close(file) }
        guard info.channels > 0, info.channels <= 64, info.samplerate >= 1000, info.samplerate <= 768_000 else {
            throw .ffmpegFailed(status: -1, log: "\(path): libsndfile: \(info.channels) channels at \(info.samplerate) Hz is not audio Segue reads")
        }
        return try body(file, info)
    }

    /// Length and tags of `path`.
    /// - Throws: `MediaError.ffmpegFailed` (with libsndfile's message) when libsndfile cannot open it.
    public func info(_ path: String) throws(MediaError) -> Info {
        try withFile(path) { (file, info) throws(MediaError) -> Info in
            func tag(_ kind: Int32) -> String? {
                guard let text = sf_get_string(file, kind) else { return nil }
                let value = String(cString: text).trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
            return Info(
                sampleRate: Int(info.samplerate), channels: Int(info.channels),
                durationSeconds: info.frames > 0 ? Double(info.frames) / Double(info.samplerate) : 0,
                artist: tag(Int32(SF_STR_ARTIST)), title: tag(Int32(SF_STR_TITLE)), album: tag(Int32(SF_STR_ALBUM)),
                trackNumber: tag(Int32(SF_STR_TRACKNUMBER)).flatMap { Int($0.split(separator: "/").first ?? "") })
        }
    }

    /// The samples of `path`, down-mixed to mono, at the file's own rate.
    /// - Throws: `MediaError.ffmpegFailed` with libsndfile's message when it cannot be read;
    ///   `.audioRejected` when it is longer than `maximumSeconds`.
    public func decodeMono(_ path: String) throws(MediaError) -> (samples: [Float], sampleRate: Int) {
        try withFile(path) { (file, info) throws(MediaError) -> (samples: [Float], sampleRate: Int) in
            let channels = Int(info.channels)
            let limit = Int(maximumSeconds * Double(info.samplerate))
            var mono: [Float] = []
            mono.reserveCapacity(min(limit, info.frames > 0 ? Int(clamping: info.frames) : 0))
            let chunkFrames = 16_384
            var buffer = [Float](repeating: 0, count: chunkFrames * channels)
            while true {
                let read = Int(buffer.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, sf_count_t(chunkFrames)) })
                if read <= 0 { break }
                let scale = 1 / Float(channels)
                for frame in 0..<read {
                    var sum: Float = 0
                    for c in 0..<channels { sum += buffer[frame * channels + c] }
                    mono.append(sum * scale)
                }
                if mono.count >= limit {
                    let name = (path as NSString).lastPathComponent
                    throw .audioRejected(
                        "\(name): longer than \(AnalysisDecoder.clock(maximumSeconds)), the longest audio Segue analyses (a mix or an audiobook?)")
                }
            }
            let error = sf_error(file)
            guard error == 0 || !mono.isEmpty else {
                throw .ffmpegFailed(status: -1, log: "\(path): libsndfile: \(String(cString: sf_error_number(error)))")
            }
            guard !mono.isEmpty else { throw .ffmpegFailed(status: -1, log: "\(path): libsndfile: no audio frames") }
            return (mono, Int(info.samplerate))
        }
    }
}
