import Foundation

/// Encodes a whole frame sequence to a file, retrying GIFs smaller until they meet a size target.
public struct VideoExport: Sendable {
    /// What an export produced.
    public struct Summary: Sendable, Equatable, Codable {
        public var frames: Int
        /// Wall time of the last attempt, rendering included.
        public var seconds: Double
        public var bytes: Int
        /// `libx264`, `h264_nvenc`, `libvpx-vp9` or `gif`.
        public var encoder: String
        /// Encodes run (more than 1 when a GIF was shrunk to meet its size target).
        public var attempts: Int
        public var framesPerSecond: Double { seconds > 0 ? Double(frames) / seconds : 0 }
    }

    /// Draws frame `index` and hands its BGRA bytes to `sink`.
    public typealias FrameSource = (_ index: Int, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    /// Draws frame `index` and hands its BGRA bytes to `sink` with the pixel rows that differ from
    /// the frame before (nil: any may; see `FrameSink.write(_:changedRows:)`).
    public typealias ChangingFrameSource = (
        _ index: Int, _ sink: (UnsafeRawBufferPointer, _ changedRows: [Range<Int>]?) throws -> Void
    ) throws -> Void

    public var tools: FFmpegTools
    public var settings: VideoSettings
    /// Largest GIF accepted; the export shrinks width and frame rate and tries again (up to 4 times).
    public var gifTargetBytes: Int?
    /// An encoder service (`segue encoder serve`) to encode on, instead of a local ffmpeg.
    public var remote: URL?

    public init(tools: FFmpegTools, settings: VideoSettings, gifTargetBytes: Int? = nil, remote: URL? = nil) {
        self.tools = tools
        self.settings = settings
        self.gifTargetBytes = gifTargetBytes
        self.remote = remote
    }

    /// Encodes `frameCount` frames from `source` into `output`.
    /// - Parameters:
    ///   - h264: the resolved H.264 encoder for MP4 output.
    ///   - progress: called after each frame with the number of frames written.
    /// - Throws: `MediaError`, or whatever `source` throws (the partial output is removed).
    public func run(
        output: String, frameCount: Int, h264: H264Encoder = .libx264, progress: ((Int) -> Void)? = nil,
        source: FrameSource
    ) throws -> Summary {
        try export(output: output, frameCount: frameCount, h264: h264, progress: progress) { index, encoder in
            try source(index) { bytes in try encoder.write(bytes) }
        }
    }

    /// As `run(output:frameCount:h264:progress:source:)`, from a source that says which rows of
    /// each frame changed, so the encoder converts only those.
    public func run(
        output: String, frameCount: Int, h264: H264Encoder = .libx264, progress: ((Int) -> Void)? = nil,
        changingSource source: ChangingFrameSource
    ) throws -> Summary {
        try export(output: output, frameCount: frameCount, h264: h264, progress: progress) { index, encoder in
            // A retried GIF starts a new stream: its first frame is written whole.
            try source(index) { bytes, changed in try encoder.write(bytes, changedRows: index == 0 ? nil : changed) }
        }
    }

    /// The export loop: `write` draws frame `index` into `encoder`.
    private func export(
        output: String, frameCount: Int, h264: H264Encoder, progress: ((Int) -> Void)?,
        write: (_ index: Int, _ encoder: any FrameSink) throws -> Void
    ) throws -> Summary {
        var settings = self.settings
        var attempts = 0
        while true {
            attempts += 1
            let clock = ContinuousClock()
            let start = clock.now
            let encoder: any FrameSink =
                if let remote {
                    try RemoteFrameEncoder(service: remote, settings: settings, output: output)
                } else {
                    try FrameEncoder(settings: settings, output: output, tools: tools, h264: h264)
                }
            do {
                for index in 0..<frameCount {
                    try write(index, encoder)
                    progress?(index + 1)
                }
            } catch {
                encoder.cancel()
                throw error
            }
            let bytes = try encoder.finish()
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let summary = Summary(
                frames: frameCount, seconds: seconds, bytes: bytes, encoder: encoder.encoderName, attempts: attempts)
            guard settings.container == .gif, let target = gifTargetBytes, bytes > target, attempts < 5 else {
                return summary
            }
            // GIF size grows about with area × frame rate: shrink both a little beyond the ratio.
            let ratio = Double(target) / Double(bytes) * 0.9
            let width = max(160, Int(Double(settings.gifWidth) * ratio.squareRoot()) / 2 * 2)
            settings.gifWidth = width
            if ratio < 0.5 { settings.gifFPS = max(8, (settings.gifFPS * 0.75).rounded()) }
        }
    }
}
