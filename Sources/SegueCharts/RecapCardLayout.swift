import SegueModel
import SegueRecap

/// The sections of a recap, one card each, in carousel order.
public enum RecapCard: String, Sendable, CaseIterable, Codable {
    case summary, artists, tracks, albums, discoveries, loyalty, rhythm
    /// The sound of the period: only when the person's library matched some of its plays.
    case sound

    /// The cards `recap` has something for: only the summary (its empty state) when nothing was played.
    public static func cards(for recap: Recap) -> [RecapCard] {
        guard !recap.isEmpty else { return [.summary] }
        return allCases.filter { ($0 != .albums || !recap.topAlbums.isEmpty) && ($0 != .sound || recap.sound != nil) }
    }
}

/// Lays out the recap cards as scenes: one visual language for the set (the theme's background, the
/// top artist's colour as the accent, a kicker, a title, stacked blocks and carousel dots).
///
/// Each card is a stack of blocks with a natural height; on a shorter format (square) the stack is
/// scaled down as a whole so nothing overlaps, and on a taller one the gaps grow (up to a limit,
/// then the stack is centred).
public struct RecapCardLayout: Sendable {
    public var format: SocialFormat
    public var theme: Theme
    public var appearances: AppearanceBook
    public var measurer: any TextMeasuring
    /// How far the card has appeared, 0 to 1: the video animates a card by drawing it at growing
    /// progress (blocks fade and rise in one after another, numbers count up, bars grow). At 1
    /// (the default) the scene is the still card.
    public var progress: Double

    public init(
        format: SocialFormat, theme: Theme, appearances: AppearanceBook = AppearanceBook(),
        measurer: any TextMeasuring = EstimatedTextMeasurer(), progress: Double = 1
    ) {
        self.format = format
        self.theme = theme
        self.appearances = appearances
        self.measurer = measurer
        self.progress = progress
    }

    /// A piece of a card: its natural height and how to draw it at `y` with the stack's scale `k`
    /// and its own eased progress `q` (0 to 1; 1 on a still card).
    struct Block {
        var height: Double
        var draw: (_ y: Double, _ k: Double, _ q: Double) -> [SceneElement]
    }

    /// Part of the card's progress each block takes to appear; the starts are spread over the rest.
    static let blockWindow = 0.55

    /// `value` counted up to progress `q` (whole units, exact at 1).
    static func counted(_ value: Double, _ q: Double) -> Double {
        q >= 1 ? value : (value * max(0, q)).rounded(.down)
    }

    var s: Double { format.scale }
    var width: Double { Double(format.width) }
    var height: Double { Double(format.height) }
    var margin: Double { 72 * s }
    var contentWidth: Double { width - 2 * margin }

    func font(_ size: Double, _ weight: FontSpec.Weight = .regular, tabular: Bool = false) -> FontSpec {
        FontSpec(family: theme.fontFamily, weight: weight, size: size, tabularDigits: tabular)
    }

    /// The colour of the set: the top artist's (its artwork's, when known), else the theme's accent.
    func accent(_ recap: Recap) -> ChartColor {
        guard let top = recap.topArtists.first else { return theme.accent }
        return appearances.appearance(for: AppearanceBook.identifier(name: top.name, artist: nil), theme: theme).color
    }

    /// The scene of one card.
    public func scene(_ card: RecapCard, recap: Recap) -> Scene {
        let accent = accent(recap)
        let cards = RecapCard.cards(for: recap)
        let title: String
        var blocks: [Block] = []
        switch card {
        case .summary:
            title = recap.isEmpty ? "Your music, \(RecapText.period(recap))" : "Your \(RecapText.periodName(recap)) in music"
            blocks = summary(recap, accent: accent)
        case .artists:
            title = "Your top artists"
            blocks = entries(recap.topArtists, recap: recap, accent: accent, showArtist: false)
        case .tracks:
            title = "Your top tracks"
            blocks = entries(recap.topTracks, recap: recap, accent: accent, showArtist: true)
        case .albums:
            title = "Your top albums"
            blocks = entries(recap.topAlbums, recap: recap, accent: accent, showArtist: true)
        case .discoveries:
            title = "New to you"
            blocks = discoveries(recap, accent: accent)
        case .loyalty:
            title = "You kept coming back"
            blocks = loyalty(recap, accent: accent)
        case .rhythm:
            title = "When you listened"
            blocks = rhythm(recap, accent: accent)
        case .sound:
            title = "The sound of your \(RecapText.periodName(recap))"
            blocks = sound(recap, accent: accent)
        }
        var elements = header(kicker: "SEGUE RECAP · \(RecapText.period(recap).uppercased())", title: title, accent: accent)
        elements += stack(blocks, top: 330 * s, bottom: height - 150 * s)
        elements += footer(index: cards.firstIndex(of: card) ?? 0, count: cards.count, accent: accent)
        return Scene(width: format.width, height: format.height, background: ChartDecor.background(theme, format), elements: elements)
    }

    // MARK: Frame

    func header(kicker: String, title: String, accent: ChartColor) -> [SceneElement] {
        [
            .text(TextRun(kicker, font: font(28 * s, .bold), color: accent, x: margin, centerY: 120 * s, maxWidth: contentWidth)),
            .text(TextRun(title, font: font(72 * s, .heavy), color: theme.primaryText, x: margin, centerY: 205 * s, maxWidth: contentWidth)),
            .rect(SceneRect(x: margin, y: 262 * s, width: 88 * s, height: 6 * s), cornerRadius: 3 * s, fill: .solid(accent)),
        ]
    }

    func footer(index: Int, count: Int, accent: ChartColor) -> [SceneElement] {
        let y = height - 75 * s
        var elements: [SceneElement] = []
        for i in 0..<count {
            let current = i == index
            let w = (current ? 36 : 12) * s
            let x = margin + Double(i) * 24 * s + (i > index ? 24 * s : 0)
            elements.append(
                .rect(
                    SceneRect(x: x, y: y - 6 * s, width: w, height: 12 * s), cornerRadius: 6 * s,
                    fill: .solid(current ? accent : theme.secondaryText.withAlpha(0.35))))
        }
        elements.append(
            .text(
                TextRun(
                    "segue", font: font(30 * s, .heavy), color: theme.secondaryText.withAlpha(0.7), x: width - margin, centerY: y,
                    alignment: .right)))
        return elements
    }

    /// Places `blocks` between `top` and `bottom`: scaled down together when they do not fit, with
    /// equal gaps of at most 90 px (at 1080 wide) otherwise, centred in what is left.
    func stack(_ blocks: [Block], top: Double, bottom: Double) -> [SceneElement] {
        guard !blocks.isEmpty else { return [] }
        let available = bottom - top
        let natural = blocks.reduce(0) { $0 + $1.height }
        let minimumGaps = Double(blocks.count - 1) * 24 * s
        let k = min(1, (available - minimumGaps) / max(natural, 1))
        let gap = blocks.count > 1 ? min(90 * s, (available - natural * k) / Double(blocks.count - 1)) : 0
        let used = natural * k + gap * Double(blocks.count - 1)
        var y = top + max(0, (available - used) / 2)
        var elements: [SceneElement] = []
        let window = Self.blockWindow
        let spread = blocks.count > 1 ? (1 - window) / Double(blocks.count - 1) : 0
        for (i, block) in blocks.enumerated() {
            let raw = progress >= 1 ? 1 : min(1, max(0, (progress - Double(i) * spread) / window))
            let q = Easing.easeOutCubic(raw)
            let drawn = block.draw(y, k, q)
            // Fades in over the first 40 % of its window while rising 48 px (at 1080 wide) into place.
            elements += raw >= 1 ? drawn : SceneMotion.moved(drawn, dy: (1 - q) * 48 * s, opacity: min(1, raw / 0.4))
            y += block.height * k + gap
        }
        return elements
    }

    // MARK: Blocks

    func hero(_ number: Double, _ label: String, color: ChartColor) -> Block {
        Block(height: 300 * s) { y, k, q in
            [
                .text(
                    TextRun(
                        NumberFormatting.grouped(Self.counted(number, q)), font: font(200 * s * k, .black, tabular: true), color: color, x: margin,
                        centerY: y + 120 * s * k, maxWidth: contentWidth)),
                .text(
                    TextRun(
                        label, font: font(44 * s * k, .semibold), color: theme.primaryText, x: margin, centerY: y + 262 * s * k,
                        maxWidth: contentWidth)),
            ]
        }
    }

    func sentence(_ text: String, size: Double = 36, color: ChartColor? = nil, weight: FontSpec.Weight = .medium) -> Block {
        Block(height: size * 1.5 * s) { y, k, q in
            [
                .text(
                    TextRun(
                        text, font: font(size * s * k, weight), color: color ?? theme.secondaryText, x: margin, centerY: y + size * 0.75 * s * k,
                        maxWidth: contentWidth))
            ]
        }
    }

    func statRow(_ stats: [(value: Int, label: String)]) -> Block {
        statRow(stats.map { (Double($0.value), { NumberFormatting.grouped($0) }, $0.label) })
    }

    /// Numbers side by side, each counted up towards zero's far side and shown by its own `text`.
    func statRow(_ stats: [(value: Double, text: (Double) -> String, label: String)]) -> Block {
        Block(height: 150 * s) { y, k, q in
            let column = contentWidth / Double(max(1, stats.count))
            var elements: [SceneElement] = []
            for (i, stat) in stats.enumerated() {
                let x = margin + Double(i) * column
                let shown = q >= 1 ? stat.value : (stat.value * max(0, q)).rounded(.towardZero)
                elements.append(
                    .text(
                        TextRun(
                            stat.text(shown), font: font(68 * s * k, .heavy, tabular: true), color: theme.primaryText, x: x, centerY: y + 48 * s * k,
                            maxWidth: column - 16 * s)))
                elements.append(
                    .text(
                        TextRun(
                            stat.label, font: font(30 * s * k, .medium), color: theme.secondaryText, x: x, centerY: y + 115 * s * k,
                            maxWidth: column - 16 * s)))
            }
            return elements
        }
    }

    /// One entity in large: its artwork, a label above its name, its numbers under it.
    func feature(_ e: RecapEntry, label: String, color: ChartColor) -> Block {
        Block(height: 220 * s) { y, k, q in
            let art = 200 * s * k
            let textX = margin + art + 36 * s * k
            let textWidth = width - margin - textX
            let detail = "\(NumberFormatting.grouped(Double(e.streams))) streams · \(NumberFormatting.grouped(e.minutes.rounded())) minutes"
            return [
                .artwork(
                    SceneRect(x: margin, y: y + 10 * s * k, width: art, height: art), cornerRadius: art * 0.12,
                    appearances.artwork(for: AppearanceBook.identifier(name: e.name, artist: nil), displayName: e.name, theme: theme, color: color)),
                .text(
                    TextRun(label.uppercased(), font: font(26 * s * k, .bold), color: color, x: textX, centerY: y + 50 * s * k, maxWidth: textWidth)),
                .text(
                    TextRun(e.name, font: font(56 * s * k, .heavy), color: theme.primaryText, x: textX, centerY: y + 110 * s * k, maxWidth: textWidth)
                ),
                .text(
                    TextRun(
                        detail, font: font(30 * s * k, .medium), color: theme.secondaryText, x: textX, centerY: y + 170 * s * k, maxWidth: textWidth)),
            ]
        }
    }

    /// A big figure with what it is and a detail line under it.
    func statLine(_ figure: @escaping (_ q: Double) -> String, _ label: String, _ detail: String, color: ChartColor) -> Block {
        Block(height: 250 * s) { y, k, q in
            [
                .text(
                    TextRun(
                        figure(q), font: font(104 * s * k, .black, tabular: true), color: color, x: margin, centerY: y + 60 * s * k,
                        maxWidth: contentWidth)),
                .text(
                    TextRun(
                        label, font: font(40 * s * k, .bold), color: theme.primaryText, x: margin, centerY: y + 150 * s * k, maxWidth: contentWidth)),
                .text(
                    TextRun(
                        detail, font: font(32 * s * k, .medium), color: theme.secondaryText, x: margin, centerY: y + 210 * s * k,
                        maxWidth: contentWidth)),
            ]
        }
    }

    /// One ranked row: rank, artwork, name and artist, a bar of its share, its number.
    func entryRow(_ e: RecapEntry, color: ChartColor, largest: Double, metric: Metric, showArtist: Bool) -> Block {
        Block(height: 170 * s) { y, k, q in
            let art = 112 * s * k
            let x = margin + 84 * s * k
            let textX = x + art + 28 * s * k
            let full =
                metric == .streams ? "\(NumberFormatting.grouped(Double(e.streams))) streams" : "\(NumberFormatting.grouped(e.minutes.rounded())) min"
            let value =
                metric == .streams
                ? "\(NumberFormatting.grouped(Self.counted(Double(e.streams), q))) streams"
                : "\(NumberFormatting.grouped(Self.counted(e.minutes.rounded(), q))) min"
            let valueFont = font(30 * s * k, .semibold, tabular: true)
            // The room for the number is the final number's, so the bar's scale does not move while it counts.
            let valueWidth = measurer.width(of: full, font: valueFont)
            let textWidth = width - margin - textX
            let own = metric == .streams ? Double(e.streams) : Double(e.milliseconds)
            let bar = max(14 * s * k, q * (own / max(largest, 1e-9)) * (textWidth - valueWidth - 20 * s * k))
            let id = AppearanceBook.identifier(name: e.name, artist: showArtist ? e.artist : nil)
            var elements: [SceneElement] = [
                .text(
                    TextRun(
                        String(e.rank), font: font(56 * s * k, .heavy, tabular: true), color: theme.rankText, x: margin + 52 * s * k,
                        centerY: y + art / 2 + 10 * s * k, alignment: .center)),
                .artwork(
                    SceneRect(x: x, y: y + 10 * s * k, width: art, height: art), cornerRadius: art * 0.14,
                    appearances.artwork(for: id, displayName: e.name, theme: theme, color: color)),
                .text(
                    TextRun(e.name, font: font(44 * s * k, .bold), color: theme.primaryText, x: textX, centerY: y + 36 * s * k, maxWidth: textWidth)),
            ]
            if showArtist, let artist = e.artist {
                elements.append(
                    .text(
                        TextRun(
                            artist, font: font(30 * s * k, .medium), color: theme.secondaryText, x: textX, centerY: y + 82 * s * k,
                            maxWidth: textWidth)))
            }
            elements.append(
                ChartDecor.bar(
                    x: textX, y: y + 112 * s * k, width: bar, height: 14 * s * k, fullWidth: textWidth - valueWidth - 20 * s * k, color: color,
                    opacity: 1))
            elements.append(.text(TextRun(value, font: valueFont, color: theme.primaryText, x: textX + bar + 16 * s * k, centerY: y + 119 * s * k)))
            return elements
        }
    }

    /// Vertical bars with labels under some of them; `highlight` in the accent.
    func bars(_ title: String, values: [Double], labels: [String], every: Int, highlight: Int?, accent: ChartColor) -> Block {
        Block(height: 330 * s) { y, k, q in
            var elements: [SceneElement] = [
                .text(
                    TextRun(
                        title, font: font(32 * s * k, .bold), color: theme.primaryText, x: margin, centerY: y + 20 * s * k, maxWidth: contentWidth))
            ]
            let top = y + 60 * s * k
            let area = 210 * s * k
            let n = max(1, values.count)
            let step = contentWidth / Double(n)
            let barWidth = max(2, step * 0.7)
            let largest = max(values.max() ?? 0, 1e-9)
            elements.append(
                .line(
                    from: ScenePoint(x: margin, y: top + area), to: ScenePoint(x: width - margin, y: top + area), width: max(1, 2 * s * k),
                    color: theme.gridLine))
            for (i, v) in values.enumerated() {
                // Bars grow left to right: each over two thirds of the block's progress.
                let grow = q >= 1 ? 1 : Easing.easeOutCubic((q - Double(i) / Double(n) / 3) * 1.5)
                let h = grow <= 0 ? 0 : max(v > 0 ? 4 * s * k : 0, grow * v / largest * area)
                let x = margin + Double(i) * step + (step - barWidth) / 2
                let color = i == highlight ? accent : theme.secondaryText.withAlpha(0.45)
                if h > 0 {
                    elements.append(
                        .rect(
                            SceneRect(x: x, y: top + area - h, width: barWidth, height: h), cornerRadius: min(barWidth / 2, 8 * s * k),
                            fill: .solid(color)))
                }
                if i % max(1, every) == 0, i < labels.count {
                    elements.append(
                        .text(
                            TextRun(
                                labels[i], font: font(24 * s * k, .medium, tabular: true), color: theme.secondaryText, x: x + barWidth / 2,
                                centerY: top + area + 32 * s * k, alignment: .center)))
                }
            }
            return elements
        }
    }

    // MARK: Cards

    func summary(_ r: Recap, accent: ChartColor) -> [Block] {
        guard !r.isEmpty else {
            return [
                hero(0, "minutes of music", color: theme.secondaryText.withAlpha(0.6)),
                sentence(
                    "Nothing played from \(RecapText.day(r.from)) to \(RecapText.day(r.to)).", size: 40, color: theme.primaryText, weight: .semibold),
                sentence("Import your listening history, or pick another year.", size: 34),
            ]
        }
        var blocks = [hero(r.totals.minutes.rounded(), "minutes of music", color: accent)]
        if let change = r.previous.minutesChange {
            blocks.append(sentence(RecapText.change(change, r), size: 38, color: theme.primaryText, weight: .semibold))
        }
        blocks.append(statRow([(r.totals.streams, "streams"), (r.totals.artists, "artists"), (r.totals.tracks, "tracks")]))
        if let top = r.topArtists.first {
            blocks.append(feature(top, label: "Your number one", color: accent))
        }
        return blocks
    }

    func entries(_ list: [RecapEntry], recap: Recap, accent: ChartColor, showArtist: Bool) -> [Block] {
        guard let first = list.first else { return [sentence("Nothing to rank here.", size: 40)] }
        let ids = list.map { AppearanceBook.identifier(name: $0.name, artist: showArtist ? $0.artist : nil) }
        var colors = appearances.distinctColors(for: ids, theme: theme)
        colors[0] = accent
        let largest = recap.metric == .streams ? Double(first.streams) : Double(first.milliseconds)
        var blocks = list.enumerated().map { i, e in entryRow(e, color: colors[i], largest: largest, metric: recap.metric, showArtist: showArtist) }
        let unit = recap.metric == .streams ? "streams" : "minutes"
        blocks.append(sentence("\(RecapText.percent(first.share)) of your \(unit) went to \(first.name)", size: 34))
        return blocks
    }

    func discoveries(_ r: Recap, accent: ChartColor) -> [Block] {
        let d = r.discoveries
        guard let biggest = d.biggest else {
            return [
                hero(0, "new artists", color: theme.secondaryText.withAlpha(0.6)),
                sentence("You stayed with the ones you love.", size: 40, color: theme.primaryText, weight: .semibold),
            ]
        }
        var blocks = [
            hero(Double(d.count), d.count == 1 ? "new artist" : "new artists", color: accent),
            sentence("The biggest: \(biggest.name)", size: 40, color: theme.primaryText, weight: .bold),
        ]
        let ids = d.top.map { AppearanceBook.identifier(name: $0.name, artist: nil) }
        let colors = appearances.distinctColors(for: ids, theme: theme)
        let largest = r.metric == .streams ? Double(biggest.streams) : Double(biggest.milliseconds)
        for (i, e) in d.top.prefix(3).enumerated() {
            blocks.append(entryRow(e, color: i == 0 ? accent : colors[i], largest: largest, metric: r.metric, showArtist: false))
        }
        return blocks
    }

    func loyalty(_ r: Recap, accent: ChartColor) -> [Block] {
        var blocks: [Block] = []
        if let w = r.loyalty.mostWeeks {
            blocks.append(
                statLine(
                    { "\(Int(Self.counted(Double(w.weeks), $0))) weeks" }, "with \(w.artist)",
                    "of the \(w.ofWeeks) weeks, more than any other artist", color: accent))
        }
        if let s = r.loyalty.longestStreak {
            blocks.append(
                statLine(
                    { q in s.days == 1 ? "1 day" : "\(NumberFormatting.grouped(Self.counted(Double(s.days), q))) days" }, "in a row with music",
                    s.days == 1 ? RecapText.day(s.from) : "\(RecapText.day(s.from)) to \(RecapText.day(s.to))", color: accent))
        }
        if let s = r.loyalty.longestSession {
            blocks.append(
                statLine(
                    { q in RecapText.duration(minutes: Self.counted(s.durationMinutes.rounded(), q)) }, "your longest session",
                    "\(s.plays == 1 ? "1 play" : "\(s.plays) plays") on \(RecapText.day(s.day))", color: accent))
        }
        return blocks
    }

    /// Tempo, energy and loudness of the matched plays, the tags that rose, and the most played
    /// songs in their smooth order.
    func sound(_ r: Recap, accent: ChartColor) -> [Block] {
        guard let sound = r.sound else {
            return [
                sentence(
                    "None of your library's analysed songs was played in this \(RecapText.periodName(r)).", size: 38, color: theme.primaryText,
                    weight: .semibold)
            ]
        }
        let g = { (v: Double) in NumberFormatting.grouped(v.rounded()) }
        var blocks = [
            statRow([
                (sound.averageBPM.rounded(), { g($0) }, "BPM on average"),
                ((sound.averageEnergy * 100).rounded(), { "\(Int($0))%" }, "energy"),
                (sound.averageLoudnessLUFS.rounded(), { Self.signed(Int($0)) }, "LUFS loudness"),
            ]),
            sentence(
                "From \(g(Double(sound.matchedPlays))) plays of \(sound.matchedTracks == 1 ? "1 song" : "\(g(Double(sound.matchedTracks))) songs") in your library (\(RecapText.percent(sound.share)) of all)",
                size: 32),
        ]
        if !sound.risingTags.isEmpty {
            blocks.append(sentence("On the rise", size: 32, color: theme.primaryText, weight: .bold))
            for tag in sound.risingTags.prefix(3) {
                blocks.append(tagRow(tag, color: accent))
            }
        }
        blocks.append(sentence("Your most played, in an order that flows", size: 32, color: theme.primaryText, weight: .bold))
        let ids = sound.playlist.map { AppearanceBook.identifier(name: $0.title, artist: $0.artist) }
        let colors = appearances.distinctColors(for: ids, theme: theme)
        for (i, t) in sound.playlist.prefix(6).enumerated() {
            blocks.append(songRow(t, number: i + 1, color: i < colors.count ? colors[i] : accent))
        }
        return blocks
    }

    /// An integer with a real minus sign (U+2212), as type sets it.
    static func signed(_ v: Int) -> String { v < 0 ? "\u{2212}\(-v)" : "\(v)" }

    /// A tag, its part of the plays as a bar, and how much it rose.
    func tagRow(_ tag: RecapTagChange, color: ChartColor) -> Block {
        Block(height: 64 * s) { y, k, q in
            let labelWidth = 300 * s * k
            let rise = "+\(Int((tag.rise * 100).rounded())) pts"
            let riseFont = font(30 * s * k, .bold, tabular: true)
            let riseWidth = measurer.width(of: rise, font: riseFont)
            let full = contentWidth - labelWidth - riseWidth - 32 * s * k
            return [
                .text(
                    TextRun(
                        tag.tag, font: font(34 * s * k, .semibold), color: theme.primaryText, x: margin, centerY: y + 28 * s * k,
                        maxWidth: labelWidth - 16 * s * k)),
                ChartDecor.bar(
                    x: margin + labelWidth, y: y + 21 * s * k, width: max(10 * s * k, (q >= 1 ? 1 : Easing.easeOutCubic(q)) * tag.share * full),
                    height: 14 * s * k, fullWidth: full, color: color, opacity: 1),
                .text(TextRun(rise, font: riseFont, color: color, x: width - margin, centerY: y + 28 * s * k, alignment: .right)),
            ]
        }
    }

    /// One song of the playlist: its place, artwork, title, artist and tempo.
    func songRow(_ t: RecapSoundTrack, number: Int, color: ChartColor) -> Block {
        Block(height: 112 * s) { y, k, q in
            let art = 88 * s * k
            let x = margin + 64 * s * k
            let textX = x + art + 24 * s * k
            let textWidth = width - margin - textX
            // Left-to-right marks around the artist: a Hebrew or Arabic name must not turn the line around
            // nor take the tempo after it into its own run.
            let detail =
                "\u{200E}\(t.artist)\u{200E} · \(Int(t.bpm.rounded())) BPM · \(t.plays == 1 ? "1 play" : "\(NumberFormatting.grouped(Double(t.plays))) plays")"
            return [
                .text(
                    TextRun(
                        String(number), font: font(44 * s * k, .heavy, tabular: true), color: theme.rankText, x: margin + 32 * s * k,
                        centerY: y + art / 2 + 6 * s * k, alignment: .center)),
                .artwork(
                    SceneRect(x: x, y: y + 6 * s * k, width: art, height: art), cornerRadius: art * 0.14,
                    appearances.artwork(
                        for: AppearanceBook.identifier(name: t.title, artist: t.artist), displayName: t.title, theme: theme, color: color)),
                .text(
                    TextRun(t.title, font: font(38 * s * k, .bold), color: theme.primaryText, x: textX, centerY: y + 32 * s * k, maxWidth: textWidth)),
                .text(
                    TextRun(
                        detail, font: font(28 * s * k, .medium), color: theme.secondaryText, x: textX, centerY: y + 76 * s * k, maxWidth: textWidth)),
            ]
        }
    }

    func rhythm(_ r: Recap, accent: ChartColor) -> [Block] {
        let months = r.shape.months
        let monthValues = months.map { Double($0.milliseconds) }
        let busiestMonth = monthValues.indices.max { monthValues[$0] < monthValues[$1] }
        let monthLabels = months.map { RecapText.monthInitial($0.month) }
        let hours = r.shape.millisecondsByHour.map(Double.init)
        let peak = hours.indices.max { hours[$0] < hours[$1] }
        let weekdays = r.shape.millisecondsByWeekday.map(Double.init)
        let topDay = weekdays.indices.max { weekdays[$0] < weekdays[$1] }
        var blocks = [
            bars(
                "Minutes by month", values: monthValues, labels: monthLabels, every: months.count > 12 ? 3 : 1, highlight: busiestMonth,
                accent: accent),
            bars(
                "By hour of day" + (peak.map { ", peak at \(RecapText.hour($0))" } ?? ""), values: hours, labels: (0..<24).map { RecapText.hour($0) },
                every: 6,
                highlight: peak, accent: accent),
            bars(
                "By weekday", values: weekdays, labels: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], every: 1, highlight: topDay, accent: accent
            ),
        ]
        if let d = r.shape.busiestDay {
            blocks.append(
                sentence(
                    "Busiest day: \(RecapText.day(d.day)), \(NumberFormatting.grouped(d.minutes.rounded())) minutes", size: 34,
                    color: theme.primaryText, weight: .semibold))
        }
        return blocks
    }
}

/// Words of the cards: periods, days, durations (English).
public enum RecapText {
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `5 Jul 2024`.
    public static func day(_ d: CalendarDay) -> String { "\(d.day) \(monthNames[d.month - 1]) \(d.year)" }

    /// Whether the recap covers one whole calendar year.
    public static func isCalendarYear(_ r: Recap) -> Bool { isYear(r) }

    static func isYear(_ r: Recap) -> Bool {
        r.from.year == r.to.year && r.from.month == 1 && r.from.day == 1 && r.to.month == 12 && r.to.day == 31
    }

    /// `2024`, or `1 Mar – 31 May 2024` for another range.
    public static func period(_ r: Recap) -> String {
        if isYear(r) { return String(r.from.year) }
        let start = r.from.year == r.to.year ? "\(r.from.day) \(monthNames[r.from.month - 1])" : day(r.from)
        return "\(start) – \(day(r.to))"
    }

    /// `2024`, or `period` for a range not a year.
    static func periodName(_ r: Recap) -> String { isYear(r) ? String(r.from.year) : "period" }

    /// `2023` for a year, else `the period before`.
    static func previousName(_ r: Recap) -> String { isYear(r) ? String(r.previous.from.year) : "the period before" }

    /// `12% more than in 2023`, `3.5× as much as in 2023` from a relative change.
    static func change(_ change: Double, _ r: Recap) -> String {
        let before = previousName(r)
        if change >= 1 {
            let times = 1 + change
            return "\(times < 10 ? "\((times * 10).rounded() / 10)" : NumberFormatting.grouped(times.rounded()))× as much as in \(before)"
        }
        let percent = Int((abs(change) * 100).rounded())
        return percent == 0 ? "As much as in \(before)" : "\(percent)% \(change > 0 ? "more" : "less") than in \(before)"
    }

    static func percent(_ share: Double) -> String {
        let p = share * 100
        return p >= 10 || p == 0 ? "\(Int(p.rounded()))%" : "\((p * 10).rounded() / 10)%"
    }

    static func duration(minutes: Double) -> String {
        let m = Int(minutes.rounded())
        return m < 60 ? "\(m) min" : "\(m / 60) h \(m % 60) min"
    }

    static func hour(_ h: Int) -> String { h < 10 ? "0\(h):00" : "\(h):00" }

    static func monthInitial(_ m: Int) -> String { String(monthNames[m - 1].prefix(1)) }
}
