/// Pieces both layouts draw the same way: background, header and bars.
enum ChartDecor {
    static func background(_ theme: Theme, _ format: SocialFormat) -> Fill {
        .linearGradient(
            from: ScenePoint(x: 0, y: 0), to: ScenePoint(x: Double(format.width) * 0.35, y: Double(format.height)),
            stops: [GradientStop(0, theme.backgroundTop), GradientStop(1, theme.backgroundBottom)])
    }

    static func header(_ caption: ChartCaption, _ theme: Theme, _ m: LayoutMetrics) -> [SceneElement] {
        [
            .text(
                TextRun(
                    caption.title, font: m.titleFont, color: theme.primaryText, x: m.margin, centerY: m.titleCenterY,
                    maxWidth: m.headerTextWidth)),
            .text(
                TextRun(
                    caption.subtitle, font: m.subtitleFont, color: theme.secondaryText, x: m.margin,
                    centerY: m.subtitleCenterY, maxWidth: m.headerTextWidth)),
            .rect(
                SceneRect(x: m.margin, y: m.ruleY, width: 88 * m.s, height: 6 * m.s), cornerRadius: 3 * m.s,
                fill: .solid(theme.accent)),
        ]
    }

    /// A rounded bar with a gentle left-to-right gradient of `color` spanning `fullWidth`.
    ///
    /// The gradient is fixed to the full bar track, not to the bar, so a growing bar reveals more of
    /// it (longer bars end lighter) and the renderer can reuse one gradient per entity every frame.
    static func bar(
        x: Double, y: Double, width: Double, height: Double, fullWidth: Double, color: ChartColor, opacity: Double
    ) -> SceneElement {
        let start = color.mixed(with: ChartColor(hex: 0x000000), 0.2).withAlpha(opacity)
        let end = color.mixed(with: ChartColor(hex: 0xFFFFFF), 0.12).withAlpha(opacity)
        return .rect(
            SceneRect(x: x, y: y, width: width, height: height), cornerRadius: height / 2,
            fill: .linearGradient(
                from: ScenePoint(x: x, y: y), to: ScenePoint(x: x + max(width, fullWidth), y: y),
                stops: [GradientStop(0, start), GradientStop(1, end)]))
    }

    /// The name line of a row: the name, then the artist in a lighter style for tracks and albums.
    static func nameSpans(name: String, artist: String?, theme: Theme, m: LayoutMetrics, opacity: Double) -> [TextSpan] {
        var spans = [TextSpan(name, font: m.nameFont, color: theme.primaryText.withAlpha(theme.primaryText.alpha * opacity))]
        if let artist, !artist.isEmpty {
            spans.append(
                TextSpan(
                    "  \(artist)", font: m.secondaryNameFont,
                    color: theme.secondaryText.withAlpha(theme.secondaryText.alpha * opacity)))
        }
        return spans
    }
}
