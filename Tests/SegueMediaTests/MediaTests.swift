import Foundation
import Testing

@testable import SegueMedia

@Suite(.serialized) struct MediaTests {
    static func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "segue-media-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Moving stripes, so encoders have something to do.
    static func stripes(_ index: Int, width: Int, height: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 255, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let o = (y * width + x) * 4
                let v = UInt8(truncatingIfNeeded: (x + index * 4) / 8 % 2 == 0 ? 230 : 30)
                bytes[o] = v
                bytes[o + 1] = UInt8(truncatingIfNeeded: y)
                bytes[o + 2] = 255 &- v
            }
        }
        return bytes
    }

    @Test func containersComeFromTheExtension() throws {
        #expect(try VideoContainer(path: "/tmp/a.mp4") == .mp4)
        #expect(try VideoContainer(path: "race.GIF") == .gif)
        #expect(try VideoContainer(path: "x/y.z/race.webm") == .webm)
        #expect(throws: MediaError.unsupportedOutput("mov")) { try VideoContainer(path: "a.mov") }
        #expect(throws: MediaError.unsupportedOutput("")) { try VideoContainer(path: "noext") }
    }

    @Test func argumentsMatchTheContract() {
        let mp4 = VideoSettings(width: 1080, height: 1920, fps: 30, container: .mp4)
            .ffmpegArguments(output: "o", resolvedH264: .libx264).joined(separator: " ")
        #expect(mp4.contains("-f rawvideo -pix_fmt yuv420p -s 1080x1920 -r 30 -i pipe:0"))
        #expect(mp4.contains("-colorspace bt709"))
        let mp4FromBGRA = VideoSettings(width: 1080, height: 1920, fps: 30, container: .mp4, convertsToYUV: false)
            .ffmpegArguments(output: "o", resolvedH264: .libx264).joined(separator: " ")
        #expect(mp4FromBGRA.contains("-f rawvideo -pix_fmt bgra -s 1080x1920 -r 30 -i pipe:0"))
        #expect(mp4.contains("-c:v libx264 -preset ultrafast"))
        #expect(mp4.contains("-pix_fmt yuv420p") && mp4.contains("-movflags +faststart"))
        let nvenc = VideoSettings(width: 1080, height: 1920, fps: 60, container: .mp4)
            .ffmpegArguments(output: "o", resolvedH264: .nvenc).joined(separator: " ")
        #expect(nvenc.contains("-c:v h264_nvenc") && nvenc.contains("-r 60"))
        let gif = VideoSettings(width: 1080, height: 1920, fps: 30, container: .gif)
            .ffmpegArguments(output: "o", resolvedH264: .libx264)
        #expect(gif.joined(separator: " ").contains("-pix_fmt bgra"))
        let graph = gif[gif.firstIndex(of: "-filter_complex")! + 1]
        #expect(graph.contains("palettegen") && graph.contains("paletteuse") && graph.contains("split"))
        #expect(graph.contains("fps=15") && graph.contains("scale=540:-2"))
        let webm = VideoSettings(width: 640, height: 360, fps: 24, container: .webm)
            .ffmpegArguments(output: "o", resolvedH264: .libx264).joined(separator: " ")
        #expect(webm.contains("-c:v libvpx-vp9"))
    }

    @Test func missingToolsAreReported() {
        #expect(throws: MediaError.toolNotFound("ffmpeg")) {
            try FFmpegTools.locate(environment: ["PATH": "/nonexistent"])
        }
        #expect(throws: MediaError.toolNotFound("/no/ffmpeg")) {
            try FFmpegTools.locate(environment: ["SEGUE_FFMPEG": "/no/ffmpeg"])
        }
        #expect(MediaError.toolNotFound("ffmpeg").description.contains("apt-get install ffmpeg"))
    }

    @Test func oddSizesAndWrongFrameSizesAreRejected() throws {
        let tools = try FFmpegTools.locate()
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: MediaError.oddSize(width: 101, height: 100)) {
            try FrameEncoder(settings: VideoSettings(width: 101, height: 100, fps: 30, container: .mp4), output: dir + "/a.mp4", tools: tools)
        }
        let encoder = try FrameEncoder(
            settings: VideoSettings(width: 64, height: 64, fps: 30, container: .mp4), output: dir + "/b.mp4", tools: tools)
        #expect(throws: MediaError.frameSizeMismatch(expected: 64 * 64 * 4, actual: 3)) {
            try [UInt8](repeating: 0, count: 3).withUnsafeBytes { try encoder.write($0) }
        }
        encoder.cancel()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test func unwritableOutputIsReportedBeforeEncoding() throws {
        let tools = try FFmpegTools.locate()
        #expect(throws: MediaError.self) {
            try FrameEncoder(
                settings: VideoSettings(width: 64, height: 64, fps: 30, container: .mp4), output: "/nonexistent/dir/a.mp4",
                tools: tools)
        }
    }

    @Test func aDyingFFmpegGivesAnErrorNotASignal() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A stand-in "ffmpeg" that complains and exits without reading its input.
        let fake = dir + "/ffmpeg"
        try "#!/bin/sh\necho 'Unknown encoder' >&2\nexit 3\n".write(toFile: fake, atomically: true, encoding: .utf8)
        chmod(fake, 0o755)
        let tools = FFmpegTools(ffmpeg: fake, ffprobe: "/usr/bin/ffprobe")
        let frame = [UInt8](repeating: 0, count: 512 * 512 * 4)
        let export = VideoExport(tools: tools, settings: VideoSettings(width: 512, height: 512, fps: 30, container: .mp4))
        do {
            _ = try export.run(output: dir + "/out.mp4", frameCount: 30) { _, sink in
                try frame.withUnsafeBytes { try sink($0) }
            }
            Issue.record("expected a failure")
        } catch let error as MediaError {
            guard case .ffmpegFailed(let status, let log) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(status == 3)
            #expect(log.contains("Unknown encoder"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["ffmpeg"])
    }

    @Test func nvencIsDetectedByATrialEncode() throws {
        let probe = EncoderProbe(tools: try FFmpegTools.locate())
        #expect(probe.canEncode(with: "libx264"))
        #expect(!probe.canEncode(with: "no_such_encoder"))
        let nvenc = probe.canEncode(with: "h264_nvenc")
        #expect(try probe.resolve(.auto) == (nvenc ? .nvenc : .libx264))
        #expect(try probe.resolve(.libx264) == .libx264)
        if !nvenc {
            #expect(throws: MediaError.encoderUnavailable("h264_nvenc")) { try probe.resolve(.nvenc) }
        }
    }

    @Test func gifsShrinkToMeetTheirSizeTarget() throws {
        let tools = try FFmpegTools.locate()
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let frames = (0..<20).map { Self.stripes($0, width: 320, height: 320) }
        let settings = VideoSettings(width: 320, height: 320, fps: 20, container: .gif, gifFPS: 20, gifWidth: 320)
        let free = try VideoExport(tools: tools, settings: settings).run(output: dir + "/free.gif", frameCount: 20) {
            i, sink in try frames[i].withUnsafeBytes { try sink($0) }
        }
        let target = free.bytes / 3
        let small = try VideoExport(tools: tools, settings: settings, gifTargetBytes: target).run(
            output: dir + "/small.gif", frameCount: 20
        ) { i, sink in try frames[i].withUnsafeBytes { try sink($0) } }
        #expect(small.attempts > 1)
        #expect(small.bytes <= target)
        let probe = try MediaProbe.probe(dir + "/small.gif", tools: tools)
        #expect(probe.codec == "gif" && probe.width < 320)
    }

    @Test func jpegStillsDecodeBack() throws {
        let tools = try FFmpegTools.locate()
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let codec = StillImageCodec(tools: tools)
        let frame = Self.stripes(0, width: 128, height: 96)
        try frame.withUnsafeBytes { try codec.writeJPEG(bgra: $0, width: 128, height: 96, to: dir + "/a.jpg") }
        let probe = try MediaProbe.probe(dir + "/a.jpg", tools: tools)
        #expect(probe.codec == "mjpeg" && probe.width == 128 && probe.height == 96)
        let square = try #require(codec.decodeSquare(URL(fileURLWithPath: dir + "/a.jpg"), side: 32))
        #expect(square.count == 32 * 32 * 4)
        #expect(codec.decodeSquare(URL(fileURLWithPath: dir + "/missing.jpg")) == nil)
    }
}
