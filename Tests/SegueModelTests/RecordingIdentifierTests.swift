import SegueModel
import Testing

/// ISRCs and MusicBrainz recording ids as files and histories write them, and what is not one.
@Suite struct RecordingIdentifierTests {
    @Test func isrcsAreUpperCasedWithoutDashes() {
        #expect(RecordingIdentifier.isrc("GBAYE0601498") == "GBAYE0601498")
        #expect(RecordingIdentifier.isrc("gb-aye-06-01498") == "GBAYE0601498")
        #expect(RecordingIdentifier.isrc(" US-RC1-76-07839 ") == "USRC17607839")
    }

    @Test func whatIsNotAnISRCIsNil() {
        for bad in [
            "", "GBAYE060149", "GBAYE06014981", "1BAYE0601498", "GBAYE06O1498", "GB_AYE0601498", "GBAYÉ0601498",
            "GBAYE06\u{0}01498", String(repeating: "A", count: 10_000), "GBAYE0601498" + String(repeating: "-", count: 100),
        ] {
            #expect(RecordingIdentifier.isrc(bad) == nil, "\(bad.prefix(20))")
        }
        #expect(RecordingIdentifier.isrc(nil) == nil)
    }

    @Test func mbidsAreLowerCasedUUIDs() {
        #expect(RecordingIdentifier.mbid("0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D") == "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
        #expect(RecordingIdentifier.mbid(" 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d") == "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
        for bad in [
            "", "not-a-uuid", "0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4g",
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d5", "0a1b2c3d-4e5f-4a6b-8c7d_9e0f1a2b3c4d", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c\u{0}d",
            String(repeating: "0", count: 10_000),
        ] {
            #expect(RecordingIdentifier.mbid(bad) == nil, "\(bad.prefix(20))")
        }
    }
}
