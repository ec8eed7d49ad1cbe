/// The grid shared by chart and race layouts: margins, header, rows and footer, scaled to the format.
///
/// Portrait formats stack header, rows and a footer (the race counter lives there); other formats put
/// the counter at the right of the header so it never covers a bar.
public struct LayoutMetrics: Sendable, Equatable {
    public var format: SocialFormat
    public var rows: Int
    /// Scale against the 1080-pixel design.
    public var s: Double
    public var margin: Double
    public var titleCenterY: Double
    public var subtitleCenterY: Double
    public var ruleY: Double
    /// Width left for the title and subtitle (the header counter takes the rest on wide formats).
    public var headerTextWidth: Double
    public var rowsTop: Double
    public var rowsBottom: Double
    public var rowHeight: Double
    /// Right edge of the rank numbers.
    public var rankRight: Double
    public var artworkX: Double
    public var artworkSize: Double
    /// Where names and bars start.
    public var contentX: Double
    public var contentRight: Double
    public var footerTop: Double

    /// Fonts, sized to the format and the row height.
    public var titleFont: FontSpec
    public var subtitleFont: FontSpec
    public var rankFont: FontSpec
    public var nameFont: FontSpec
    public var secondaryNameFont: FontSpec
    public var valueFont: FontSpec
    public var tickFont: FontSpec
    public var footerFont: FontSpec
    public var counterFont: FontSpec
    public var counterSubFont: FontSpec
    /// The smallest font size allowed, in pixels (0: the fonts follow the format's scale alone).
    public var minimumTextSize: Double

    /// - Parameters:
    ///   - footerHeight: pixels below the rows at the 1080 design scale (portrait formats).
    ///   - headerCounter: reserve room at the right of the header for the race counter.
    ///   - minimumTextSize: no font is smaller than this many pixels (a chart shown small on a screen, where
    ///     the 1080-pixel proportions would shrink labels below what a person can read).
    public init(
        format: SocialFormat, rows: Int, family: String, footerHeight: Double, headerCounter: Bool,
        minimumTextSize: Double = 0
    ) {
        self.format = format
        self.rows = rows
        self.minimumTextSize = minimumTextSize
        let s = format.scale
        self.s = s
        let w = Double(format.width)
        let h = Double(format.height)
        margin = (format.isPortrait ? 72 : 64) * s
        let portrait = format.isPortrait
        titleCenterY = (portrait ? 190 : 104) * s
        subtitleCenterY = titleCenterY + 64 * s
        ruleY = subtitleCenterY + 42 * s
        let counterReserve = headerCounter && !portrait ? 420 * s : 0
        headerTextWidth = w - 2 * margin - counterReserve
        rowsTop = ruleY + (portrait ? 70 : 48) * s
        footerTop = h - (portrait ? footerHeight : 76) * s
        rowsBottom = footerTop - (portrait ? 24 : 8) * s
        rowHeight = (rowsBottom - rowsTop) / Double(rows)
        let rankWidth = min(rowHeight * 0.9, 76 * s)
        rankRight = margin + rankWidth
        artworkSize = rowHeight * 0.76
        artworkX = rankRight + 20 * s
        contentX = artworkX + artworkSize + 22 * s
        contentRight = w - margin

        func font(_ weight: FontSpec.Weight, size: Double, tabularDigits: Bool = false) -> FontSpec {
            FontSpec(family: family, weight: weight, size: max(size, minimumTextSize), tabularDigits: tabularDigits)
        }
        titleFont = font(.heavy, size: (portrait ? 74 : 64) * s)
        subtitleFont = font(.medium, size: 32 * s)
        let nameSize = min(max(rowHeight * 0.25, 16 * s), 36 * s)
        nameFont = font(.semibold, size: nameSize)
        secondaryNameFont = font(.regular, size: nameSize)
        rankFont = font(.bold, size: min(max(rowHeight * 0.3, 16 * s), 40 * s), tabularDigits: true)
        valueFont = font(.bold, size: min(max(rowHeight * 0.24, 14 * s), 32 * s), tabularDigits: true)
        tickFont = font(.medium, size: 20 * s, tabularDigits: true)
        footerFont = font(.medium, size: 26 * s)
        counterFont = font(.black, size: (portrait ? 200 : 150) * s, tabularDigits: true)
        counterSubFont = font(.bold, size: (portrait ? 44 : 36) * s)
    }

    /// Top of row `position` (fractional positions slide between rows).
    public func rowTop(_ position: Double) -> Double { rowsTop + position * rowHeight }

    /// The name line's centre in a row.
    public func nameCenterY(rowTop: Double) -> Double { rowTop + rowHeight * 0.28 }

    /// The bar's rectangle in a row, before its width is known.
    public func barBand(rowTop: Double) -> (y: Double, height: Double) {
        let height = rowHeight * 0.36
        return (rowTop + rowHeight * 0.5, height)
    }
}
