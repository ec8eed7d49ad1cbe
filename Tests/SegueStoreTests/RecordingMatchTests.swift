import Foundation
import SegueImport
import SegueModel
import SegueStore
import SegueTestSupport
import Testing

/// Issue 19, history meets the library: plays keep the ISRC and MusicBrainz recording id their
/// source gave (per track), and a library file matches the history by those first, by names otherwise.
@Suite struct RecordingMatchTests {
    typealias F = Fixtures

    static let mbidA = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    static let mbidB = "11111111-2222-4333-8444-555555555555"

    func importing(_ paths: [URL], into store: any PlayStore) throws -> ImportReport {
        try HistoryImporter().run(paths: paths.map(\.path), store: store, profile: try store.profile(named: "me"))
    }

    /// A ListenBrainz export: "Song" twice with an ISRC written with dashes in lower case, once a
    /// listen whose ISRC and MBID are not valid (dropped, the listen kept), and "Plain" without ids.
    func listenBrainz(_ dir: URL) throws -> URL {
        func listen(_ t: Int, _ title: String, _ info: String) -> String {
            "{\"listened_at\": \(t), \"track_metadata\": {\"artist_name\": \"The Band\", \"track_name\": \"\(title)\", \"additional_info\": {\(info)}}}\n"
        }
        let text =
            listen(1_622_534_400, "Song", "\"isrc\": \"gb-aye-06-01498\"")
            + listen(1_622_538_000, "Song", "\"isrc\": \"GBAYE0601498\", \"duration_ms\": 200000")
            + listen(1_622_541_600, "Other", "\"isrc\": \"\(String(repeating: "X", count: 10_000))\", \"recording_mbid\": \"not-a-uuid\"")
            + listen(1_622_545_200, "Plain", "\"duration_ms\": 100000")
        return try F.write(Data(text.utf8), to: dir, "listens.jsonl")
    }

    /// ghan.nl's Last.fm CSV: "Twin" three times with recording MBID A (upper case), never with B.
    func lastfm(_ dir: URL) throws -> URL {
        let rows = (0..<3).map { "\(1_622_600_000 + $0 * 600),x,Twins,,Album,,Twin,\(Self.mbidA.uppercased())\n" }.joined()
        return try F.write(Data(("uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n" + rows).utf8), to: dir, "lastfm.csv")
    }

    func library(_ backend: StoreBackend) throws -> any LibraryStore {
        let library = try backend.makeLibraryStore()
        let files: [LibraryTrack] = [
            // The file's title differs from the plays', its ISRC (written another way) is theirs.
            LibraryTrack(path: "/m/remaster.flac", contentHash: "1", artist: "The Band", title: "Song (Remastered 2011)", isrc: "GBAYE0601498"),
            // Same names, different recordings: only A was played.
            LibraryTrack(path: "/m/twin-a.flac", contentHash: "2", artist: "Twins", title: "Twin", recordingMBID: Self.mbidA),
            LibraryTrack(path: "/m/twin-b.flac", contentHash: "3", artist: "Twins", title: "Twin", recordingMBID: Self.mbidB),
            // No identifiers on either side: names decide.
            LibraryTrack(path: "/m/plain.flac", contentHash: "4", artist: "the band", title: "PLAIN"),
            // An identifier the history never saw, names it did: the plays had no ISRC, names decide.
            LibraryTrack(path: "/m/plain-isrc.flac", contentHash: "5", artist: "The Band", title: "Plain", isrc: "USRC17607839"),
        ]
        for f in files { _ = try library.add(f) }
        return library
    }

    func counts(_ store: any PlayStore, _ library: any LibraryStore) throws -> [String: Int] {
        let tracks = try library.tracks()
        let counts = try store.libraryPlayCounts(profile: "me", tracks: tracks, range: .all)
        return Dictionary(uniqueKeysWithValues: tracks.map { (($0.path as NSString).lastPathComponent, counts[$0.id] ?? 0) })
    }

    @Test(arguments: StoreBackend.allCases)
    func filesMatchPlaysByIdentifierFirstThenByName(backend: StoreBackend) throws {
        let dir = try F.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try backend.make()
        let report = try importing([try listenBrainz(dir), try lastfm(dir)], into: store)
        #expect(report.total.musicPlays == 7 && report.total.rejected == 0)
        // The 10 kB ISRC and the non-UUID MBID: dropped and counted, their listen kept.
        #expect(report.total.droppedIdentifiers == 2)
        #expect(report.files.first { $0.format == "listenbrainz" }?.counts.droppedIdentifiers == 2)

        let library = try library(backend)
        let expected = ["remaster.flac": 2, "twin-a.flac": 3, "twin-b.flac": 0, "plain.flac": 1, "plain-isrc.flac": 1]
        #expect(try counts(store, library) == expected)

        // The identifiers are kept per track, in the columns the store saves.
        let columns = try store.musicColumns(profile: try store.profile(named: "me"))
        let song = try #require(columns.trackNames.firstIndex(of: "Song"))
        #expect(columns.isrc(ofTrack: song) == "GBAYE0601498" && columns.mbid(ofTrack: song) == nil)
        let twin = try #require(columns.trackNames.firstIndex(of: "Twin"))
        #expect(columns.mbid(ofTrack: twin) == Self.mbidA)
        let other = try #require(columns.trackNames.firstIndex(of: "Other"))
        #expect(columns.isrc(ofTrack: other) == nil && columns.mbid(ofTrack: other) == nil)
        #expect(try columns.encoded().withUnsafeBytes { try MusicColumns(decoding: $0) } == columns)

        // Importing again changes nothing.
        let again = try importing([try listenBrainz(dir), try lastfm(dir)], into: store)
        #expect(again.total.musicPlays == 0 && again.total.duplicates == 7)
        #expect(try counts(store, library) == expected)
        #expect(try store.musicColumns(profile: try store.profile(named: "me")) == columns)
    }

    /// The index alone: an ISRC on both sides that disagrees means another recording even when the
    /// names agree; an MBID that agrees wins over names that differ; the last played time follows.
    @Test func theIndexDecidesByIdentifiersWhereBothHaveThem() throws {
        var columns = MusicColumns()
        columns.artistNames = ["A"]
        columns.trackNames = ["Song", "Song", "Live"]
        columns.trackURIs = ["spotify:track:1", "spotify:track:2", ""]
        columns.trackArtist = [0, 0, 0]
        columns.trackAlbum = [-1, -1, -1]
        columns.endTimes = [100, 200, 300, 400]
        columns.trackOfPlay = [0, 1, 1, 2]
        columns.milliseconds = [1000, 1000, 1000, 1000]
        columns.sources = [0, 0, 0, 0]
        columns.trackLengths = [1000, 1000, 1000]
        columns.setTrackIdentifiers(isrcs: ["GBAYE0601498", "USRC17607839", ""], mbids: ["", "", Self.mbidA])
        let index = ListeningIndex(columns)
        #expect(index.listening(artist: "A", title: "Song", album: nil) == TrackListening(plays: 3, lastPlayed: 300))
        #expect(index.listening(artist: "A", title: "Song", album: nil, isrc: "GBAYE0601498", mbid: nil) == TrackListening(plays: 1, lastPlayed: 100))
        #expect(
            index.listening(artist: "A", title: "Song", album: nil, isrc: "us-rc1-76-07839", mbid: nil) == TrackListening(plays: 2, lastPlayed: 300))
        #expect(index.listening(artist: "A", title: "Song", album: nil, isrc: "FRZ039800212", mbid: nil) == nil)
        #expect(
            index.listening(artist: "B", title: "Something Else", album: nil, isrc: nil, mbid: Self.mbidA.uppercased())
                == TrackListening(plays: 1, lastPlayed: 400))
        // Not valid identifiers are no identifiers: names decide.
        #expect(index.listening(artist: "A", title: "Song", album: nil, isrc: "nonsense", mbid: "\u{0}") == TrackListening(plays: 3, lastPlayed: 300))
    }

    /// A file stored before its tags were read for identifiers gets them when it is added again (a rescan).
    @Test(arguments: StoreBackend.allCases)
    func aRescanGivesStoredFilesTheirIdentifiers(backend: StoreBackend) throws {
        let library = try backend.makeLibraryStore()
        let (old, isNew) = try library.add(LibraryTrack(path: "/m/a.flac", contentHash: "h", artist: "A", title: "T"))
        #expect(isNew && old.isrc == nil)
        let (again, secondIsNew) = try library.add(
            LibraryTrack(path: "/m/a.flac", contentHash: "h", artist: "A", title: "T", isrc: "GBAYE0601498", recordingMBID: Self.mbidA))
        #expect(!secondIsNew && again.id == old.id && again.isrc == "GBAYE0601498" && again.recordingMBID == Self.mbidA)
        let stored = try #require(try library.track(id: old.id))
        #expect(stored.isrc == "GBAYE0601498" && stored.recordingMBID == Self.mbidA)
        // A later scan never takes them away.
        _ = try library.add(LibraryTrack(path: "/m/a.flac", contentHash: "h", artist: "A", title: "T"))
        #expect(try library.track(id: old.id)?.isrc == "GBAYE0601498")
    }
}
