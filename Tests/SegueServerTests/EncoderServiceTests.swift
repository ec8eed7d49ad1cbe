import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SegueMedia
import SegueServer
import SegueTestSupport
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `segue encoder serve` over loopback: `RemoteFrameEncoder` streams frames to a real service on a
/// socket, the service encodes them with a real ffmpeg, and the video comes back.
@Suite struct EncoderServiceTests {
    static let token = "test-encoder-token-0123456789"

    func withService(
        maxWaiting: Int = 8, maxStreamBytes: Int = 1 << 30, _ body: @Sendable (URL, FFmpegTools) async throws -> Void
    ) async throws {
        let tools = try FFmpegTools.locate()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let service = EncoderService(
            tools: tools, concurrentEncodes: 1, maxWaiting: maxWaiting, token: Self.token, maxStreamBytes: maxStreamBytes)
        let app = Application(
            router: service.router(logger: logger), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body(URL(string: "http://127.0.0.1:\(port)")!, tools)
        }
    }

    /// Runs blocking client code off the concurrency pool (the service needs it to answer).
    func onThread<R: Sendable>(_ work: @escaping @Sendable () throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// Frames of a bar that moves right, so consecutive frames differ.
    static func frames(_ settings: VideoSettings, count: Int, encoder: any FrameSink) throws {
        var frame = [UInt8](repeating: 0, count: settings.frameBytes)
        for index in 0..<count {
            for y in 0..<settings.height {
                for x in 0..<settings.width {
                    let o = (y * settings.width + x) * 4
                    let lit = x < (index + 1) * settings.width / count
                    frame[o] = lit ? 200 : 30
                    frame[o + 1] = lit ? 90 : 30
                    frame[o + 2] = lit ? 40 : 30
                    frame[o + 3] = 255
                }
            }
            try frame.withUnsafeBytes { try encoder.write($0) }
        }
    }

    @Test(arguments: [VideoContainer.mp4, .webm, .gif])
    func framesGoOutAndTheVideoComesBack(container: VideoContainer) async throws {
        try await withService { url, tools in
            let folder = try Fixtures.folder("encoder")
            let output = folder.appendingPathComponent("race.\(container.rawValue)").path
            let settings = VideoSettings(width: 160, height: 96, fps: 12, container: container, h264: .auto, x264Preset: "ultrafast")
            let (bytes, name) = try await onThread {
                let encoder = try RemoteFrameEncoder(service: url, settings: settings, output: output, token: Self.token)
                try Self.frames(settings, count: 24, encoder: encoder)
                return (try encoder.finish(), encoder.encoderName)
            }
            #expect(bytes > 0)
            #expect(try FileManager.default.attributesOfItem(atPath: output)[.size] as? Int == bytes)
            let probe = try MediaProbe.probe(output, tools: tools, countFrames: true)
            switch container {
            case .mp4:
                #expect(probe.codec == "h264" && probe.pixelFormat == "yuv420p" && name == "libx264")
                #expect(probe.width == 160 && probe.height == 96 && probe.frameCount == 24)
            case .webm:
                #expect(probe.codec == "vp9" && name == "libvpx-vp9" && probe.frameCount == 24)
            case .gif:
                #expect(probe.codec == "gif" && name == "gif")
            }
            // Nothing is left beside the output.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["race.\(container.rawValue)"])
        }
    }

    @Test func badStreamsAndSettingsGetClearErrors() async throws {
        try await withService { url, _ in
            let endpoint = url.appendingPathComponent("v1/encode")
            // A stream that stops inside a frame.
            let settings = VideoSettings(width: 64, height: 64, fps: 10, container: .mp4, h264: .libx264)
            var request = URLRequest(url: endpoint)
            request.httpMethod = "POST"
            request.setValue("Bearer \(Self.token)", forHTTPHeaderField: "Authorization")
            request.setValue(String(decoding: try JSONEncoder().encode(settings), as: UTF8.self), forHTTPHeaderField: "X-Segue-Video-Settings")
            request.httpBody = Data(count: settings.pipeFrameBytes * 2 + 100)
            var (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 400)
            #expect(String(decoding: body, as: UTF8.self).contains("ended inside a frame"))
            // Settings out of range, and no settings at all.
            var odd = settings
            odd.width = 63
            request.setValue(String(decoding: try JSONEncoder().encode(odd), as: UTF8.self), forHTTPHeaderField: "X-Segue-Video-Settings")
            (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 400)
            #expect(String(decoding: body, as: UTF8.self).contains("63x64"))
            request.setValue(nil, forHTTPHeaderField: "X-Segue-Video-Settings")
            (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 400)
            #expect(String(decoding: body, as: UTF8.self).contains("X-Segue-Video-Settings"))
        }
        // No service at the address: the error names it.
        let folder = try Fixtures.folder("encoder")
        #expect {
            _ = try RemoteFrameEncoder(
                service: URL(string: "http://127.0.0.1:1")!,
                settings: VideoSettings(width: 64, height: 64, fps: 10, container: .mp4),
                output: folder.appendingPathComponent("x.mp4").path)
        } throws: { error in
            (error as? MediaError).map { "\($0)".contains("127.0.0.1:1") && "\($0)".contains("connect") } ?? false
        }
    }

    /// The service is for a private network, and even there a careless client cannot take it over: no token, 401;
    /// a stream over the limit, 413; more streams than it queues, 429.
    @Test func tokensLimitsAndQueueAreEnforced() async throws {
        try await withService(maxWaiting: 0, maxStreamBytes: 200_000) { url, _ in
            let endpoint = url.appendingPathComponent("v1/encode")
            let settings = VideoSettings(width: 64, height: 64, fps: 10, container: .mp4, h264: .libx264, x264Preset: "ultrafast")
            var request = URLRequest(url: endpoint)
            request.httpMethod = "POST"
            request.setValue(String(decoding: try JSONEncoder().encode(settings), as: UTF8.self), forHTTPHeaderField: "X-Segue-Video-Settings")
            request.httpBody = Data(count: settings.pipeFrameBytes * 2)
            var (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 401)
            #expect(String(decoding: body, as: UTF8.self).contains("SEGUE_ENCODER_TOKEN"))
            request.setValue("Bearer wrong-token-0123456789", forHTTPHeaderField: "Authorization")
            (_, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 401)

            request.setValue("Bearer \(Self.token)", forHTTPHeaderField: "Authorization")
            request.httpBody = Data(count: settings.pipeFrameBytes * (200_000 / settings.pipeFrameBytes + 2))
            (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 413)
            #expect(String(decoding: body, as: UTF8.self).contains("limit"))

            // One stream holds the only slot (and nobody may wait): a second is refused at once.
            let folder = try Fixtures.folder("encoder-busy")
            request.httpBody = Data(count: settings.pipeFrameBytes)
            let second = request
            let (status, text, bytes) = try await onThread {
                // The refused oversized stream frees its slot as its connection closes, which on a busy
                // machine can come after this request: a 429 here is that slot, so ask again.
                // A deadline, not a count of tries: on a loaded machine the close can take seconds to reach it.
                var opened: RemoteFrameEncoder?
                let deadline = Date().addingTimeInterval(60)
                while opened == nil {
                    do {
                        opened = try RemoteFrameEncoder(
                            service: url, settings: settings, output: folder.appendingPathComponent("a.mp4").path, token: Self.token)
                    } catch  where "\(error)".contains("429") && Date() < deadline {
                        Thread.sleep(forTimeInterval: 0.2)
                    }
                }
                let holder = opened!
                Thread.sleep(forTimeInterval: 0.5)
                let done = DispatchSemaphore(value: 0)
                let answer = Mutex<(Int, String)>((0, ""))
                URLSession.shared.dataTask(with: second) { data, response, _ in
                    answer.withLock { $0 = ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data ?? Data(), as: UTF8.self)) }
                    done.signal()
                }.resume()
                done.wait()
                try Self.frames(settings, count: 4, encoder: holder)
                let (status, text) = answer.withLock { $0 }
                return (status, text, try holder.finish())
            }
            #expect(status == 429 && text.contains("busy"))
            #expect(bytes > 0)
        }
    }
}
