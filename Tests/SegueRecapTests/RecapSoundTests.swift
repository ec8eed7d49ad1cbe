import Foundation
import SegueModel
import SegueRecap
import SegueStore
import Testing

/// The sound of a period from matched files: averages weighted by plays, rising tags, the playlist.
@Suite struct RecapSoundTests {
    static func input(
        _ id: Int64, plays: Int, previous: Int, bpm: Double, energy: Double, lufs: Double, tags: [String]
    ) -> RecapSoundInput {
        RecapSoundInput(
            id: id, artist: "Artist \(id)", title: "Song \(id)", plays: plays, previousPlays: previous, bpm: bpm, energy: energy,
            loudnessLUFS: lufs, tags: tags)
    }

    static let tracks = [
        input(1, plays: 6, previous: 0, bpm: 120, energy: 0.5, lufs: -10, tags: ["rock", "upbeat"]),
        input(2, plays: 3, previous: 2, bpm: 90, energy: 0.2, lufs: -14, tags: ["jazz", "rock"]),
        input(3, plays: 1, previous: 0, bpm: 150, energy: 0.9, lufs: -8, tags: ["electronic"]),
        input(4, plays: 0, previous: 8, bpm: 100, energy: 0.4, lufs: -12, tags: ["jazz", "folk"]),
    ]

    @Test func averagesAreWeightedByPlaysAndTagsRiseAgainstThePeriodBefore() throws {
        var asked: [Int64] = []
        let sound = try #require(
            RecapSound(Self.tracks, periodPlays: 20) { ids in
                asked = ids
                return ids.reversed()
            })
        // By hand: 10 matched plays of 20; (6·120 + 3·90 + 1·150) / 10 = 114 BPM;
        // (6·0.5 + 3·0.2 + 1·0.9) / 10 = 0.45; (6·−10 + 3·−14 + 1·−8) / 10 = −11 LUFS.
        #expect(sound.matchedPlays == 10 && sound.matchedTracks == 3 && sound.share == 0.5)
        #expect(abs(sound.averageBPM - 114) < 1e-9)
        #expect(abs(sound.averageEnergy - 0.45) < 1e-9)
        #expect(abs(sound.averageLoudnessLUFS - -11) < 1e-9)
        // Tags now (of 10 plays): rock 9, upbeat 6, jazz 3, electronic 1; before (of 10): jazz 10,
        // folk 8, rock 2. Rock rose 0.7, upbeat 0.6, electronic 0.1; jazz fell; folk is gone.
        #expect(sound.previousMatchedPlays == 10)
        #expect(sound.risingTags.map(\.tag) == ["rock", "upbeat", "electronic"])
        let rock = try #require(sound.risingTags.first)
        #expect(abs(rock.share - 0.9) < 1e-9 && abs(rock.previousShare - 0.2) < 1e-9 && abs(rock.rise - 0.7) < 1e-9)
        // The most played go to the ordering, and its order is kept.
        #expect(asked == [1, 2, 3])
        #expect(sound.playlist.map(\.id) == [3, 2, 1])
        #expect(sound.playlist.last == RecapSoundTrack(id: 1, artist: "Artist 1", title: "Song 1", plays: 6, bpm: 120, energy: 0.5))
    }

    @Test func theOrderingCannotLoseOrInventTracks() throws {
        let sound = try #require(RecapSound(Self.tracks, periodPlays: 10) { _ in [2, 2, 99] })
        #expect(sound.playlist.map(\.id) == [2, 1, 3])
        #expect(sound.share == 1)
    }

    @Test func thePlaylistHoldsTheMostPlayedOnly() throws {
        let many = (1...25).map { Self.input(Int64($0), plays: $0, previous: 0, bpm: 100, energy: 0.5, lufs: -10, tags: []) }
        let sound = try #require(RecapSound(many, periodPlays: 1_000) { $0 })
        #expect(sound.playlist.map(\.id) == Array((16...25).reversed()))
        #expect(sound.risingTags.isEmpty)
    }

    @Test func nothingMatchedMeansNoSoundNotZeros() throws {
        let onlyBefore = [Self.tracks[3]]
        #expect(RecapSound(onlyBefore, periodPlays: 50) { $0 } == nil)
        #expect(RecapSound([], periodPlays: 0) { $0 } == nil)
        // And the recap's JSON has no "sound" at all.
        let period = try RecapPeriod.parse(year: "2024", from: nil, to: nil)
        let recap = Recap(columns: MusicColumns(), period: period)
        #expect(recap.sound == nil)
        let json = String(decoding: try JSONEncoder().encode(recap), as: UTF8.self)
        #expect(!json.contains("\"sound\""))
        var withSound = recap
        withSound.sound = RecapSound(Self.tracks, periodPlays: 20) { $0 }
        let decoded = try JSONDecoder().decode(Recap.self, from: try JSONEncoder().encode(withSound))
        #expect(decoded.sound == withSound.sound && decoded.sound != nil)
    }
}
