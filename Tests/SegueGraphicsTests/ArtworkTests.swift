import CCairo
import Foundation
import SegueCharts
import SegueMedia
import SegueModel
import Testing

@testable import SegueGraphics

@Suite struct ArtworkTests {
    /// A `w`×`h` straight-BGRA image filled by `color(x, y)` (RGB).
    static func image(_ w: Int, _ h: Int, _ color: (Int, Int) -> (UInt8, UInt8, UInt8)) -> [UInt8] {
        var bytes = [UInt8](repeating: 255, count: w * h * 4)
        for y in 0..<h {
            for x in 0..<w {
                let (r, g, b) = color(x, y)
                let o = (y * w + x) * 4
                bytes[o] = b
                bytes[o + 1] = g
                bytes[o + 2] = r
            }
        }
        return bytes
    }

    func pick(_ bytes: [UInt8], _ w: Int, _ h: Int) -> ChartColor? {
        bytes.withUnsafeBytes {
            DominantColor.pick(from: DominantColor.palette(bgra: $0, width: w, height: h, stride: w * 4))
        }
    }

    @Test func vividColourWinsOverLargerGreyAndBlack() throws {
        // 60 % near-black, 25 % grey, 15 % orange.
        let img = Self.image(100, 100) { x, _ in x < 60 ? (10, 10, 12) : x < 85 ? (128, 128, 128) : (240, 120, 20) }
        let c = try #require(pick(img, 100, 100))
        #expect(abs(c.red - 240 / 255) < 0.03 && abs(c.green - 120 / 255) < 0.03 && abs(c.blue - 20 / 255) < 0.03)
    }

    @Test func greyImagesStillGetTheirMainColour() throws {
        let img = Self.image(50, 50) { x, _ in x < 40 ? (90, 90, 90) : (20, 20, 20) }
        let c = try #require(pick(img, 50, 50))
        #expect(abs(c.red - 90 / 255) < 0.03)
    }

    @Test func theLargerOfTwoVividColoursWins() throws {
        let img = Self.image(80, 80) { _, y in y < 56 ? (30, 80, 220) : (220, 30, 40) }
        let c = try #require(pick(img, 80, 80))
        #expect(c.blue > 0.8 && c.red < 0.2)
    }

    @Test func medianCutSplitsDistinctColours() {
        let samples: [SIMD3<UInt8>] =
            Array(repeating: SIMD3(255, 0, 0), count: 50) + Array(repeating: SIMD3(0, 0, 255), count: 30)
            + Array(repeating: SIMD3(0, 255, 0), count: 20)
        let palette = DominantColor.palette(samples: samples, maxColors: 3)
        #expect(palette.count == 3)
        #expect(palette[0].color == ChartColor(hex: 0xFF0000) && abs(palette[0].share - 0.5) < 1e-9)
        #expect(palette.map(\.color).contains(ChartColor(hex: 0x00FF00)))
    }

    @Test func libraryLoadsImagesByNameAndColoursTheBars() throws {
        let dir = NSTemporaryDirectory() + "segue-art-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A PNG written by Cairo, and a JPEG written by ffmpeg.
        let renderer = try CairoRenderer(width: 64, height: 64)
        renderer.render(Scene(width: 64, height: 64, background: .solid(ChartColor(hex: 0x1ED760))))
        try renderer.writePNG(to: dir + "/daft-punk.png")
        let tools = try FFmpegTools.locate()
        let codec = StillImageCodec(tools: tools)
        let red = Self.image(64, 64) { _, _ in (210, 30, 40) }
        try red.withUnsafeBytes { try codec.writeJPEG(bgra: $0, width: 64, height: 64, to: dir + "/Björk.jpg") }

        let library = ArtworkLibrary()
        let loaded = library.load(
            directory: URL(fileURLWithPath: dir),
            wanted: ["Daft Punk": ["Daft Punk"], "Björk": ["Björk"], "Nobody": ["Nobody"]]
        ) { url in
            codec.decodeSquare(url, side: 64).map { ArtworkLibrary.DecodedImage(width: 64, height: 64, bgra: $0) }
        }
        #expect(loaded == 2)
        #expect(library.identifiers == ["Björk", "Daft Punk"])
        let book = library.appearances()
        let green = try #require(book.known["Daft Punk"]?.color)
        #expect(green.green > 0.7 && green.red < 0.3)
        let bjork = try #require(book.known["Björk"]?.color)
        #expect(bjork.red > 0.7 && bjork.green < 0.25)
        #expect(library.pngData(for: "Björk") != nil)
    }

    @Test func fileNamesMatchIgnoringCaseAccentsAndPunctuation() {
        #expect(ArtworkLibrary.matchKey("Café Ñandú") == ArtworkLibrary.matchKey("cafe-nandu"))
        #expect(ArtworkLibrary.matchKey("AC/DC") == "acdc")
        #expect(ArtworkLibrary.matchKey("宇多田ヒカル") == "宇多田ヒカル")
    }

    @Test func artworkAndGeneratedArtworkRender() throws {
        let library = ArtworkLibrary()
        let img = Self.image(32, 32) { x, _ in x < 16 ? (255, 0, 0) : (0, 0, 255) }
        library.add(id: "img", image: .init(width: 32, height: 32, bgra: img))
        let renderer = try CairoRenderer(width: 200, height: 100, artwork: library)
        let generated = ArtworkRef(
            imageID: nil, monogram: "TB", gradientStart: ChartColor(hex: 0x00FF00), gradientEnd: ChartColor(hex: 0x00AA00))
        var withImage = generated
        withImage.imageID = "img"
        renderer.render(
            Scene(
                width: 200, height: 100, background: .solid(ChartColor(hex: 0)),
                elements: [
                    .artwork(SceneRect(x: 0, y: 0, width: 100, height: 100), cornerRadius: 0, withImage),
                    .artwork(SceneRect(x: 100, y: 0, width: 100, height: 100), cornerRadius: 10, generated),
                ]))
        renderer.withPixels { p in
            func rgb(_ x: Int, _ y: Int) -> [UInt8] {
                let o = y * 800 + x * 4
                return [p[o + 2], p[o + 1], p[o]]
            }
            #expect(rgb(10, 50) == [255, 0, 0])
            #expect(rgb(90, 50) == [0, 0, 255])
            #expect(rgb(110, 10)[1] > 200)  // gradient green
            #expect(rgb(101, 1) == [0, 0, 0])  // rounded corner left transparent over the background
        }
    }
    /// The initials drawn on generated artwork in a chart shown on a phone (the screen format, 420 pixels
    /// shown about 350 CSS pixels wide) are as large as its smallest text and still fit in their square (two
    /// wide capitals shrink to fit, never below the usual proportion); a chart rendered to post keeps the
    /// monogram's usual proportion.
    @Test func monogramsOfAScreenChartAreAsLargeAsItsSmallestText() throws {
        let names = [
            "Björk", "Sigur Rós", "YOASOBI", "M83", "Massive Attack", "BTS", "Café Ñandú", "Ария Ветра", "Kavinsky",
            "Sigrún & the Northern Lights", "Blue Hour", "Télépopmusik", "Νύχτα", "Wide Words",
        ]
        let entries = names.enumerated().prefix(20).map {
            ChartEntry(rank: $0.offset + 1, name: $0.element, streams: 1_000 - $0.offset, milliseconds: 1)
        }
        let caption = ChartCaption(title: "Top artists", subtitle: "All time")
        let screen = try TopChartLayout(
            format: TopChartLayout.screenFormat(rows: entries.count), theme: .light, minimumTextSize: TopChartLayout.screenTextSize
        ).scene(entries: entries, metric: .streams, caption: caption)
        let measurer = PangoTextMeasurer()
        var seen: [String] = []
        for case .artwork(let rect, _, let art) in screen.elements where art.imageID == nil {
            let run = GeneratedArtwork.monogramRun(art, in: rect, measurer: measurer)
            let width = measurer.width(of: art.monogram, font: run.spans[0].font)
            #expect(width <= rect.width * 0.9 + 1e-9, "\(art.monogram) is \(width) px wide in a \(rect.width) px square")
            if art.monogram == "WW" {
                #expect(run.maxFontSize < TopChartLayout.screenTextSize && run.maxFontSize > rect.height * GeneratedArtwork.monogramScale * 0.86)
            } else {
                #expect(run.maxFontSize >= TopChartLayout.screenTextSize, "\(art.monogram): \(run.maxFontSize) px in a \(rect.width) px square")
            }
            seen.append(art.monogram)
        }
        #expect(seen.count == entries.count && seen.contains("WW") && seen.contains("MA"), "\(seen)")
        let poster = try TopChartLayout(format: .square, theme: .light).scene(entries: Array(entries.prefix(10)), metric: .streams, caption: caption)
        for case .artwork(let rect, _, let art) in poster.elements {
            let usual = rect.height * (art.monogram.count > 1 ? GeneratedArtwork.monogramScale * 0.86 : GeneratedArtwork.monogramScale)
            #expect(abs(GeneratedArtwork.monogramRun(art, in: rect, measurer: measurer).maxFontSize - usual) < 1e-9)
        }
    }
}
