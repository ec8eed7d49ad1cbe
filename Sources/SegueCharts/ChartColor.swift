import Foundation

/// An sRGB colour with alpha, components in 0...1.
public struct ChartColor: Sendable, Hashable, CustomStringConvertible {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// A colour from `0xRRGGBB`.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(
            red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
            blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    /// `#rrggbb`, alpha dropped.
    public var hexString: String {
        let digits = Array("0123456789abcdef")
        var out = "#"
        for c in [red, green, blue] {
            let v = Int((min(1, max(0, c)) * 255).rounded())
            out.append(digits[v >> 4])
            out.append(digits[v & 15])
        }
        return out
    }

    public var description: String { alpha < 1 ? "\(hexString)@\(alpha)" : hexString }

    /// The same colour with another alpha.
    public func withAlpha(_ alpha: Double) -> ChartColor {
        ChartColor(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// Linear mix: `amount` 0 is `self`, 1 is `other`.
    public func mixed(with other: ChartColor, _ amount: Double) -> ChartColor {
        let t = min(1, max(0, amount))
        return ChartColor(
            red: red + (other.red - red) * t, green: green + (other.green - green) * t,
            blue: blue + (other.blue - blue) * t, alpha: alpha + (other.alpha - alpha) * t)
    }

    /// WCAG relative luminance (0 black ... 1 white).
    public var luminance: Double {
        func channel(_ c: Double) -> Double {
            c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    }

    /// WCAG contrast ratio with `other` (1 ... 21), alpha ignored.
    public func contrast(with other: ChartColor) -> Double {
        let a = luminance + 0.05
        let b = other.luminance + 0.05
        return max(a, b) / min(a, b)
    }

    /// Saturation in HSV terms (0 grey ... 1 pure hue).
    public var saturation: Double {
        let hi = max(red, green, blue)
        let lo = min(red, green, blue)
        return hi == 0 ? 0 : (hi - lo) / hi
    }

    /// Brightness in HSV terms (the largest component).
    public var brightness: Double { max(red, green, blue) }

    /// The colour moved towards white or black, whichever is needed, until its contrast with
    /// `background` reaches `ratio` (or it cannot improve further).
    public func ensuringContrast(_ ratio: Double, against background: ChartColor) -> ChartColor {
        if contrast(with: background) >= ratio { return self }
        let target = background.luminance > 0.4 ? ChartColor(hex: 0x000000) : ChartColor(hex: 0xFFFFFF)
        var best = self
        for step in 1...20 {
            best = mixed(with: target, Double(step) * 0.05)
            if best.contrast(with: background) >= ratio { break }
        }
        return best
    }

    /// White or near-black, whichever reads better on this colour.
    public var readableTextColor: ChartColor {
        let white = ChartColor(hex: 0xFFFFFF)
        let ink = ChartColor(hex: 0x111318)
        return white.contrast(with: self) >= ink.contrast(with: self) ? white : ink
    }
}
