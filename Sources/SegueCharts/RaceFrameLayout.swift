import Foundation
import SegueModel

/// Lays out the frames of a bar-chart race: sliding bars, a rescaling axis and a period counter.
public struct RaceFrameLayout: Sendable {
    public let timeline: RaceTimeline
    public let format: SocialFormat
    public let theme: Theme
    public let caption: ChartCaption
    public let metrics: LayoutMetrics

    private let colors: [ChartColor]
    private let artworks: [ArtworkRef]
    private let barMaxWidth: Double
    private let background: Fill

    /// Prepares everything that does not change between frames.
    public init(
        timeline: RaceTimeline, format: SocialFormat, theme: Theme, appearances: AppearanceBook = AppearanceBook(),
        caption: ChartCaption? = nil, measurer: any TextMeasuring = EstimatedTextMeasurer()
    ) {
        self.timeline = timeline
        self.format = format
        self.theme = theme
        let caption = caption ?? ChartCaption.race(timeline.data)
        self.caption = caption
        let m = LayoutMetrics(
            format: format, rows: timeline.top, family: theme.fontFamily, footerHeight: 330, headerCounter: true)
        self.metrics = m
        // Colour priority: the biggest entities at the end of the race get the first pick.
        let data = timeline.data
        let ids = data.entities.map(AppearanceBook.identifier(of:))
        let byImportance = data.entities.indices.sorted {
            let a = data.values[$0].last ?? 0
            let b = data.values[$1].last ?? 0
            return a != b ? a > b : $0 < $1
        }
        let picked = appearances.distinctColors(for: byImportance.map { ids[$0] }, theme: theme)
        var colors = [ChartColor](repeating: theme.palette[0], count: ids.count)
        for (i, e) in byImportance.enumerated() { colors[e] = picked[i] }
        let artworks = data.entities.indices.map {
            appearances.artwork(for: ids[$0], displayName: data.entities[$0].name, theme: theme, color: colors[$0])
        }
        self.colors = colors
        self.artworks = artworks
        // Room for the widest value label the race will ever show, so bars never push labels off-screen.
        let peak = timeline.data.values.compactMap(\.last).max() ?? 0
        let widest = measurer.width(of: NumberFormatting.grouped(peak), font: m.valueFont)
        barMaxWidth = max(m.contentRight - m.contentX - widest - 20 * m.s, m.rowHeight)
        background = ChartDecor.background(theme, format)
    }

    /// The scene of frame `index`.
    public func scene(frame index: Int) -> Scene {
        scene(for: timeline.frame(index))
    }

    /// The scene of a frame state.
    public func scene(for state: RaceFrameState) -> Scene {
        let m = metrics
        let data = timeline.data
        var elements = ChartDecor.header(caption, theme, m)
        elements.reserveCapacity(16 + state.bars.count * 5)

        // Axis: fading grid lines with compact labels above the rows.
        for tick in AxisTicks.ticks(maximum: state.axisMaximum) {
            let x = m.contentX + tick.value / state.axisMaximum * barMaxWidth
            // Labels of half-faded lines would crowd their neighbours: they appear in the second half.
            let labelOpacity = max(0, tick.opacity * 2 - 1)
            elements.append(
                .line(
                    from: ScenePoint(x: x, y: m.rowsTop), to: ScenePoint(x: x, y: m.rowsBottom), width: 2 * m.s,
                    color: theme.gridLine.withAlpha(theme.gridLine.alpha * tick.opacity)))
            elements.append(
                .text(
                    TextRun(
                        NumberFormatting.compact(tick.value), font: m.tickFont,
                        color: theme.secondaryText.withAlpha(theme.secondaryText.alpha * labelOpacity), x: x,
                        centerY: m.rowsTop - 16 * m.s, alignment: .center)))
        }

        // Fixed rank numbers for the rows that hold a bar.
        let filled = min(timeline.top, state.bars.filter { $0.rank < timeline.top }.count)
        for slot in 0..<filled {
            elements.append(
                .text(
                    TextRun(
                        String(slot + 1), font: m.rankFont, color: theme.rankText, x: m.rankRight,
                        centerY: m.rowTop(Double(slot)) + m.rowHeight / 2, alignment: .right)))
        }

        elements.append(
            .beginClip(SceneRect(x: 0, y: m.rowsTop - 4 * m.s, width: Double(format.width), height: m.rowsBottom - m.rowsTop + 8 * m.s)))
        // Worse ranks first so an overtaking bar passes over the bar it overtakes, whose labels dim
        // while it slides down, so the two never read on top of each other.
        for bar in state.bars.sorted(by: { $0.rank > $1.rank }) {
            let top = m.rowTop(bar.position)
            let sliding = bar.target > bar.position ? sin(Double.pi * min(1, bar.target - bar.position)) : 0
            let labelOpacity = bar.opacity * (1 - 0.85 * sliding)
            let entity = data.entities[bar.entity]
            var art = artworks[bar.entity]
            art.opacity = bar.opacity
            elements.append(
                .artwork(
                    SceneRect(
                        x: m.artworkX, y: top + (m.rowHeight - m.artworkSize) / 2, width: m.artworkSize,
                        height: m.artworkSize), cornerRadius: m.artworkSize * 0.14, art))
            elements.append(
                .text(
                    TextRun(
                        spans: ChartDecor.nameSpans(
                            name: entity.name, artist: entity.artist, theme: theme, m: m, opacity: labelOpacity),
                        x: m.contentX, centerY: m.nameCenterY(rowTop: top), maxWidth: m.contentRight - m.contentX)))
            let band = m.barBand(rowTop: top)
            let width = max(band.height, bar.value / state.axisMaximum * barMaxWidth)
            elements.append(
                ChartDecor.bar(
                    x: m.contentX, y: band.y, width: width, height: band.height, fullWidth: barMaxWidth,
                    color: colors[bar.entity], opacity: bar.opacity))
            elements.append(
                .text(
                    TextRun(
                        NumberFormatting.grouped(bar.value), font: m.valueFont,
                        color: theme.primaryText.withAlpha(theme.primaryText.alpha * labelOpacity),
                        x: m.contentX + width + 14 * m.s, centerY: band.y + band.height / 2)))
        }
        elements.append(.endClip)

        appendCounter(state, to: &elements)
        return Scene(width: format.width, height: format.height, background: background, elements: elements)
    }

    private func appendCounter(_ state: RaceFrameState, to elements: inout [SceneElement]) {
        let m = metrics
        let data = timeline.data
        let label = DateLabels.counter(data.periods[state.periodIndex], data.period)
        let w = Double(format.width)
        let h = Double(format.height)
        if format.isPortrait {
            elements.append(
                .text(
                    TextRun(
                        label.secondary, font: m.counterSubFont, color: theme.accent, x: m.margin,
                        centerY: m.footerTop + 40 * m.s)))
            elements.append(
                .text(
                    TextRun(
                        label.primary, font: m.counterFont, color: theme.counterText, x: m.margin - 8 * m.s,
                        centerY: m.footerTop + 160 * m.s)))
        } else {
            elements.append(
                .text(
                    TextRun(
                        label.primary, font: m.counterFont, color: theme.counterText, x: m.contentRight,
                        centerY: m.titleCenterY + 6 * m.s, alignment: .right)))
            elements.append(
                .text(
                    TextRun(
                        label.secondary, font: m.counterSubFont, color: theme.accent, x: m.contentRight,
                        centerY: m.subtitleCenterY + 30 * m.s, alignment: .right)))
        }
        // Progress along the race.
        let progress =
            timeline.timing.raceFrames > 1
            ? min(1, Double(state.index) / Double(timeline.timing.raceFrames - 1)) : 1
        let trackY = h - (format.isPortrait ? 44 : 30) * m.s
        let trackWidth = w - 2 * m.margin - 150 * m.s
        elements.append(
            .rect(
                SceneRect(x: m.margin, y: trackY, width: trackWidth, height: 6 * m.s), cornerRadius: 3 * m.s,
                fill: .solid(theme.gridLine)))
        elements.append(
            .rect(
                SceneRect(x: m.margin, y: trackY, width: max(6 * m.s, trackWidth * progress), height: 6 * m.s),
                cornerRadius: 3 * m.s, fill: .solid(theme.accent)))
        elements.append(
            .text(
                TextRun(
                    "segue", font: FontSpec(family: theme.fontFamily, weight: .heavy, size: 28 * m.s),
                    color: theme.secondaryText.withAlpha(0.7), x: m.contentRight, centerY: trackY + 3 * m.s,
                    alignment: .right)))
    }
}
