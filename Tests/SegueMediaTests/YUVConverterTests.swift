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
            ["-v", "error", "-i", dir + "/a.mp4", "-frames:v", "1", "-vf", "scale=in_color_matrix=bt709:in_range=tv",
             "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"])
        let px = [UInt8](run.stdout.prefix(3))
        #expect(px.count == 3)
        #expect(abs(Int(px[0]) - 230) <= 4 && abs(Int(px[1]) - 120) <= 4 && abs(Int(px[2]) - 30) <= 4, "\(px)")
    }
}
