/// Converts BGRA frames to planar YUV 4:2:0 (I420), BT.709 limited range, in this process.
///
/// ffmpeg's own BGRA-to-YUV conversion runs on its main thread, in the path of every frame; doing it
/// here, beside the renderer, frees ffmpeg for x264 and shrinks each frame in the pipe from 4 to 1.5
/// bytes per pixel. Chroma is the mean of each 2×2 block.
public struct YUVConverter: Sendable {
    public let width: Int
    public let height: Int

    /// - Precondition: `width` and `height` are even.
    public init(width: Int, height: Int) {
        precondition(width % 2 == 0 && height % 2 == 0, "I420 needs even sizes")
        self.width = width
        self.height = height
    }

    /// Bytes of one I420 frame: a full-size Y plane, then quarter-size U and V planes.
    public var frameBytes: Int { width * height * 3 / 2 }

    /// Converts `bgra` (rows `stride` bytes apart, alpha ignored) into `out` (`frameBytes` long).
    public func convert(bgra: UnsafeRawBufferPointer, stride: Int, into out: UnsafeMutableRawBufferPointer) {
        precondition(bgra.count >= stride * (height - 1) + width * 4 && out.count >= frameBytes)
        let src = bgra.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let dst = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let yPlane = dst
        let uPlane = dst + width * height
        let vPlane = uPlane + (width / 2) * (height / 2)
        let halfWidth = width / 2
        for row in Swift.stride(from: 0, to: height, by: 2) {
            let top = src + row * stride
            let bottom = top + stride
            let yTop = yPlane + row * width
            let yBottom = yTop + width
            let u = uPlane + (row / 2) * halfWidth
            let v = vPlane + (row / 2) * halfWidth
            for cx in 0..<halfWidth {
                let o = cx * 8
                let b0 = Int32(top[o]), g0 = Int32(top[o + 1]), r0 = Int32(top[o + 2])
                let b1 = Int32(top[o + 4]), g1 = Int32(top[o + 5]), r1 = Int32(top[o + 6])
                let b2 = Int32(bottom[o]), g2 = Int32(bottom[o + 1]), r2 = Int32(bottom[o + 2])
                let b3 = Int32(bottom[o + 4]), g3 = Int32(bottom[o + 5]), r3 = Int32(bottom[o + 6])
                yTop[2 * cx] = Self.luma(r0, g0, b0)
                yTop[2 * cx + 1] = Self.luma(r1, g1, b1)
                yBottom[2 * cx] = Self.luma(r2, g2, b2)
                yBottom[2 * cx + 1] = Self.luma(r3, g3, b3)
                let r = r0 + r1 + r2 + r3
                let g = g0 + g1 + g2 + g3
                let b = b0 + b1 + b2 + b3
                // Sums of four pixels: divide by 4 × 256 with rounding.
                u[cx] = UInt8(truncatingIfNeeded: (-26 * r - 86 * g + 112 * b + 512) >> 10 + 128)
                v[cx] = UInt8(truncatingIfNeeded: (112 * r - 102 * g - 10 * b + 512) >> 10 + 128)
            }
        }
    }

    @inline(__always) static func luma(_ r: Int32, _ g: Int32, _ b: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: (47 * r + 157 * g + 16 * b + 128) >> 8 + 16)
    }
}
