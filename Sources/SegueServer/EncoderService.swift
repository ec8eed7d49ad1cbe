import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SegueMedia

/// The encoder service (`segue encoder serve`): the machine with the GPU (or the spare cores)
/// encodes videos that other machines render.
///
/// `POST /v1/encode` takes the video settings as JSON in the `X-Segue-Video-Settings` header and
/// the frames as the body, already in the pipe format (`RemoteFrameEncoder` sends them chunked).
/// Body chunks go into ffmpeg's stdin as they arrive, and the next chunk is read only when that
/// write is done, so a slow encoder slows the sender (TCP back-pressure). The answer is the
/// encoded file, with the encoder used in `X-Segue-Encoder`; errors are `{"error": …}` with 400
/// (bad settings or a stream that is not whole frames) or 502 (ffmpeg failed).
public struct EncoderService: Sendable {
    public let tools: FFmpegTools
    /// What `auto` means on this machine (NVENC when a trial encode works), worked out at start.
    public let autoH264: H264Encoder
    let slots: EncodeSlots

    /// - Parameter concurrentEncodes: videos encoded at once; later ones wait for a slot.
    public init(tools: FFmpegTools, concurrentEncodes: Int = 2) {
        self.tools = tools
        self.autoH264 = (try? EncoderProbe(tools: tools).resolve(.auto)) ?? .libx264
        self.slots = EncodeSlots(count: max(1, concurrentEncodes))
    }

    public func router(logger: Logger) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("healthz") { _, _ in "ok" }
        router.post("v1/encode") { request, _ in
            await encode(request, logger: logger)
        }
        return router
    }

    private func encode(_ request: Request, logger: Logger) async -> Response {
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

        await slots.acquire()
        defer { Task { await slots.release() } }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("segue-encode-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("video.\(settings.container.rawValue)").path
        let encoder: Box
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            encoder = Box(try FrameEncoder(settings: settings, output: output, tools: tools, h264: h264))
        } catch {
            return Self.error(.internalServerError, "cannot start ffmpeg: \(error)")
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
            for try await buffer in request.body {
                try await blocking {
                    try buffer.withUnsafeReadableBytes { bytes in try encoder.value.writePiped(bytes) }
                }
            }
            let size = try await blocking { try encoder.value.finish() }
            let data = try Data(contentsOf: URL(fileURLWithPath: output))
            let frames = encoder.value.pipedBytes / settings.pipeFrameBytes
            logger.info(
                "encoded",
                metadata: ["frames": "\(frames)", "bytes": "\(size)", "encoder": "\(encoder.value.encoderName)"])
            var headers = HTTPFields()
            headers[.contentType] = Self.contentType(settings.container)
            headers[HTTPField.Name("X-Segue-Encoder")!] = encoder.value.encoderName
            headers[HTTPField.Name("X-Segue-Frames")!] = String(frames)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        } catch let error as MediaError {
            encoder.value.cancel()
            switch error {
            case .frameSizeMismatch(let expected, let actual):
                return Self.error(.badRequest, "the stream ended inside a frame: \(actual) bytes of a \(expected)-byte frame")
            default:
                return Self.error(.badGateway, error.description)
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

/// A counting semaphore for encodes.
actor EncodeSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { free = count }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
