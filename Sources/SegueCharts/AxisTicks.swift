import Foundation

/// Grid lines for a bar axis whose maximum changes every frame.
///
/// Ticks sit on a 1-2-5 ladder of steps; between two rungs the finer ticks fade out and the coarser
/// fade in as the axis grows, so lines never pop in or out.
public enum AxisTicks {
    /// One grid line.
    public struct Tick: Sendable, Equatable {
        public var value: Double
        public var opacity: Double
    }

    /// Ticks from the first step up to `maximum`, about `target` of them.
    public static func ticks(maximum: Double, target: Double = 4) -> [Tick] {
        guard maximum.isFinite, maximum > 0 else { return [] }
        let raw = maximum / target
        let fine = niceStep(atMost: raw)
        let coarse = niceStep(above: fine)
        let fade = min(1, max(0, (log(raw) - log(fine)) / (log(coarse) - log(fine))))
        // Fine lines fade out and coarse lines fade in as the axis grows; lines on both stay.
        var values = Set<Double>()
        for step in [fine, coarse] {
            var k = 1.0
            while k * step <= maximum * 1.0001 && values.count < 200 {
                values.insert(k * step)
                k += 1
            }
        }
        func isMultiple(_ value: Double, of step: Double) -> Bool {
            abs(value / step - (value / step).rounded()) < 1e-9
        }
        return values.sorted().compactMap { value in
            let onFine = isMultiple(value, of: fine)
            let onCoarse = isMultiple(value, of: coarse)
            let opacity = onFine && onCoarse ? 1 : onFine ? 1 - fade : fade
            return opacity > 0.01 ? Tick(value: value, opacity: opacity) : nil
        }
    }

    /// The largest 1-2-5 step not above `x`.
    public static func niceStep(atMost x: Double) -> Double {
        let magnitude = pow(10, floor(log10(x)))
        let m = x / magnitude
        let f: Double = m >= 5 ? 5 : m >= 2 ? 2 : 1
        return f * magnitude
    }

    /// The next 1-2-5 step after `step`.
    public static func niceStep(above step: Double) -> Double {
        let magnitude = pow(10, floor(log10(step) + 1e-9))
        let m = (step / magnitude).rounded()
        return m >= 5 ? 10 * magnitude : m >= 2 ? 5 * magnitude : 2 * magnitude
    }
}
