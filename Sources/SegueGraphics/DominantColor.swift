import SegueCharts

/// Finds the colour that represents an image, with a median-cut quantizer.
///
/// Median cut splits the colour cloud at the median of its widest channel until it has `maxColors`
/// boxes; each box's mean is a palette colour weighted by its pixel count. The pick prefers vivid
/// colours: near-grey, near-black and near-white boxes are skipped whenever a vivid box covers a fair
/// share of the image.
public enum DominantColor {
    /// One palette colour and the share of sampled pixels it stands for (0...1).
    public struct Swatch: Sendable, Equatable {
        public var color: ChartColor
        public var share: Double
    }

    /// The median-cut palette of a BGRA image, largest share first.
    /// - Parameters:
    ///   - pixels: `stride * height` bytes, B, G, R, A per pixel (alpha premultiplied or not).
    ///   - maxSamples: pixels are sampled on a regular grid down to about this many.
    public static func palette(
        bgra pixels: UnsafeRawBufferPointer, width: Int, height: Int, stride: Int, maxColors: Int = 8,
        maxSamples: Int = 16_384
    ) -> [Swatch] {
        guard width > 0, height > 0, pixels.count >= stride * (height - 1) + width * 4 else { return [] }
        let step = max(1, Int((Double(width * height) / Double(maxSamples)).squareRoot()))
        var samples: [SIMD3<UInt8>] = []
        samples.reserveCapacity((width / step + 1) * (height / step + 1))
        var y = 0
        while y < height {
            var x = 0
            while x < width {
                let o = y * stride + x * 4
                let a = pixels[o + 3]
                if a >= 128 {
                    // Undo premultiplication so half-transparent edges keep their hue.
                    func un(_ c: UInt8) -> UInt8 { a == 255 ? c : UInt8(min(255, Int(c) * 255 / Int(a))) }
                    samples.append(SIMD3(un(pixels[o + 2]), un(pixels[o + 1]), un(pixels[o])))
                }
                x += step
            }
            y += step
        }
        return palette(samples: samples, maxColors: maxColors)
    }

    /// The median-cut palette of RGB samples, largest share first.
    public static func palette(samples: [SIMD3<UInt8>], maxColors: Int = 8) -> [Swatch] {
        guard !samples.isEmpty else { return [] }
        var boxes: [ArraySlice<SIMD3<UInt8>>] = [samples[...]]
        while boxes.count < maxColors {
            // Split the box with the largest spread weighted by population.
            var best = -1
            var bestScore = 0
            var bestChannel = 0
            for (i, box) in boxes.enumerated() where box.count > 1 {
                let (channel, range) = widestChannel(box)
                let score = range * box.count
                if range > 0 && score > bestScore {
                    best = i
                    bestScore = score
                    bestChannel = channel
                }
            }
            guard best >= 0 else { break }
            let sorted = boxes[best].sorted { $0[bestChannel] < $1[bestChannel] }
            let mid = splitIndex(sorted, channel: bestChannel)
            boxes[best] = sorted[..<mid]
            boxes.append(sorted[mid...])
        }
        let total = Double(samples.count)
        return boxes.map { box in
            var sum = SIMD3<Int>(0, 0, 0)
            for p in box { sum &+= SIMD3<Int>(truncatingIfNeeded: p) }
            let n = Double(box.count)
            return Swatch(
                color: ChartColor(
                    red: Double(sum.x) / n / 255, green: Double(sum.y) / n / 255, blue: Double(sum.z) / n / 255),
                share: n / total)
        }.sorted { $0.share > $1.share }
    }

    /// The representative colour: the best vivid swatch when one covers at least `minimumVividShare`,
    /// else the largest swatch.
    public static func pick(from palette: [Swatch], minimumVividShare: Double = 0.05) -> ChartColor? {
        let vivid = palette.filter { isVivid($0.color) && $0.share >= minimumVividShare }
        if let best = vivid.max(by: { score($0) < score($1) }) { return best.color }
        return palette.first?.color
    }

    /// Neither near-grey, near-black nor near-white.
    public static func isVivid(_ c: ChartColor) -> Bool {
        c.saturation >= 0.25 && c.brightness >= 0.22 && !(c.brightness > 0.94 && c.saturation < 0.3)
    }

    private static func score(_ s: Swatch) -> Double {
        s.share.squareRoot() * (0.35 + s.color.saturation) * (0.5 + s.color.brightness)
    }

    /// The median, moved to the nearest place where the channel value changes so that identical
    /// colours stay in one box.
    private static func splitIndex(_ sorted: [SIMD3<UInt8>], channel: Int) -> Int {
        let mid = sorted.count / 2
        func isBoundary(_ i: Int) -> Bool { i > 0 && i < sorted.count && sorted[i - 1][channel] != sorted[i][channel] }
        for distance in 0..<sorted.count {
            if isBoundary(mid - distance) { return mid - distance }
            if isBoundary(mid + distance) { return mid + distance }
        }
        return mid
    }

    private static func widestChannel(_ box: ArraySlice<SIMD3<UInt8>>) -> (Int, Int) {
        var lo = SIMD3<UInt8>(255, 255, 255)
        var hi = SIMD3<UInt8>(0, 0, 0)
        for p in box {
            lo = pointwiseMin(lo, p)
            hi = pointwiseMax(hi, p)
        }
        let r = SIMD3<Int>(truncatingIfNeeded: hi) &- SIMD3<Int>(truncatingIfNeeded: lo)
        if r.x >= r.y && r.x >= r.z { return (0, r.x) }
        return r.y >= r.z ? (1, r.y) : (2, r.z)
    }
}
