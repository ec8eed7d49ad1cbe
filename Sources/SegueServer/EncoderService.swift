import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SegueMedia
import SegueModel

/// The encoder service (`segue encoder serve`): the machine with the GPU (or the spare cores)
/// encodes videos that other machines render.
///
/// `POST /v1/encode` takes the video settings as JSON in the `X-Segue-Video-Settings` header and
/// the frames as the body, already in the pipe format (`RemoteFrameEncoder` sends them chunked).
/// Body chunks go into ffmpeg's stdin as they arrive, and the next chunk is read only when that
/// write is done, so a slow encoder slows the sender (TCP back-pressure). The answer is the
/// encoded file, with the encoder used in `X-Segue-Encoder`; errors are `{"error": …}` with 400
/// (bad settings or a stream that is not whole frames) or 502 (ffmpeg failed).
///
/// It is not for the open internet: every request needs the service's token (`Authorization: Bearer`, 401
/// otherwise), a frame stream longer than `maxStreamBytes` is cut off with 413, at most `maxWaiting` streams wait
/// for a slot (429 beyond), and the video goes back streamed from disk, never whole in memory.
public struct EncoderService: Sendable {
    public let tools: FFmpegTools
    /// What `auto` means on this machine (NVENC when a trial encode works), worked out at start.
    public let autoH264: H264Encoder
    let slots: EncodeSlots
    /// The token clients send (nil: none needed, for tests of other things only).
    let token: String?
    /// Largest frame stream accepted, in bytes.
    let maxStreamBytes: Int
    /// Where each encode keeps its output until it has been sent.
    let temporaryDirectory: URL

    /// - Parameters:
    ///   - concurrentEncodes: videos encoded at once; later ones wait for a slot.
    ///   - maxWaiting: streams that may wait for a slot; more are refused with 429.
    ///   - token: the secret clients must send; `segue encoder serve` always has one.
    ///   - maxStreamBytes: the longest frame stream (the default holds a minute of 1080×1920 at 30 frames/s in
    ///     the pipe format, 4:2:0, about 5.6 GB).
    public init(
        tools: FFmpegTools, concurrentEncodes: Int = 2, maxWaiting: Int = 8, token: String? = nil,
        maxStreamBytes: Int = 6 * 1024 * 1024 * 1024, temporaryDirectory: URL = FileManager.default.temporaryDirectory
    ) {
        self.tools = tools
        self.autoH264 = (try? EncoderProbe(tools: tools).resolve(.auto)) ?? .libx264
        self.slots = EncodeSlots(count: max(1, concurrentEncodes), maxWaiting: max(0, maxWaiting))
        self.token = token
        self.maxStreamBytes = maxStreamBytes
        self.temporaryDirectory = temporaryDirectory
    }

    public func router(logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("healthz") { _, _ in "ok" }
        router.post("v1/encode") { request, context in
            await encode(request, context: context, logger: logger)
        }
        return router
    }

    /// True when the request carries the service's token (or the service needs none).
    func isAuthorized(_ request: Request) -> Bool {
        guard let token else { return true }
        guard let header = request.headers[.authorization] else { return false }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        return constantTimeEqual(SHA256.hex(String(parts[1])), SHA256.hex(token))
    }

    private func encode(_ request: Request, context: BasicRequestContext, logger: Logger) async -> Response {
        guard isAuthorized(request) else {
            var response = Self.error(.unauthorized, "this encoder needs its token: set SEGUE_ENCODER_TOKEN to the contents of its --token-file")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        guard let header = request.headers[HTTPField.Name("X-Segue-Video-Settings")!] else {
            return Self.error(.badRequest, "missing the X-Segue-Video-Settings header")
        }
        var settings: VideoSettings
        do {
            settings = try JSONDecoder().decode(VideoSettings.self, from: Data(header.utf8))
        } catch {
            return Self.error(.badRequest, "X-Segue-Video-Settings is not valid settings JSON: \(error)")
        }
        if let problem = settings.problem { return Self.error(.badRequest, problem) }
        let h264: H264Encoder
        switch settings.h264 {
        case .auto: h264 = autoH264
        case .libx264: h264 = .libx264
        case .nvenc:
            guard autoH264 == .nvenc else { return Self.error(.badRequest, MediaError.encoderUnavailable("h264_nvenc").description) }
            h264 = .nvenc
        }
        settings.h264 = h264

        guard await slots.acquire() else {
            var response = Self.error(.tooManyRequests, "the encoder is busy with as many videos as it queues: try again in a minute")
            response.headers[.retryAfter] = "60"
            return response
        }
        defer { Task { await slots.release() } }
        let folder = temporaryDirectory.appendingPathComponent("segue-encode-\(UUID().uuidString)")
        // The folder goes once its video has been sent (or at once when there is none to send).
        var keepFolder = false
        defer { if !keepFolder { try? FileManager.default.removeItem(at: folder) } }
        let output = folder.appendingPathComponent("video.\(settings.container.rawValue)").path
        let encoder: Box
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            encoder = Box(try FrameEncoder(settings: settings, output: output, tools: tools, h264: h264))
        } catch {
            logger.error("cannot start ffmpeg", metadata: ["error": "\(error)"])
            return Self.error(.internalServerError, "the encoder cannot start ffmpeg: its log has the reason")
        }
        // ffmpeg's stdin blocks when it falls behind: write on this request's own queue, not on the
        // concurrency pool.
        let queue = DispatchQueue(label: "segue.encode")
        func blocking<R: Sendable>(_ work: @escaping @Sendable () throws -> R) async throws -> R {
            try await withCheckedThrowingContinuation { continuation in
                queue.async { continuation.resume(with: Result { try work() }) }
            }
        }
        do {
            var received = 0
            for try await buffer in request.body {
                received += buffer.readableBytes
                guard received <= maxStreamBytes else {
                    encoder.value.cancel()
                    return Self.error(
                        .contentTooLarge, "the frame stream is longer than this encoder's limit of \(maxStreamBytes / (1024 * 1024)) MB")
                }
                try await blocking {
                    try buffer.withUnsafeReadableBytes { bytes in try encoder.value.writePiped(bytes) }
                }
            }
            let size = try await blocking { try encoder.value.finish() }
            let file = try await FileIO().loadFile(path: output, context: context)
            let frames = encoder.value.pipedBytes / settings.pipeFrameBytes
            logger.info(
                "encoded",
                metadata: ["frames": "\(frames)", "bytes": "\(size)", "encoder": "\(encoder.value.encoderName)"])
            var headers = HTTPFields()
            headers[.contentType] = Self.contentType(settings.container)
            headers[HTTPField.Name("X-Segue-Encoder")!] = encoder.value.encoderName
            headers[HTTPField.Name("X-Segue-Frames")!] = String(frames)
            keepFolder = true
            let body = ResponseBody(contentLength: size) { writer in
                defer { try? FileManager.default.removeItem(at: folder) }
                try await file.write(writer)
            }
            return Response(status: .ok, headers: headers, body: body)
        } catch let error as MediaError {
            encoder.value.cancel()
            switch error {
            case .frameSizeMismatch(let expected, let actual):
                return Self.error(.badRequest, "the stream ended inside a frame: \(actual) bytes of a \(expected)-byte frame")
            default:
                // ffmpeg's log stays on this machine.
                logger.error("encode failed", metadata: ["error": "\(error)"])
                return Self.error(.badGateway, "ffmpeg could not encode the stream: the encoder's log has the reason")
            }
        } catch {
            // The sender went away: stop ffmpeg, keep nothing.
            encoder.value.cancel()
            return Self.error(.badRequest, "the frame stream broke off: \(error)")
        }
    }

    static func contentType(_ container: VideoContainer) -> String {
        switch container {
        case .mp4: "video/mp4"
        case .webm: "video/webm"
        case .gif: "image/gif"
        }
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let body = (try? JSONSerialization.data(withJSONObject: ["error": message])) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The encoder crosses to the thread pool and back; one request uses it at a time.
    final class Box: @unchecked Sendable {
        let value: FrameEncoder
        init(_ value: FrameEncoder) { self.value = value }
    }
}

/// A counting semaphore for encodes, with a bounded queue.
actor EncodeSlots {
    private var free: Int
    private let maxWaiting: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int, maxWaiting: Int = .max) {
        free = count
        self.maxWaiting = maxWaiting
    }

    /// Takes a slot, waiting for one if needed; false (at once) when `maxWaiting` are waiting already.
    func acquire() async -> Bool {
        if free > 0 {
            free -= 1
            return true
        }
        guard waiting.count < maxWaiting else { return false }
        await withCheckedContinuation { waiting.append($0) }
        return true
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
