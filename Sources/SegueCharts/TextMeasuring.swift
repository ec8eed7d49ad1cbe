/// Measures the advance width of a line of text, so layouts can reserve room for labels.
///
/// `SegueGraphics` provides an exact Pango measurer; `EstimatedTextMeasurer` is a font-free stand-in.
public protocol TextMeasuring: Sendable {
    /// The width in pixels of `text` set in `font`.
    func width(of text: String, font: FontSpec) -> Double
}

/// Approximates Inter's widths per character class; within about 10 % for Latin text and digits.
public struct EstimatedTextMeasurer: TextMeasuring {
    public init() {}

    public func width(of text: String, font: FontSpec) -> Double {
        var ems = 0.0
        for ch in text {
            guard let scalar = ch.unicodeScalars.first else { continue }
            switch scalar.value {
            case 0x30...0x39: ems += font.tabularDigits ? 0.62 : 0.6
            case 0x2C, 0x2E, 0x3A, 0x3B, 0x27, 0x69, 0x6C, 0x49, 0x7C: ems += 0.28
            case 0x20: ems += 0.27
            case 0x41...0x5A: ems += 0.68
            case 0x2E80...: ems += 1.0
            default: ems += 0.57
            }
        }
        let weightFactor = 1 + Double(font.weight.rawValue - 400) / 400 * 0.12
        return ems * font.size * weightFactor
    }
}
