import Foundation
import SegueCharts
import SegueGraphics
import SegueModel
import SegueRecap
import SegueRender
import SegueStore
import Testing

/// Every recap card rendered with Cairo and as SVG, for ordinary and awkward histories.
@Suite struct RecapCardTests {
    /// Plays of `artists` (name, plays) through 2024, each artist on its own days; a few in 2023.
    static func columns(_ artists: [(String, Int)], albums: Bool = true) -> MusicColumns {
        var c = MusicColumns()
        var plays: [(Int64, Int32, Int32)] = []
        let start = CalendarDay(year: 2024, month: 1, day: 1).daysSinceEpoch * 86_400
        for (a, (name, count)) in artists.enumerated() {
            c.artistNames.append(name)
            if albums {
                c.albumNames.append("\(name) — the album")
                c.albumArtistNames.append(name)
            }
            for k in 0..<2 {
                c.trackNames.append(k == 0 ? name : "\(name) (live)")
                c.trackURIs.append("spotify:track:\(a)-\(k)")
                c.trackArtist.append(Int32(a))
                c.trackAlbum.append(albums ? Int32(a) : -1)
            }
            for i in 0..<count {
                let day = Int64((i * 7 + a * 3) % 366)
                plays.append((start + day * 86_400 + Int64(3600 * (8 + (i + a) % 14)) + Int64(i % 5) * 200, 190_000, Int32(a * 2 + i % 2)))
            }
            if a == 0 { plays.append((start - 86_400 * 30, 190_000, 0)) }
        }
        plays.sort { $0.0 < $1.0 }
        c.endTimes = plays.map(\.0)
        c.milliseconds = plays.map(\.1)
        c.trackOfPlay = plays.map(\.2)
        c.sources = [UInt8](repeating: 0, count: plays.count)
        c.trackLengths = MusicColumns.lengths(trackCount: c.trackNames.count, trackOfPlay: c.trackOfPlay, milliseconds: c.milliseconds)
        return c
    }

    static let year = try! RecapPeriod.parse(year: "2024", from: nil, to: nil)

    /// A sound for a history: its tracks as library songs, tags that rose (nil without plays).
    static func sound(_ c: MusicColumns) -> RecapSound? {
        let inputs = c.trackNames.indices.map { t in
            RecapSoundInput(
                id: Int64(t), artist: c.artistNames[Int(c.trackArtist[t])], title: c.trackNames[t], plays: 40 - t * 3, previousPlays: t % 3,
                bpm: 90 + Double(t * 7), energy: 0.3 + Double(t % 5) / 10, loudnessLUFS: -14 + Double(t % 4),
                tags: [["indie", "electronic", "female vocalists", "chillout"][t % 4], "rock"])
        }
        return RecapSound(inputs, periodPlays: 500) { $0.reversed() }
    }

    static let histories: [(name: String, columns: MusicColumns)] = [
        (
            "ordinary",
            columns([
                ("Sigrún & the Northern Lights", 140), ("Zoë & Chloé", 90), ("DJ Lyqubel", 60), ("Mötley <Brass> Band", 40), ("Rasonve", 30),
                ("Qurave Paper", 12),
            ])
        ),
        ("one-artist", columns([("Solo", 25)], albums: false)),
        (
            "long-names",
            columns([
                (String(repeating: "Extraordinarily Long Band Name ", count: 3).prefix(80).description, 50),
                ("An Orchestra Whose Name Goes On And On Through Every Hall Of The Concert House", 30),
            ])
        ),
        ("scripts", columns([("宇多田ヒカル", 80), ("فيروز", 60), ("עומר אדם", 40), ("Звёздный Пёс", 20), ("블루 아워", 10)])),
        ("empty", MusicColumns()),
    ]

    @Test(arguments: ["story", "square"])
    func everyCardRendersForEveryHistory(size: String) throws {
        let format = try SocialFormat(parsing: size)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("segue-recap-cards/\(size)")
        try? FileManager.default.removeItem(at: folder)
        var kinds = Set<RecapCard>()
        for (name, columns) in Self.histories {
            var recap = Recap(columns: columns, period: Self.year)
            if name != "one-artist" { recap.sound = Self.sound(columns) }
            let theme: Theme = name == "scripts" ? .light : .dark
            let render = RecapCardsRender(format: format, theme: theme)
            let paths = try render.write(recap, to: folder.appendingPathComponent(name).path)
            let cards = RecapCard.cards(for: recap)
            kinds.formUnion(cards)
            #expect(paths.count == 2 * cards.count)
            for path in paths {
                let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                #expect(size > 2_000, "\(path) is \(size) bytes")
            }
            for (card, scene) in render.scenes(recap) {
                #expect(scene.width == format.width && scene.height == format.height)
                // Nothing is placed outside the card, and every text fits its width.
                for element in scene.elements {
                    switch element {
                    case .text(let run):
                        #expect(run.centerY > 0 && run.centerY < Double(format.height), "\(name) \(card): \(run.plainText)")
                        let measured = PangoTextMeasurer().measure(spans: run.spans, maxWidth: nil).width
                        let left = run.alignment == .left ? run.x : run.alignment == .right ? run.x - measured : run.x - measured / 2
                        let shown = min(measured, run.maxWidth ?? measured)
                        #expect(left >= -1 && left + shown <= Double(format.width) + 1, "\(name) \(card): '\(run.plainText)' runs off the card")
                    case .rect(let r, _, _), .artwork(let r, _, _):
                        #expect(
                            r.x >= 0 && r.maxX <= Double(format.width) + 0.5 && r.y >= 0 && r.maxY <= Double(format.height), "\(name) \(card): \(r)")
                    default: break
                    }
                }
            }
            // Names reach the SVG as text, escaped.
            let svgs = paths.filter { $0.hasSuffix(".svg") }.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }.joined()
            if name == "ordinary" { #expect(svgs.contains("Mötley &lt;Brass&gt; Band") && !svgs.contains("<Brass>")) }
            if name == "scripts" { #expect(svgs.contains("宇多田ヒカル") && svgs.contains("فيروز") && svgs.contains("עומר אדם")) }
            if name == "empty" { #expect(cards == [.summary] && svgs.contains("Nothing played")) }
        }
        #expect(kinds == Set(RecapCard.allCases))
    }

    @Test func theCardsShareTheTopArtistsColour() throws {
        let recap = Recap(columns: Self.histories[0].columns, period: Self.year)
        let layout = RecapCardsRender(format: .story, theme: .dark).layout
        let accents = Set(
            RecapCard.cards(for: recap).map { card -> ChartColor? in
                // The kicker (the first text) is in the set's accent.
                layout.scene(card, recap: recap).texts.first?.spans.first?.color
            })
        #expect(accents.count == 1)
        #expect(accents.first != Theme.dark.accent)
    }
}
