import SegueModel

/// Lays out a static top-N chart: ranked rows with artwork, names, bars and value labels.
public struct TopChartLayout: Sendable {
    public var format: SocialFormat
    public var theme: Theme
    public var appearances: AppearanceBook
    public var measurer: any TextMeasuring
    /// No text smaller than this many pixels (0: everything follows the format's scale).
    public var minimumTextSize: Double

    public init(
        format: SocialFormat, theme: Theme, appearances: AppearanceBook = AppearanceBook(),
        measurer: any TextMeasuring = EstimatedTextMeasurer(), minimumTextSize: Double = 0
    ) {
        self.format = format
        self.theme = theme
        self.appearances = appearances
        self.measurer = measurer
        self.minimumTextSize = minimumTextSize
    }

    /// The smallest text of a chart on a web page, in pixels of `screenFormat`: shown at the width of a
    /// phone's column (about 350 CSS pixels) it stays above 11 CSS pixels.
    public static let screenTextSize = 14.0

    /// A portrait size for a chart of `rows` rows shown on a web page rather than posted: narrow (420 pixels,
    /// about a phone's column, so text keeps its size there) and as tall as the rows need to hold a
    /// `screenTextSize` name above its bar.
    public static func screenFormat(rows: Int) -> SocialFormat {
        let width = 420.0
        let s = width / 1080
        let rowHeight = screenTextSize * 2.7
        // The portrait grid: 366 design pixels above the rows, 174 below (see `LayoutMetrics`).
        let height = max(540 * s + Double(max(rows, 5)) * rowHeight, width * 1.25)
        return (try? SocialFormat(width: Int(width), height: Int(height.rounded(.up)))) ?? .square
    }

    /// The scene for `entries` (already sorted and cut to the top N).
    /// - Throws: `ChartsError.noData` for an empty chart, `.topOutOfRange` for more than 20 rows.
    public func scene(entries: [ChartEntry], metric: Metric, caption: ChartCaption) throws(ChartsError) -> Scene {
        guard !entries.isEmpty else { throw .noData("the chart has no entries") }
        guard entries.count <= ChartLimits.topRange.upperBound else { throw .topOutOfRange(entries.count) }
        // Few rows would be huge: keep at least 5 row slots and centre the list.
        let slots = max(entries.count, 5)
        let m = LayoutMetrics(
            format: format, rows: slots, family: theme.fontFamily, footerHeight: 150, headerCounter: false,
            minimumTextSize: minimumTextSize)
        var elements = ChartDecor.header(caption, theme, m)

        let maxValue = entries.map { $0.value(metric) }.max() ?? 1
        let labels = entries.map { Self.valueLabel($0.value(metric), metric: metric) }
        let labelWidth = labels.map { measurer.width(of: $0, font: m.valueFont) }.max() ?? 0
        let barMax = max(m.contentRight - m.contentX - labelWidth - 18 * m.s, m.rowHeight)
        let offset = Double(slots - entries.count) / 2
        let colors = appearances.distinctColors(for: entries.map(AppearanceBook.identifier(of:)), theme: theme)

        for (i, entry) in entries.enumerated() {
            let top = m.rowTop(Double(i) + offset)
            let id = AppearanceBook.identifier(of: entry)
            elements.append(
                .text(
                    TextRun(
                        String(entry.rank), font: m.rankFont, color: theme.rankText, x: m.rankRight,
                        centerY: top + m.rowHeight / 2, alignment: .right)))
            var art = appearances.artwork(for: id, displayName: entry.name, theme: theme, color: colors[i])
            art.monogramMinimumSize = minimumTextSize
            elements.append(
                .artwork(
                    SceneRect(
                        x: m.artworkX, y: top + (m.rowHeight - m.artworkSize) / 2, width: m.artworkSize,
                        height: m.artworkSize), cornerRadius: m.artworkSize * 0.14, art))
            elements.append(
                .text(
                    TextRun(
                        spans: ChartDecor.nameSpans(name: entry.name, artist: entry.artist, theme: theme, m: m, opacity: 1),
                        x: m.contentX, centerY: m.nameCenterY(rowTop: top), maxWidth: m.contentRight - m.contentX)))
            let band = m.barBand(rowTop: top)
            let width = max(band.height, entry.value(metric) / max(maxValue, 1e-9) * barMax)
            elements.append(
                ChartDecor.bar(
                    x: m.contentX, y: band.y, width: width, height: band.height, fullWidth: barMax, color: colors[i],
                    opacity: 1))
            elements.append(
                .text(
                    TextRun(
                        labels[i], font: m.valueFont, color: theme.primaryText, x: m.contentX + width + 14 * m.s,
                        centerY: band.y + band.height / 2)))
        }

        if let footer = caption.footer {
            elements.append(
                .text(
                    TextRun(
                        footer, font: m.footerFont, color: theme.secondaryText, x: m.margin,
                        centerY: m.footerTop + (Double(format.height) - m.footerTop) / 2,
                        maxWidth: m.contentRight - m.margin - 160 * m.s)))
        }
        elements.append(Self.watermark(theme, m))
        return Scene(
            width: format.width, height: format.height, background: ChartDecor.background(theme, format),
            elements: elements)
    }

    /// `1,234` for streams, `1,234 min` for minutes.
    public static func valueLabel(_ value: Double, metric: Metric) -> String {
        metric == .streams ? NumberFormatting.grouped(value) : NumberFormatting.grouped(value) + " min"
    }

    static func watermark(_ theme: Theme, _ m: LayoutMetrics) -> SceneElement {
        .text(
            TextRun(
                "segue", font: FontSpec(family: theme.fontFamily, weight: .heavy, size: max(28 * m.s, m.minimumTextSize)),
                color: theme.secondaryText.withAlpha(0.7), x: m.contentRight,
                centerY: m.footerTop + (Double(m.format.height) - m.footerTop) / 2, alignment: .right))
    }
}
