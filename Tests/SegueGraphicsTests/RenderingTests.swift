import CCairo
import Foundation
import SegueCharts
import SegueModel
import Testing

@testable import SegueGraphics

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct RenderingTests {
    static func topScene(_ format: SocialFormat = .story, theme: Theme = .dark) throws -> Scene {
        let entries = Fixtures.topEntries()
        return try TopChartLayout(format: format, theme: theme, measurer: PangoTextMeasurer()).scene(
            entries: entries, metric: .streams,
            caption: ChartCaption.topChart(kind: .artists, metric: .streams, top: 10, from: nil, to: nil, entries: entries))
    }

    @Test func pngDecodesToTheSceneSize() throws {
        let renderer = try CairoRenderer(width: 1080, height: 1920)
        renderer.render(try Self.topScene())
        let png = try renderer.pngData()
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let decoded = try #require(PNGCoding.decode(png))
        defer { cairo_surface_destroy(decoded) }
        #expect(cairo_image_surface_get_width(decoded) == 1080)
        #expect(cairo_image_surface_get_height(decoded) == 1920)
    }

    @Test func pngFileIsWrittenWholeOrNotAtAll() throws {
        let renderer = try CairoRenderer(width: 200, height: 100)
        renderer.render(Scene(width: 200, height: 100, background: .solid(ChartColor(hex: 0x123456))))
        let dir = NSTemporaryDirectory() + "segue-png-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try renderer.writePNG(to: dir + "/a.png")
        #expect(FileManager.default.fileExists(atPath: dir + "/a.png"))
        #expect(throws: GraphicsError.self) { try renderer.writePNG(to: dir + "/missing/b.png") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["a.png"])
    }

    @Test func pixelsAreOpaqueBGRAOfTheBackground() throws {
        let renderer = try CairoRenderer(width: 64, height: 64)
        renderer.render(Scene(width: 64, height: 64, background: .solid(ChartColor(hex: 0x102030))))
        #expect(renderer.stride == 256)
        renderer.withPixels { pixels in
            #expect(pixels.count == 64 * 64 * 4)
            #expect(Array(pixels[0..<4]) == [0x30, 0x20, 0x10, 0xFF])
        }
        // The cached background is reused and repainted over the previous frame.
        renderer.render(
            Scene(
                width: 64, height: 64, background: .solid(ChartColor(hex: 0x102030)),
                elements: [.rect(SceneRect(x: 0, y: 0, width: 8, height: 8), cornerRadius: 0, fill: .solid(ChartColor(hex: 0xFFFFFF)))]))
        renderer.render(Scene(width: 64, height: 64, background: .solid(ChartColor(hex: 0x102030))))
        renderer.withPixels { #expect(Array($0[0..<4]) == [0x30, 0x20, 0x10, 0xFF]) }
    }

    @Test func svgEscapesNamesAndKeepsEveryText() throws {
        let scene = try Self.topScene(.story)
        let svg = SVGWriter().document(scene)
        #expect(svg.hasPrefix("<?xml"))
        #expect(svg.contains("Rock &amp; Roll &lt;Heroes&gt; &quot;Live&quot;"))
        #expect(!svg.contains("<Heroes>"))
        #expect(svg.contains("宇多田ヒカル"))
        #expect(svg.contains("4,812"))
        // The long name was cut with an ellipsis, as in the PNG.
        #expect(svg.contains("…</tspan>"))
        #expect(!svg.contains("Saint Petersburg and Friends"))
        // Well-formed XML.
        let parsed = try XMLDocument(xmlString: svg)
        #expect(parsed.rootElement()?.name == "svg")
        #expect(svg.contains("width=\"1080\" height=\"1920\""))
    }

    @Test func escapeHandlesEveryMarkupCharacter() {
        #expect(SVGWriter.escape("a<b>&\"c'd") == "a&lt;b&gt;&amp;&quot;c&apos;d")
        #expect(SVGWriter.escape("bell\u{07}") == "bell")
    }

    @Test func pangoEllipsizesLongNamesAndMeasuresCJK() {
        let m = PangoTextMeasurer()
        let font = FontSpec(family: "Inter", weight: .semibold, size: 32)
        let long = [TextSpan(String(repeating: "Orchestra ", count: 20), font: font, color: ChartColor(hex: 0))]
        let cut = m.ellipsize(spans: long, maxWidth: 300)
        #expect(cut.map(\.text).joined().hasSuffix("…"))
        #expect(m.measure(spans: cut, maxWidth: nil).width <= 300)
        #expect(m.ellipsize(spans: [TextSpan("Short", font: font, color: ChartColor(hex: 0))], maxWidth: 300)[0].text == "Short")
        // CJK glyphs come from the Noto fallback: wide, never zero.
        #expect(m.width(of: "宇多田", font: font) > 80)
        let digits = FontSpec(family: "Inter", weight: .bold, size: 30, tabularDigits: true)
        #expect(abs(m.width(of: "1,111", font: digits) - m.width(of: "8,888", font: digits)) < 0.01)
    }

    @Test func estimatedWidthsAreCloseToPango() {
        let font = FontSpec(family: "Inter", weight: .bold, size: 30, tabularDigits: true)
        let exact = PangoTextMeasurer().width(of: "1,234,567", font: font)
        let estimate = EstimatedTextMeasurer().width(of: "1,234,567", font: font)
        #expect(abs(estimate - exact) / exact < 0.2)
    }
}
