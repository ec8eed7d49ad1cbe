import CSeguePipe
import Foundation

/// Where a video's frames go: a local ffmpeg (`FrameEncoder`) or an encoder service
/// (`RemoteFrameEncoder`).
public protocol FrameSink: AnyObject {
    /// Writes one BGRA frame of exactly `settings.frameBytes` bytes. `changedRows`, when given,
    /// lists the only pixel rows that differ from the frame written before (sorted, disjoint): a
    /// sink may skip work on the others.
    func write(_ frame: UnsafeRawBufferPointer, changedRows: [Range<Int>]?) throws(MediaError)
    /// Ends the stream and puts the output in place; returns its size in bytes.
    func finish() throws(MediaError) -> Int
    /// Stops and leaves no output behind.
    func cancel()
    /// The encoder that made (or makes) the video: `libx264`, `h264_nvenc`, `libvpx-vp9` or `gif`.
    var encoderName: String { get }
}

extension FrameSink {
    /// Writes one BGRA frame of exactly `settings.frameBytes` bytes (any row may have changed).
    public func write(_ frame: UnsafeRawBufferPointer) throws(MediaError) {
        try write(frame, changedRows: nil)
    }
}

/// Streams raw BGRA frames into an ffmpeg process that encodes them to a file.
///
/// Frames go from the caller's buffer to ffmpeg's stdin (nothing on disk): copied as they are for
/// GIF, or converted here to YUV 4:2:0 for MP4 and WebM (see `YUVConverter`), into one of a few
/// buffers that a writer thread pushes into the pipe (`FramePipeline`), so the caller renders the
/// next frame while this one is written. The output is written to a temporary name beside the
/// target and renamed on success, so a failure or a cancel never leaves a half-written file.
public final class FrameEncoder: FrameSink {
    public let settings: VideoSettings
    public let outputPath: String
    /// The H.264 encoder in use (`.libx264` for GIF and WebM, where it does not apply).
    public let h264: H264Encoder
    public private(set) var framesWritten = 0
    /// Bytes written with `writePiped` (already in the pipe format).
    public private(set) var pipedBytes = 0

    private let process: Process
    private let input: FileHandle
    private let temporaryPath: String
    private let logPath: String
    private var finished = false
    private let conversion: FrameConversion
    private let pipeline: FramePipeline
    /// Frames queued since the last `writePiped` (which must come after them in the pipe).
    private var queuedFrames = 0

    /// Starts ffmpeg.
    /// - Parameters:
    ///   - h264: the resolved encoder for MP4 (see `EncoderProbe.resolve`); `.auto` means libx264.
    /// - Throws: `MediaError.oddSize`, `.outputNotWritable`, `.toolNotFound`.
    public init(settings: VideoSettings, output: String, tools: FFmpegTools, h264: H264Encoder = .libx264)
        throws(MediaError)
    {
        guard settings.width % 2 == 0, settings.height % 2 == 0 else {
            throw .oddSize(width: settings.width, height: settings.height)
        }
        MediaSignals.ignoreSIGPIPE()
        self.settings = settings
        conversion = FrameConversion(settings: settings)
        self.outputPath = output
        self.h264 = h264 == .nvenc ? .nvenc : .libx264
        let url = URL(fileURLWithPath: output)
        temporaryPath =
            url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil) else {
            throw .outputNotWritable(path: output, reason: String(cString: strerror(errno)))
        }
        logPath = FileManager.default.temporaryDirectory.appendingPathComponent("segue-ffmpeg-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tools.ffmpeg)
        process.arguments = settings.ffmpegArguments(output: temporaryPath, resolvedH264: self.h264)
        let pipe = Pipe()
        process.standardInput = pipe
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: logPath) ?? FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            unlink(temporaryPath)
            unlink(logPath)
            throw .toolNotFound(tools.ffmpeg)
        }
        self.process = process
        self.input = pipe.fileHandleForWriting
        try? pipe.fileHandleForReading.close()
        let fd = input.fileDescriptor
        // A bigger pipe means fewer context switches per frame (F_SETPIPE_SZ; best effort).
        _ = fcntl(fd, 1031, Int32(1 << 20))
        // Frames are lent to the pipe page by page (vmsplice) rather than copied into it; each
        // buffer comes back once ffmpeg has read it. Where splicing is refused, plain writes.
        let splicing = SpliceState()
        pipeline = FramePipeline(
            depth: Self.pipelineDepth, bufferBytes: settings.pipeFrameBytes,
            unread: { () -> Int? in
                if segue_pipe_reader_gone(fd) == 1 { return nil }
                let n = segue_pipe_unread(fd)
                return n < 0 ? nil : n
            }
        ) { bytes throws(MediaError) in
            try Self.spliceAll(bytes, to: fd, state: splicing)
        }
    }

    /// Whether vmsplice still works on this pipe (the writer thread's alone).
    private final class SpliceState: @unchecked Sendable {
        var supported = true
    }

    /// Lends every byte to the pipe `fd` (blocking while ffmpeg catches up), or writes them when
    /// the pipe refuses splicing. Bytes written instead of lent are copied, which is safe too.
    private static func spliceAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, state: SpliceState) throws(MediaError) {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 && state.supported {
            let n = segue_vmsplice(fd, pointer, remaining)
            if n < 0 {
                if errno == EINVAL || errno == ENOSYS {
                    state.supported = false
                    break
                }
                throw .ffmpegFailed(status: -1, log: String(cString: strerror(errno)))
            }
            remaining -= n
            pointer += n
        }
        if remaining > 0 { try writeAll(UnsafeRawBufferPointer(start: pointer, count: remaining), to: fd) }
    }

    /// Frames converted ahead of ffmpeg: one being filled, the others queued or in the pipe.
    static let pipelineDepth = 3

    deinit {
        if !finished { cancel() }
    }

    /// Writes one frame of exactly `settings.frameBytes` bytes (rows without padding).
    /// - Throws: `MediaError.frameSizeMismatch`, or `.ffmpegFailed` when ffmpeg has stopped reading.
    /// Converts it into a free pipeline buffer (waiting while all are queued) and returns; the
    /// writer thread sends it.
    ///
    /// With `changedRows`, only rows that changed since the frame last converted into the same
    /// buffer are converted again (the buffer still holds the others).
    public func write(_ frame: UnsafeRawBufferPointer, changedRows: [Range<Int>]?) throws(MediaError) {
        try conversion.check(frame)
        let sequence = pipeline.nextSequence
        conversion.record(changedRows, sequence: sequence)
        do {
            try pipeline.submit { buffer, lastFill in conversion.pipeBytes(frame, into: buffer, holding: lastFill) }
        } catch {
            throw failWithLog()
        }
        framesWritten += 1
        queuedFrames += 1
    }

    /// Writes bytes already in `settings.pipeFormat` (as an encoder service receives them), in
    /// pieces of any size, on the caller's thread; `finish` checks that they add up to whole frames.
    public func writePiped(_ bytes: UnsafeRawBufferPointer) throws(MediaError) {
        if queuedFrames > 0 {
            do { try pipeline.drain() } catch { throw failWithLog() }
            queuedFrames = 0
        }
        do { try Self.writeAll(bytes, to: input.fileDescriptor) } catch { throw failWithLog() }
        pipedBytes += bytes.count
    }

    /// Writes every byte to `fd` (blocking while ffmpeg catches up).
    /// - Throws: `MediaError.ffmpegFailed` without a log (the caller adds ffmpeg's).
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) throws(MediaError) {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = Foundation.write(fd, pointer, remaining)
            if n < 0 {
                if errno == EINTR { continue }
                throw .ffmpegFailed(status: -1, log: String(cString: strerror(errno)))
            }
            remaining -= n
            pointer += n
        }
    }

    public var encoderName: String {
        switch settings.container {
        case .mp4: h264.rawValue
        case .webm: "libvpx-vp9"
        case .gif: "gif"
        }
    }

    /// Closes the stream, waits for ffmpeg and moves the file into place.
    /// - Returns: the size of the output in bytes.
    /// - Throws: `MediaError.ffmpegFailed` or `.outputNotWritable`; the partial file is removed.
    public func finish() throws(MediaError) -> Int {
        guard !finished else { return 0 }
        if pipedBytes % settings.pipeFrameBytes != 0 {
            let frame = settings.pipeFrameBytes
            cancel()
            throw .frameSizeMismatch(expected: frame, actual: pipedBytes % frame)
        }
        do { try pipeline.finish() } catch { throw failWithLog() }
        finished = true
        try? input.close()
        process.waitUntilExit()
        let log = readLog()
        unlink(logPath)
        guard process.terminationStatus == 0, process.terminationReason == .exit else {
            unlink(temporaryPath)
            throw .ffmpegFailed(status: process.terminationStatus, log: log)
        }
        guard rename(temporaryPath, outputPath) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw .outputNotWritable(path: outputPath, reason: reason)
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: outputPath)
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Stops ffmpeg and removes the partial output.
    public func cancel() {
        guard !finished else { return }
        finished = true
        // ffmpeg first: a writer blocked on the full pipe then fails (EPIPE) and the pipeline
        // stops; the pipe's descriptor is closed only after the writer is done with it.
        if process.isRunning { process.terminate() }
        try? pipeline.finish()
        try? input.close()
        process.waitUntilExit()
        unlink(temporaryPath)
        unlink(logPath)
    }

    /// ffmpeg stopped reading: cleans up and returns the error with the end of ffmpeg's messages.
    private func failWithLog() -> MediaError {
        finished = true
        // The writer drops what is still queued once a write has failed; wait for it before the
        // descriptor is closed.
        try? pipeline.finish()
        try? input.close()
        process.waitUntilExit()
        let log = readLog()
        unlink(logPath)
        unlink(temporaryPath)
        return .ffmpegFailed(status: process.terminationStatus, log: log)
    }

    private func readLog() -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return String(text.trimmingCharacters(in: .whitespacesAndNewlines).suffix(600))
    }
}

/// Checks a BGRA frame's size and turns it into the bytes ffmpeg reads: as they are, or converted
/// to YUV 4:2:0 in a buffer reused frame after frame.
final class FrameConversion {
    let settings: VideoSettings
    private let converter: YUVConverter?
    private var converted: UnsafeMutableRawBufferPointer?
    /// Per pair of rows, the sequence number of the last frame in which it changed (YUV only).
    private var pairChangedAt: [Int]

    init(settings: VideoSettings) {
        self.settings = settings
        converter = settings.pipeFormat == "yuv420p" ? YUVConverter(width: settings.width, height: settings.height) : nil
        pairChangedAt = [Int](repeating: 0, count: converter == nil ? 0 : settings.height / 2)
    }

    /// Notes which rows frame `sequence` changes (nil: all of them).
    func record(_ changedRows: [Range<Int>]?, sequence: Int) {
        guard converter != nil else { return }
        guard let changedRows else {
            for k in pairChangedAt.indices { pairChangedAt[k] = sequence }
            return
        }
        for rows in changedRows {
            let first = max(0, rows.lowerBound / 2)
            let end = min(pairChangedAt.count, (rows.upperBound + 1) / 2)
            if first < end { for k in first..<end { pairChangedAt[k] = sequence } }
        }
    }

    /// Converts (or copies) a checked `frame` into `buffer`; when `holding` names the sequence
    /// number of the frame already in `buffer`, only pairs of rows changed since are converted.
    /// - Returns: the bytes written.
    func pipeBytes(_ frame: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawBufferPointer, holding: Int?) -> Int {
        guard let converter, let holding else { return pipeBytes(frame, into: buffer) }
        let stride = settings.width * 4
        var k = 0
        let pairs = pairChangedAt.count
        while k < pairs {
            guard pairChangedAt[k] > holding else {
                k += 1
                continue
            }
            var end = k + 1
            while end < pairs && pairChangedAt[end] > holding { end += 1 }
            converter.convert(bgra: frame, stride: stride, rowPairs: k..<end, into: buffer)
            k = end
        }
        return settings.pipeFrameBytes
    }

    deinit { converted?.deallocate() }

    /// - Throws: `MediaError.frameSizeMismatch` unless `frame` has `settings.frameBytes` bytes.
    func check(_ frame: UnsafeRawBufferPointer) throws(MediaError) {
        guard frame.count == settings.frameBytes else {
            throw .frameSizeMismatch(expected: settings.frameBytes, actual: frame.count)
        }
    }

    /// Converts (or copies) a checked `frame` into `buffer` (`settings.pipeFrameBytes` long).
    /// - Returns: the bytes written.
    func pipeBytes(_ frame: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        if let converter {
            converter.convert(bgra: frame, stride: settings.width * 4, into: buffer)
        } else {
            buffer.copyMemory(from: frame)
        }
        return settings.pipeFrameBytes
    }

    /// The pipe-format bytes of `frame` (valid until the next call).
    /// - Throws: `MediaError.frameSizeMismatch`.
    func pipeBytes(_ frame: UnsafeRawBufferPointer) throws(MediaError) -> UnsafeRawBufferPointer {
        try check(frame)
        guard let converter else { return frame }
        let buffer = converted ?? .allocate(byteCount: converter.frameBytes, alignment: 64)
        converted = buffer
        converter.convert(bgra: frame, stride: settings.width * 4, into: buffer)
        return UnsafeRawBufferPointer(buffer)
    }
}
