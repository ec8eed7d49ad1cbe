import Testing

@testable import SegueCharts

@Suite struct FormatAndThemeTests {
    @Test func presetsAndCustomSizesParse() throws {
        #expect(try SocialFormat(parsing: "story") == .story)
        #expect(try SocialFormat(parsing: "Square") == .square)
        #expect(try SocialFormat(parsing: "landscape").width == 1920)
        let custom = try SocialFormat(parsing: "1280x720")
        #expect(custom.width == 1280 && custom.height == 720)
        #expect(try SocialFormat(parsing: "640X640").height == 640)
        #expect(SocialFormat.story.isPortrait && !SocialFormat.landscape.isPortrait && !SocialFormat.square.isPortrait)
    }

    @Test(arguments: ["", "portrait", "1280", "1280x", "x720", "12.5x100", "1280x720x3", "-100x100", "１２８０x720"])
    func badFormatStringsAreRejected(_ text: String) {
        #expect(throws: ChartsError.badFormat(text)) { try SocialFormat(parsing: text) }
    }

    @Test func sizesOutOfRangeAreRejected() {
        #expect(throws: ChartsError.sizeOutOfRange(width: 10, height: 100)) { try SocialFormat(parsing: "10x100") }
        #expect(throws: ChartsError.sizeOutOfRange(width: 100, height: 99999)) { try SocialFormat(parsing: "100x99999") }
    }

    @Test func themesByNameAndUnknownTheme() throws {
        #expect(try Theme.named("dark") == .dark)
        #expect(try Theme.named("LIGHT") == .light)
        #expect(try Theme.named("vivid") == .vivid)
        #expect(throws: ChartsError.unknownTheme("neon")) { try Theme.named("neon") }
        #expect(ChartsError.unknownTheme("neon").description.contains("dark, light, vivid"))
    }

    @Test func topLimits() {
        #expect(throws: ChartsError.topOutOfRange(0)) { try ChartLimits.validateTop(0) }
        #expect(throws: ChartsError.topOutOfRange(21)) { try ChartLimits.validateTop(21) }
        #expect(throws: Never.self) { try ChartLimits.validateTop(3) }
        #expect(throws: Never.self) { try ChartLimits.validateTop(20) }
    }

    @Test func stableColoursAreStableAndDistinctWhenShownTogether() {
        let theme = Theme.dark
        #expect(theme.stableColor(for: "Daft Punk") == theme.stableColor(for: "Daft Punk"))
        #expect(StableHash.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
        let ids = (0..<12).map { "Artist \($0)" }
        let colors = AppearanceBook().distinctColors(for: ids, theme: theme)
        #expect(Set(colors).count == 12)
    }

    @Test func knownArtworkColoursWin() {
        let red = ChartColor(hex: 0xE53935)
        let book = AppearanceBook(known: ["X": EntityAppearance(color: red, imageID: "X")])
        #expect(book.appearance(for: "X", theme: .dark).color == red)
        #expect(book.artwork(for: "X", displayName: "X", theme: .dark).imageID == "X")
        #expect(book.artwork(for: "Y", displayName: "Y", theme: .dark).imageID == nil)
    }

    @Test func barColoursStayVisibleOnTheBackground() {
        let black = ChartColor(hex: 0x000000)
        let book = AppearanceBook(known: ["Noir": EntityAppearance(color: black)])
        let shown = book.appearance(for: "Noir", theme: .dark).color
        #expect(shown.contrast(with: Theme.dark.backgroundMid) >= AppearanceBook.minimumBarContrast)
    }

    @Test func monograms() {
        #expect(AppearanceBook.monogram("The Beatles") == "TB")
        #expect(AppearanceBook.monogram("daft punk") == "DP")
        #expect(AppearanceBook.monogram("Björk") == "B")
        #expect(AppearanceBook.monogram("宇多田ヒカル") == "宇")
        #expect(AppearanceBook.monogram("(((O)))") == "O")
        #expect(AppearanceBook.monogram("!!!") == "♪")
    }

    @Test func numbers() {
        #expect(NumberFormatting.grouped(0.0) == "0")
        #expect(NumberFormatting.grouped(999.4) == "999")
        #expect(NumberFormatting.grouped(1000.0) == "1,000")
        #expect(NumberFormatting.grouped(1_234_567.0) == "1,234,567")
        #expect(NumberFormatting.grouped(Int64(-12345)) == "-12,345")
        #expect(NumberFormatting.compact(950) == "950")
        #expect(NumberFormatting.compact(1500) == "1.5K")
        #expect(NumberFormatting.compact(20_000) == "20K")
        #expect(NumberFormatting.compact(1_200_000) == "1.2M")
    }

    @Test func colours() {
        #expect(ChartColor(hex: 0x1ED760).hexString == "#1ed760")
        #expect(abs(ChartColor(hex: 0xFFFFFF).contrast(with: ChartColor(hex: 0x000000)) - 21) < 0.01)
        #expect(ChartColor(hex: 0xFFE66D).readableTextColor == ChartColor(hex: 0x111318))
        #expect(ChartColor(hex: 0x2B0B5A).readableTextColor == ChartColor(hex: 0xFFFFFF))
    }

    @Test func axisTicksFadeBetweenSteps() {
        let ticks = AxisTicks.ticks(maximum: 1000)
        // Between the 200 and 500 rungs: 200s fading out, 500 fading in, 1000 on both.
        #expect(ticks.map(\.value) == [200, 400, 500, 600, 800, 1000])
        #expect(ticks.last?.opacity == 1)
        let fade = ticks.first { $0.value == 500 }!.opacity
        #expect(abs(fade - 0.2435) < 0.001)
        #expect(abs(ticks[0].opacity - (1 - fade)) < 1e-9)
        // Continuous where the ladder changes rung.
        let below = AxisTicks.ticks(maximum: 799.999).first { $0.value == 500 }?.opacity ?? 0
        let above = AxisTicks.ticks(maximum: 800.001).first { $0.value == 500 }?.opacity ?? 0
        #expect(abs(below - above) < 0.01)
        #expect(AxisTicks.ticks(maximum: 0).isEmpty)
        #expect(AxisTicks.niceStep(atMost: 340) == 200)
        #expect(AxisTicks.niceStep(above: 200) == 500)
        #expect(AxisTicks.niceStep(above: 500) == 1000)
    }
}
