import SeguePlaylists
import SegueStore
import Testing

@Suite("Playlist rules: one check for the API, the command line and saved recipes")
struct PlaylistRulesTests {
    typealias Rules = PlaylistRecipe.Rules

    func violation(_ change: (inout Rules) -> Void) -> Rules.Violation? {
        var rules = Rules()
        change(&rules)
        do {
            _ = try rules.checked()
            return nil
        } catch {
            return error
        }
    }

    @Test("each rule out of range is refused, naming the field as each surface spells it")
    func outOfRange() throws {
        let api: (Rules.Field) -> String = { "\($0)" }
        let spacing = try #require(violation { $0.artistSpacing = 5000 })
        #expect(spacing.message(naming: api) == "artistSpacing must be 0 to 1000")
        #expect(spacing.recipeMessage == "the artist spacing 5000 is not 0 to 1000")
        #expect(violation { $0.artistSpacing = -1 }?.field == .artistSpacing)
        #expect(violation { $0.maxPerAlbum = 0 }?.message(naming: api) == "maxPerAlbum must be at least 1")
        #expect(violation { $0.maxBPM = 1000.5 }?.message(naming: api) == "maxBPM must be 0 to 1000")
        #expect(violation { $0.minBPM = -3 }?.recipeMessage == "a tempo limit of -3.0 BPM is not 0 to 1000")
        #expect(violation { $0.durationSeconds = 2_000_000 }?.message(naming: api) == "durationSeconds must be 0 to 1,000,000 seconds")
        #expect(violation { $0.maxTrackSeconds = .nan }?.field == .maxTrackSeconds)
        let backwards = try #require(
            violation {
                $0.minBPM = 140
                $0.maxBPM = 120
            })
        #expect(backwards.message(naming: api) == "minBPM 140.0 is above maxBPM 120.0")
        #expect(backwards.recipeMessage == "the slowest tempo 140.0 BPM is above the fastest 120.0 BPM")
    }

    @Test("rules within range become the constraints, names trimmed and blank ones dropped")
    func withinRange() throws {
        var rules = Rules()
        rules.artistSpacing = 1000
        rules.maxPerArtist = 2
        rules.excludedArtists = [" Björk ", "  ", ""]
        rules.minBPM = 90
        rules.durationSeconds = 1_000_000
        let c = try rules.checked()
        #expect(c.artistSpacing == 1000 && c.maxPerArtist == 2 && c.excludedArtists == ["Björk"])
        #expect(c.tempoRange == 90...1000 && c.targetDurationSeconds == 1_000_000)
    }
}
