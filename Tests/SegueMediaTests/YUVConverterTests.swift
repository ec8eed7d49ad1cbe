import Foundation
import Testing

@testable import SegueMedia

@Suite struct YUVConverterTests {
    func convert(_ bgra: [UInt8], _ w: Int, _ h: Int) -> [UInt8] {
        let c = YUVConverter(width: w, height: h)
        var out = [UInt8](repeating: 0, count: c.frameBytes)
        bgra.withUnsafeBytes { src in out.withUnsafeMutableBytes { c.convert(bgra: src, stride: w * 4, into: $0) } }
        return out
    }

    func solid(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ w: Int = 4, _ h: Int = 2) -> [UInt8] {
        (0..<(w * h)).flatMap { _ in [b, g, r, 255] }
    }

    @Test func primariesMatchBT709LimitedRange() {
        // Reference values from the BT.709 matrix: (Y, Cb, Cr).
        let cases: [((UInt8, UInt8, UInt8), (Int, Int, Int))] = [
            ((0, 0, 0), (16, 128, 128)), ((255, 255, 255), (235, 128, 128)),
            ((255, 0, 0), (63, 102, 240)), ((0, 255, 0), (173, 42, 26)), ((0, 0, 255), (32, 240, 118)),
        ]
        for ((r, g, b), (y, u, v)) in cases {
            let out = convert(solid(r, g, b), 4, 2)
            #expect(abs(Int(out[0]) - y) <= 1, "Y of \(r),\(g),\(b)")
            #expect(abs(Int(out[8]) - u) <= 1, "Cb of \(r),\(g),\(b)")
            #expect(abs(Int(out[10]) - v) <= 1, "Cr of \(r),\(g),\(b)")
        }
    }

    @Test func chromaIsTheMeanOfEachBlockAndPlanesAreLaidOutI420() {
        // Left 2×2 block white, right block black.
        var img = [UInt8]()
        for _ in 0..<2 { img += [255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255] }
        let out = convert(img, 4, 2)
        #expect(out.count == 12)
        #expect(Array(out[0..<4]) == [235, 235, 16, 16])
        #expect(Array(out[8..<10]) == [128, 128])
        #expect(Array(out[10..<12]) == [128, 128])
    }

    @Test(arguments: [(2, 2), (6, 4), (30, 6), (32, 2), (34, 8), (1080, 64), (1920, 10)])
    func theFastKernelGivesThePortableKernelsBytes(width: Int, height: Int) {
        // Random pixels (fixed seed) with saturated corners, in rows padded beyond the width.
        let stride = width * 4 + 12
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(width * 31 + height)
        var bgra = [UInt8](repeating: 0, count: stride * height)
        for i in bgra.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bgra[i] = UInt8(truncatingIfNeeded: state >> 56)
        }
        for i in 0..<min(32, bgra.count) { bgra[i] = i % 3 == 0 ? 0 : 255 }
        func run(_ kernel: YUVConverter.Kernel) -> [UInt8] {
            let c = YUVConverter(width: width, height: height, kernel: kernel)
            var out = [UInt8](repeating: 0xAB, count: c.frameBytes)
            bgra.withUnsafeBytes { src in out.withUnsafeMutableBytes { c.convert(bgra: src, stride: stride, into: $0) } }
            return out
        }
        let fast = run(.best)
        let portable = run(.portable)
        #expect(fast == portable, "kernel \(YUVConverter.bestKernelName) at \(width)x\(height)")
        // The portable kernel against the formula, at one pixel and one block.
        let (b, g, r) = (Int(bgra[0]), Int(bgra[1]), Int(bgra[2]))
        #expect(Int(portable[0]) == ((47 * r + 157 * g + 16 * b + 128) >> 8) + 16)
        let block = [0, 4, stride, stride + 4]
        let rs = block.map { Int(bgra[$0 + 2]) }.reduce(0, +)
        let gs = block.map { Int(bgra[$0 + 1]) }.reduce(0, +)
        let bs = block.map { Int(bgra[$0]) }.reduce(0, +)
        #expect(Int(portable[width * height]) == ((-26 * rs - 86 * gs + 112 * bs + 512) >> 10) + 128)
        #expect(Int(portable[width * height + width * height / 4]) == ((112 * rs - 102 * gs - 10 * bs + 512) >> 10) + 128)
    }

    @Test func framesReachFFmpegWholeAndInOrder() throws {
        // Lossless H.264 (CRF 0) of frames that differ one from the next: decoded back without any
        // conversion, each frame's planes must be exactly what the converter made, in order.
        let tools = try FFmpegTools.locate()
        let dir = NSTemporaryDirectory() + "segue-yuv-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (w, h, count) = (64, 48, 40)
        func frame(_ i: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 255, count: w * h * 4)
            for p in 0..<(w * h) {
                let x = p % w
                let y = p / w
                bytes[p * 4] = UInt8(x * 3 + i)
                bytes[p * 4 + 1] = UInt8(255 - i * 5)
                bytes[p * 4 + 2] = UInt8(y * 4)
            }
            return bytes
        }
        let settings = VideoSettings(width: w, height: h, fps: 25, container: .mp4, crf: 0)
        let summary = try VideoExport(tools: tools, settings: settings).run(output: dir + "/a.mp4", frameCount: count) {
            i, sink in try frame(i).withUnsafeBytes { try sink($0) }
        }
        #expect(summary.frames == count)
        let run = try ToolRun.run(tools.ffmpeg, ["-v", "error", "-i", dir + "/a.mp4", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"])
        let converter = YUVConverter(width: w, height: h)
        var expected: [UInt8] = []
        for i in 0..<count {
            var out = [UInt8](repeating: 0, count: converter.frameBytes)
            frame(i).withUnsafeBytes { src in out.withUnsafeMutableBytes { converter.convert(bgra: src, stride: w * 4, into: $0) } }
            expected += out
        }
        #expect(run.stdout.count == expected.count)
        #expect([UInt8](run.stdout) == expected)
    }

    @Test func aConvertedRaceDecodesToTheSameColours() throws {
        let tools = try FFmpegTools.locate()
        let dir = NSTemporaryDirectory() + "segue-yuv-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let frame = solid(230, 120, 30, 64, 64)
        let settings = VideoSettings(width: 64, height: 64, fps: 10, container: .mp4, crf: 10)
        #expect(settings.pipeFormat == "yuv420p")
        _ = try VideoExport(tools: tools, settings: settings).run(output: dir + "/a.mp4", frameCount: 5) { _, sink in
            try frame.withUnsafeBytes { try sink($0) }
        }
        // Decode back to RGB with the BT.709 matrix the file is tagged with.
        let run = try ToolRun.run(
            tools.ffmpeg,
            [
                "-v", "error", "-i", dir + "/a.mp4", "-frames:v", "1", "-vf", "scale=in_color_matrix=bt709:in_range=tv",
                "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
            ])
        let px = [UInt8](run.stdout.prefix(3))
        #expect(px.count == 3)
        #expect(abs(Int(px[0]) - 230) <= 4 && abs(Int(px[1]) - 120) <= 4 && abs(Int(px[2]) - 30) <= 4, "\(px)")
    }
}
