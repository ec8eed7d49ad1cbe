import Foundation
import Testing

@testable import SegueMedia

/// A file's ISRC and MusicBrainz recording id, as ffmpeg writes them (issue 19): read in the
/// `RecordingIdentifier` form; a tag that is not one (10 kB, a NUL, not a UUID) is no identifier.
@Suite struct RecordingTagTests {
    static let isrc = "GBAYE0601498"
    static let mbid = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

    func tone(_ path: String, _ metadata: [String: String], _ extra: [String] = []) throws {
        try UntrustedMediaTests.make(
            ["-f", "lavfi", "-i", "sine=frequency=330:duration=1"] + metadata.sorted { $0.key < $1.key }.flatMap { ["-metadata", "\($0)=\($1)"] }
                + extra + [path])
    }

    @Test func identifiersAreReadFromEveryContainerFFmpegTagsThisWay() throws {
        let dir = try UntrustedMediaTests.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tools = try FFmpegTools.locate()
        // mp3: ffmpeg writes TXXX:ISRC and TXXX:MusicBrainz Track Id (ID3v2.4); flac and ogg: Vorbis
        // comments; m4a: iTunes-style keys only with use_metadata_tags. Lower case and dashes are normalised.
        let cases: [(file: String, metadata: [String: String], extra: [String])] = [
            ("a.mp3", ["ISRC": "gb-aye-06-01498", "MusicBrainz Track Id": Self.mbid.uppercased()], []),
            ("b.flac", ["ISRC": Self.isrc, "MUSICBRAINZ_TRACKID": Self.mbid], []),
            ("c.ogg", ["ISRC": Self.isrc, "musicbrainz_trackid": Self.mbid], ["-c:a", "libvorbis"]),
            ("d.m4a", ["ISRC": Self.isrc, "MusicBrainz Track Id": Self.mbid], ["-movflags", "use_metadata_tags"]),
        ]
        for c in cases {
            let path = "\(dir)/\(c.file)"
            try tone(path, c.metadata, c.extra)
            let tags = try AudioTags.probe(path, tools: tools)
            #expect(tags.isrc == Self.isrc && tags.recordingMBID == Self.mbid, "\(c.file): \(tags)")
        }
        // ID3's own ISRC frame, TSRC.
        try tone("\(dir)/e.mp3", ["TSRC": "USRC17607839"])
        #expect(try AudioTags.probe("\(dir)/e.mp3", tools: tools).isrc == "USRC17607839")
        // No tags: none.
        try tone("\(dir)/f.flac", [:])
        let plain = try AudioTags.probe("\(dir)/f.flac", tools: tools)
        #expect(plain.isrc == nil && plain.recordingMBID == nil)
    }

    @Test func hostileIdentifierTagsAreIgnored() throws {
        let dir = try UntrustedMediaTests.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tools = try FFmpegTools.locate()
        // 10 kB of ISRC, and an MBID that is not a UUID.
        try tone("\(dir)/big.flac", ["ISRC": String(repeating: "GB", count: 5_000), "MUSICBRAINZ_TRACKID": "not-a-uuid"], [])
        let big = try AudioTags.probe("\(dir)/big.flac", tools: tools)
        #expect(big.isrc == nil && big.recordingMBID == nil && abs(big.durationSeconds - 1) < 0.1)
        // A NUL inside the Vorbis comments (length-prefixed, so the file stays valid): the bytes of a
        // valid ISRC and MBID with one character each turned into NUL.
        try tone("\(dir)/nul.flac", ["ISRC": "GBAYE06Z1498", "MUSICBRAINZ_TRACKID": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2bZc4d"], [])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(dir)/nul.flac")))
        var patched = 0
        for marker in ["GBAYE06Z", "2bZ"] {
            let m = Array(marker.utf8)
            guard let at = (0...(bytes.count - m.count)).first(where: { Array(bytes[$0..<($0 + m.count)]) == m }) else { continue }
            bytes[at + m.count - 1] = 0
            patched += 1
        }
        #expect(patched == 2)
        try Data(bytes).write(to: URL(fileURLWithPath: "\(dir)/nul.flac"))
        let nul = try AudioTags.probe("\(dir)/nul.flac", tools: tools)
        #expect(nul.isrc == nil && nul.recordingMBID == nil && abs(nul.durationSeconds - 1) < 0.1)
    }
}
