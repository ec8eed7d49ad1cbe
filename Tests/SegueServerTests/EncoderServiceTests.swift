import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import HummingbirdTesting
import Logging
import SegueMedia
import SegueServer
import SegueTestSupport
import Testing

/// `segue encoder serve` over loopback: `RemoteFrameEncoder` streams frames to a real service on a
/// socket, the service encodes them with a real ffmpeg, and the video comes back.
@Suite struct EncoderServiceTests {
    func withService(_ body: @Sendable (URL, FFmpegTools) async throws -> Void) async throws {
        let tools = try FFmpegTools.locate()
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let service = EncoderService(tools: tools, concurrentEncodes: 1)
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
                let encoder = try RemoteFrameEncoder(service: url, settings: settings, output: output)
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
}
