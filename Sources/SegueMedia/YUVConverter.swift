import CSegueYUV

/// Converts BGRA frames to planar YUV 4:2:0 (I420), BT.709 limited range, in this process.
///
/// ffmpeg's own BGRA-to-YUV conversion runs on its main thread, in the path of every frame; doing it
/// here, beside the renderer, frees ffmpeg for x264 and shrinks each frame in the pipe from 4 to 1.5
/// bytes per pixel. Chroma is the mean of each 2×2 block.
///
/// The arithmetic is in C (`CSegueYUV`): an AVX2 kernel where the CPU has it (about 3x the
/// portable loop on a 1080x1920 frame, the same bytes), the portable loop elsewhere; Swift's SIMD
/// types have no byte shuffles or multiply-adds, and a SIMD version in Swift ran slower than the
/// scalar loop.
public struct YUVConverter: Sendable {
    /// Which conversion loop runs.
    public enum Kernel: Sendable {
        /// The fastest this CPU supports.
        case best
        /// The portable loop (the reference the others must match byte for byte).
        case portable
    }

    public let width: Int
    public let height: Int
    public let kernel: Kernel

    /// - Precondition: `width` and `height` are even.
    public init(width: Int, height: Int, kernel: Kernel = .best) {
        precondition(width % 2 == 0 && height % 2 == 0, "I420 needs even sizes")
        self.width = width
        self.height = height
        self.kernel = kernel
    }

    /// The kernel `.best` runs on this CPU: `avx2` or `portable`.
    public static var bestKernelName: String { String(cString: segue_yuv_best_kernel()) }

    /// Bytes of one I420 frame: a full-size Y plane, then quarter-size U and V planes.
    public var frameBytes: Int { width * height * 3 / 2 }

    /// Converts `bgra` (rows `stride` bytes apart, alpha ignored) into `out` (`frameBytes` long).
    public func convert(bgra: UnsafeRawBufferPointer, stride: Int, into out: UnsafeMutableRawBufferPointer) {
        precondition(stride >= width * 4 && bgra.count >= stride * (height - 1) + width * 4 && out.count >= frameBytes)
        let src = bgra.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let y = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let u = y + width * height
        let v = u + (width / 2) * (height / 2)
        let choice = kernel == .best ? SEGUE_YUV_KERNEL_BEST : SEGUE_YUV_KERNEL_PORTABLE
        segue_bgra_to_i420(src, stride, Int32(width), 0, Int32(height), y, u, v, choice)
    }

    /// Converts only the pairs of rows `rowPairs` (pair `k` is rows `2k` and `2k + 1`), leaving the
    /// rest of `out` as it was.
    public func convert(
        bgra: UnsafeRawBufferPointer, stride: Int, rowPairs: Range<Int>, into out: UnsafeMutableRawBufferPointer
    ) {
        precondition(stride >= width * 4 && bgra.count >= stride * (height - 1) + width * 4 && out.count >= frameBytes)
        precondition(rowPairs.lowerBound >= 0 && rowPairs.upperBound <= height / 2)
        guard !rowPairs.isEmpty else { return }
        let src = bgra.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let y = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let u = y + width * height
        let v = u + (width / 2) * (height / 2)
        let choice = kernel == .best ? SEGUE_YUV_KERNEL_BEST : SEGUE_YUV_KERNEL_PORTABLE
        segue_bgra_to_i420(
            src, stride, Int32(width), Int32(rowPairs.lowerBound * 2), Int32(rowPairs.upperBound * 2), y, u, v, choice)
    }
}
