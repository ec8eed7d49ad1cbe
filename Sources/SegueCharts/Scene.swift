/// A drawing-independent picture: a background and elements painted in order.
///
/// Layouts (`TopChartLayout`, `RaceFrameLayout`) produce scenes; `SegueGraphics` paints them with
/// Cairo or writes them as SVG, so both outputs always show the same thing.
public struct Scene: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var background: Fill
    public var elements: [SceneElement]

    public init(width: Int, height: Int, background: Fill, elements: [SceneElement] = []) {
        self.width = width
        self.height = height
        self.background = background
        self.elements = elements
    }

    /// Every text run in the scene, in paint order.
    public var texts: [TextRun] {
        elements.compactMap { if case .text(let run) = $0 { return run } else { return nil } }
    }
}

/// One thing to paint.
public enum SceneElement: Sendable, Equatable {
    /// A rectangle with rounded corners (radius clamped to half the shorter side).
    case rect(SceneRect, cornerRadius: Double, fill: Fill)
    /// A line of text.
    case text(TextRun)
    /// A square of cover art, or generated artwork when no image is known.
    case artwork(SceneRect, cornerRadius: Double, ArtworkRef)
    /// A straight line.
    case line(from: ScenePoint, to: ScenePoint, width: Double, color: ChartColor)
    /// Restricts the following elements to a rectangle until `.endClip`.
    case beginClip(SceneRect)
    /// Ends the innermost `.beginClip`.
    case endClip
}

/// A point in pixels, origin top-left.
public struct ScenePoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A rectangle in pixels, origin top-left.
public struct SceneRect: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var midY: Double { y + height / 2 }

    /// True when the two rectangles share some area.
    public func intersects(_ other: SceneRect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }
}

/// How a shape is filled.
public enum Fill: Sendable, Equatable {
    case solid(ChartColor)
    /// A linear gradient between two points; stops at offsets 0...1.
    case linearGradient(from: ScenePoint, to: ScenePoint, stops: [GradientStop])
}

/// One colour of a gradient.
public struct GradientStop: Sendable, Hashable {
    public var offset: Double
    public var color: ChartColor
    public init(_ offset: Double, _ color: ChartColor) {
        self.offset = offset
        self.color = color
    }
}

/// A font: family, weight and pixel size.
public struct FontSpec: Sendable, Hashable {
    public enum Weight: Int, Sendable, Hashable {
        case regular = 400
        case medium = 500
        case semibold = 600
        case bold = 700
        case heavy = 800
        case black = 900
    }
    public var family: String
    public var weight: Weight
    /// Pixel size (em height).
    public var size: Double
    /// Tabular (fixed-width) digits, so changing numbers do not wobble.
    public var tabularDigits: Bool

    public init(family: String, weight: Weight, size: Double, tabularDigits: Bool = false) {
        self.family = family
        self.weight = weight
        self.size = size
        self.tabularDigits = tabularDigits
    }
}

/// A styled piece of a text run.
public struct TextSpan: Sendable, Hashable {
    public var text: String
    public var font: FontSpec
    public var color: ChartColor
    public init(_ text: String, font: FontSpec, color: ChartColor) {
        self.text = text
        self.font = font
        self.color = color
    }
}

/// One line of text, vertically centred on `centerY`, ellipsized at the end to `maxWidth`.
public struct TextRun: Sendable, Equatable {
    public enum Alignment: Sendable, Equatable { case left, center, right }

    public var spans: [TextSpan]
    /// Left edge, centre or right edge depending on `alignment`.
    public var x: Double
    public var centerY: Double
    public var maxWidth: Double?
    public var alignment: Alignment
    /// Multiplies every span's alpha (for fading bars in and out).
    public var opacity: Double

    public init(
        spans: [TextSpan], x: Double, centerY: Double, maxWidth: Double? = nil, alignment: Alignment = .left,
        opacity: Double = 1
    ) {
        self.spans = spans
        self.x = x
        self.centerY = centerY
        self.maxWidth = maxWidth
        self.alignment = alignment
        self.opacity = opacity
    }

    /// A single-style run.
    public init(
        _ text: String, font: FontSpec, color: ChartColor, x: Double, centerY: Double, maxWidth: Double? = nil,
        alignment: Alignment = .left, opacity: Double = 1
    ) {
        self.init(
            spans: [TextSpan(text, font: font, color: color)], x: x, centerY: centerY, maxWidth: maxWidth,
            alignment: alignment, opacity: opacity)
    }

    /// The whole text, styles dropped.
    public var plainText: String { spans.map(\.text).joined() }

    /// The largest font size of the run.
    public var maxFontSize: Double { spans.map(\.font.size).max() ?? 0 }
}

/// Cover art for a bar: an image the renderer knows by identifier, with generated artwork as fallback.
public struct ArtworkRef: Sendable, Equatable {
    /// Key of an image in the renderer's artwork library, when one is known.
    public var imageID: String?
    /// One or two letters drawn on the gradient when there is no image.
    public var monogram: String
    /// Gradient of the generated artwork, top-left to bottom-right.
    public var gradientStart: ChartColor
    public var gradientEnd: ChartColor
    /// Multiplies the artwork's alpha.
    public var opacity: Double
    /// The smallest font size of the monogram, in pixels (0: it follows the artwork's side alone); a chart
    /// shown small on a screen sets its smallest text size here, so the letters stay readable.
    public var monogramMinimumSize: Double

    public init(
        imageID: String?, monogram: String, gradientStart: ChartColor, gradientEnd: ChartColor, opacity: Double = 1,
        monogramMinimumSize: Double = 0
    ) {
        self.imageID = imageID
        self.monogram = monogram
        self.gradientStart = gradientStart
        self.gradientEnd = gradientEnd
        self.opacity = opacity
        self.monogramMinimumSize = monogramMinimumSize
    }
}
