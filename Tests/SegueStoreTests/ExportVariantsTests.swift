import Foundation
import SegueImport
import SegueModel
import SegueStore
import SegueTestSupport
import Testing

/// Real exports that differ from the tidy case (issue 17): older files without URI keys, and a track
/// whose names change over time. Checked through the importer and the store protocol on every backend.
@Suite struct ExportVariantsTests {
    typealias F = Fixtures

    func run(_ paths: [URL], _ store: any PlayStore, profile: String = "default") throws -> ImportReport {
        try HistoryImporter().run(paths: paths.map(\.path), store: store, profile: try store.profile(named: profile))
    }

    func top(_ store: any PlayStore, _ kind: EntityKind, profile: String = "default") throws -> [ChartEntry] {
        try store.top(ChartQuery(kind: kind, metric: .streams, range: .all, limit: 50), profile: try store.profile(named: profile))
    }

    /// A 2020-era `endsong_N.json` record: no `spotify_track_uri` or `spotify_episode_uri` key at
    /// all, and the location fields those files carried.
    func endsong(
        ts: String, ms: Int, track: String?, artist: String?, album: String?, episode: String? = nil, show: String? = nil
    ) -> [String: Any] {
        F.extended(
            ts: ts, ms: ms, track: track, artist: artist, album: album, episode: episode, show: show,
            omit: ["spotify_track_uri", "spotify_episode_uri", "ip_addr"],
            extra: [
                "username": "someone", "city": "berlin", "region": "be", "metro_code": NSNull(), "longitude": 13.4,
                "latitude": 52.52, "ip_addr_decrypted": "192.0.2.1", "user_agent_decrypted": "unknown",
            ])
    }

    @Test(arguments: StoreBackend.allCases)
    func olderExportsWithoutURIKeysImportTracksByArtistAndName(backend: StoreBackend) throws {
        let store = try backend.make()
        let dir = try F.folder()
        try F.write(
            try F.json([
                endsong(ts: "2020-03-01T10:00:00Z", ms: 200_000, track: "One", artist: "Ann", album: "First"),
                endsong(ts: "2020-03-02T10:00:00Z", ms: 100_000, track: "One", artist: "Ann", album: "First"),
                endsong(ts: "2020-03-02T11:00:00Z", ms: 20_000, track: "Two", artist: "Bo", album: "Second"),
                endsong(ts: "2020-03-02T12:00:00Z", ms: 150_000, track: "One", artist: "Cy", album: "Third"),
                endsong(ts: "2020-03-03T08:00:00Z", ms: 1_200_000, track: nil, artist: nil, album: nil, episode: "Ep 1", show: "Pod"),
                endsong(ts: "2020-03-03T09:00:00Z", ms: 90_000, track: "Lone", artist: nil, album: nil),
                endsong(ts: "2020-03-03T09:30:00Z", ms: 0, track: nil, artist: nil, album: nil),
            ]), to: dir, "MyData/endsong_0.json")
        let report = try run([dir], store)
        #expect(report.files.map(\.format) == ["extended"])
        let t = report.total
        #expect(t.records == 7)
        #expect(t.musicPlays == 4 && t.shortPlays == 1)
        #expect(t.episodes == 1)
        #expect(t.rejected == 2)
        #expect(t.rejections["track without spotify_track_uri (local file?)"] == nil)
        #expect(t.rejections["track without artist"] == 1)
        #expect(t.rejections["no track, episode or audiobook"] == 1)
        // A track is artist + name, with its album: "One" by Ann and "One" by Cy are two tracks.
        let tracks = try top(store, .tracks)
        #expect(tracks.map(\.name) == ["One", "One", "Two"])
        let ann = try #require(tracks.first { $0.artist == "Ann" })
        #expect(ann.streams == 2 && ann.uri == nil && ann.album == "First")
        #expect(Set(try top(store, .albums).map(\.name)) == ["First", "Third", "Second"])
        let stats = try store.stats(range: .all, timeZone: .gmt, profile: try store.profile(named: "default"))
        #expect(stats.episodes == 1 && stats.musicPlays == 4)
        // Importing it again stores nothing twice.
        let again = try run([dir], store)
        #expect(again.total.duplicates == 5 && again.total.musicPlays == 0)
        // Account data names the same track (artist + name) without an album: the album stays.
        let account = try F.write(
            try F.json([F.account(end: "2021-01-05 10:00", artist: "Ann", track: "One", ms: 180_000)]),
            to: dir, "account/StreamingHistory_music_0.json")
        _ = try run([account], store)
        let after = try #require(try top(store, .tracks).first { $0.artist == "Ann" })
        #expect(after.streams == 3 && after.album == "First")
    }

    /// A listen in an old endsong file (no URI) and again in a newer export (with its URI) counts once,
    /// whichever comes first, as for account data.
    @Test(arguments: StoreBackend.allCases, [false, true])
    func theSameListenWithAndWithoutURICountsOnce(backend: StoreBackend, uriFirst: Bool) throws {
        let store = try backend.make()
        let dir = try F.folder()
        let old = try F.write(
            try F.json([
                endsong(ts: "2020-03-01T10:00:00Z", ms: 200_000, track: "One", artist: "Ann", album: "First"),
                endsong(ts: "2020-03-01T11:00:00Z", ms: 100_000, track: "One", artist: "Ann", album: "First"),
            ]), to: dir, "old/endsong_0.json")
        let new = try F.write(
            try F.json([
                F.extended(ts: "2020-03-01T10:00:00Z", ms: 200_000, track: "One", artist: "Ann", album: "First", uri: "spotify:track:one")
            ]), to: dir, "new/Streaming_History_Audio_2020.json")
        for file in uriFirst ? [new, old] : [old, new] { _ = try run([file], store) }
        let stats = try store.stats(range: .all, timeZone: .gmt, profile: try store.profile(named: "default"))
        #expect(stats.musicPlays == 2)
        let ones = try top(store, .tracks).filter { $0.name == "One" }
        #expect(ones.map(\.streams).reduce(0, +) == 2)
        // One track (issue 19): a play without a URI counts for the track with a URI and the same
        // artist and title.
        #expect(ones.count == 1 && ones.first?.uri == "spotify:track:one")
    }

    @Test(arguments: StoreBackend.allCases)
    func aNullURIIsStillALocalFile(backend: StoreBackend) throws {
        let store = try backend.make()
        let dir = try F.folder()
        let file = try F.write(
            try F.json([
                F.extended(ts: "2021-03-01T10:00:00Z", ms: 200_000, track: "Mine", artist: "Me", album: "Home", uri: nil),
                F.extended(
                    ts: "2021-03-01T10:05:00Z", ms: 200_000, track: nil, artist: nil, album: nil, uri: nil,
                    episode: "Ep", show: "Pod", episodeURI: nil),
            ]), to: dir, "endsong_0.json")
        let report = try run([file], store)
        #expect(report.total.rejections["track without spotify_track_uri (local file?)"] == 1)
        #expect(report.total.episodes == 1 && report.total.musicPlays == 0)
    }

    /// One URI whose album is spelt two ways over time, and a deluxe edition that comes and goes.
    func renamedFiles(_ dir: URL) throws -> (old: URL, new: URL) {
        let uri = "spotify:track:aty"
        let old = try F.write(
            try F.json([
                F.extended(
                    ts: "2019-05-01T10:00:00Z", ms: 200_000, track: "A Thousand Years", artist: "Christina Perri",
                    album: "A Thousand Years", uri: uri),
                F.extended(
                    ts: "2019-06-01T10:00:00Z", ms: 200_000, track: "A Thousand Years", artist: "Christina Perri",
                    album: "A Thousand Years", uri: uri),
                F.extended(
                    ts: "2019-06-02T10:00:00Z", ms: 180_000, track: "Song", artist: "Dee", album: "Album (Deluxe)",
                    uri: "spotify:track:deluxe"),
                F.extended(
                    ts: "2019-06-03T10:00:00Z", ms: 180_000, track: "Song", artist: "Dee", album: "Album",
                    uri: "spotify:track:deluxe"),
            ]), to: dir, "a/Streaming_History_Audio_2019.json")
        let new = try F.write(
            try F.json([
                F.extended(
                    ts: "2020-01-01T10:00:00Z", ms: 200_000, track: "A Thousand Years", artist: "Christina Perri",
                    album: "a thousand years", uri: uri),
                F.extended(
                    ts: "2020-02-01T10:00:00Z", ms: 200_000, track: "A Thousand Years", artist: "Christina Perri",
                    album: "a thousand years", uri: uri),
                F.extended(
                    ts: "2020-02-02T10:00:00Z", ms: 180_000, track: "Song", artist: "Dee", album: "Album (Deluxe)",
                    uri: "spotify:track:deluxe"),
            ]), to: dir, "b/Streaming_History_Audio_2020.json")
        return (old, new)
    }

    @Test(arguments: StoreBackend.allCases)
    func aTrackCarriesTheNamesOfItsMostRecentPlayWhateverTheFileOrder(backend: StoreBackend) throws {
        let (old, new) = try renamedFiles(try F.folder())
        var charts: [[[ChartEntry]]] = []
        for order in [[old, new], [new, old]] {
            let store = try backend.make()
            _ = try run(order, store)
            let tracks = try top(store, .tracks)
            #expect(tracks.count == 2)
            let aty = try #require(tracks.first { $0.uri == "spotify:track:aty" })
            #expect(aty.album == "a thousand years" && aty.streams == 4)
            let deluxe = try #require(tracks.first { $0.uri == "spotify:track:deluxe" })
            #expect(deluxe.album == "Album (Deluxe)" && deluxe.streams == 3)
            // Every play counts under the track's album: the renamed album does not split.
            let albums = try top(store, .albums)
            #expect(albums.map(\.name) == ["a thousand years", "Album (Deluxe)"])
            #expect(albums.map(\.streams) == [4, 3])
            charts.append([tracks, albums, try top(store, .artists)])
        }
        #expect(charts[0] == charts[1])
    }

    @Test(arguments: StoreBackend.allCases)
    func aLaterImportWithNewerNamesRenamesTheTrack(backend: StoreBackend) throws {
        let (old, new) = try renamedFiles(try F.folder())
        let store = try backend.make()
        _ = try run([old], store)
        #expect(try top(store, .albums).map(\.name) == ["A Thousand Years", "Album"])
        _ = try run([new], store)
        #expect(try top(store, .albums).map(\.name) == ["a thousand years", "Album (Deluxe)"])
        #expect(try top(store, .albums).map(\.streams) == [4, 3])
        // Older plays imported afterwards do not take the names back, nor does the same export again.
        _ = try run([old], store)
        _ = try run([new], store)
        #expect(try top(store, .albums).map(\.name) == ["a thousand years", "Album (Deluxe)"])
        // The other way round: newer first, then older.
        let other = try backend.make()
        _ = try run([new], other)
        _ = try run([old], other)
        #expect(try top(other, .tracks) == (try top(store, .tracks)))
        #expect(try top(other, .albums) == (try top(store, .albums)))
    }

    /// Two spellings play at the same latest second: the one with more plays wins.
    @Test(arguments: StoreBackend.allCases, [false, true])
    func aTieOnTheLatestPlayGoesToTheVariantOnMostPlays(backend: StoreBackend, reversed: Bool) throws {
        let dir = try F.folder()
        let uri = "spotify:track:tie"
        func play(_ ts: String, _ ms: Int, _ album: String) -> [String: Any] {
            F.extended(ts: ts, ms: ms, track: "Tie", artist: "Tia", album: album, uri: uri)
        }
        let a = try F.write(
            try F.json([
                play("2021-01-01T10:00:00Z", 100_000, "Few"),
                play("2021-03-01T10:00:00Z", 100_000, "Few"),
            ]), to: dir, "a/Streaming_History_Audio_2021_0.json")
        let b = try F.write(
            try F.json([
                play("2021-01-02T10:00:00Z", 90_000, "Many"),
                play("2021-01-03T10:00:00Z", 90_000, "Many"),
                play("2021-03-01T10:00:00Z", 90_000, "Many"),
            ]), to: dir, "b/Streaming_History_Audio_2021_1.json")
        let store = try backend.make()
        _ = try run(reversed ? [b, a] : [a, b], store)
        let track = try #require(try top(store, .tracks).first)
        #expect(track.album == "Many" && track.streams == 5)
    }

    @Test(arguments: StoreBackend.allCases)
    func anArchiveWithAMillionEntriesIsRefusedQuickly(backend: StoreBackend) throws {
        let store = try backend.make()
        let dir = try F.folder()
        let kept = try F.write(
            try F.json([
                F.extended(ts: "2020-01-01T10:00:00Z", ms: 100_000, track: "Kept", artist: "K", uri: "spotify:track:k")
            ]), to: dir, "Streaming_History_Audio_2020.json")
        _ = try run([kept], store)
        let bomb = dir.appendingPathComponent("export.zip")
        try ManyEntriesZip.write(entries: 1_000_000, to: bomb)
        defer { try? FileManager.default.removeItem(at: bomb) }
        let started = Date()
        #expect(throws: ImportError.tooManyEntries(archive: bomb.path, limit: ImportLimits().maxEntries)) {
            _ = try run([bomb], store)
        }
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(
            ImportError.tooManyEntries(archive: "export.zip", limit: 10_000).description
                == "export.zip has more than 10,000 files; a Spotify export has at most a few hundred: refusing the archive")
        #expect(try top(store, .tracks).map(\.name) == ["Kept"])
    }
}

extension ExportVariantsTests {
    /// A file that starts like a ZIP and has no end record (an upload cut short): ZIPFoundation
    /// would look for the record backwards through all of it, one byte at a time.
    @Test func aZipWithoutAnEndRecordIsRefusedQuickly() throws {
        let dir = try F.folder()
        let cut = dir.appendingPathComponent("export.zip")
        var head = Data([0x50, 0x4B, 0x03, 0x04])
        head.append(Data(count: 64 << 20))
        try head.write(to: cut)
        defer { try? FileManager.default.removeItem(at: cut) }
        let started = Date()
        #expect {
            _ = try HistoryImporter().start(paths: [cut.path])
        } throws: { error in
            guard case ImportError.unreadableZip(let file, let reason) = error else { return false }
            return file == cut.path && reason.contains("no end record")
        }
        #expect(Date().timeIntervalSince(started) < 10)
    }
}

/// A ZIP whose central directory really lists `entries` entries (all named `x`, all pointing at one
/// empty stored file), with a ZIP64 end record so the count can pass 65,535.
enum ManyEntriesZip {
    static func write(entries: Int, to url: URL) throws {
        func le<T: FixedWidthInteger>(_ v: T, _ out: inout [UInt8]) {
            withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
        }
        var local: [UInt8] = []
        le(UInt32(0x0403_4B50), &local)
        le(UInt16(20), &local)
        le(UInt16(0), &local)
        le(UInt16(0), &local)  // version, flags, stored
        le(UInt16(0), &local)
        le(UInt16(0x21), &local)  // time, date (1980-01-01)
        le(UInt32(0), &local)
        le(UInt32(0), &local)
        le(UInt32(0), &local)  // crc, sizes
        le(UInt16(1), &local)
        le(UInt16(0), &local)  // name and extra lengths
        local.append(UInt8(ascii: "x"))
        var central: [UInt8] = []
        le(UInt32(0x0201_4B50), &central)
        le(UInt16(0x031E), &central)
        le(UInt16(20), &central)
        le(UInt16(0), &central)
        le(UInt16(0), &central)
        le(UInt16(0), &central)
        le(UInt16(0x21), &central)
        le(UInt32(0), &central)
        le(UInt32(0), &central)
        le(UInt32(0), &central)
        le(UInt16(1), &central)
        le(UInt16(0), &central)
        le(UInt16(0), &central)  // name, extra, comment
        le(UInt16(0), &central)
        le(UInt16(0), &central)
        le(UInt32(0o100644 << 16), &central)
        le(UInt32(0), &central)  // the local header's offset
        central.append(UInt8(ascii: "x"))
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.write(contentsOf: local)
        let chunk = Data(Array([[UInt8]](repeating: central, count: 10_000).joined()))
        var written = 0
        while written < entries {
            let n = min(10_000, entries - written)
            try handle.write(contentsOf: n == 10_000 ? chunk : chunk.prefix(n * central.count))
            written += n
        }
        let cdOffset = UInt64(local.count)
        let cdSize = UInt64(entries * central.count)
        var end: [UInt8] = []
        le(UInt32(0x0606_4B50), &end)
        le(UInt64(44), &end)
        le(UInt16(45), &end)
        le(UInt16(45), &end)
        le(UInt32(0), &end)
        le(UInt32(0), &end)
        le(UInt64(entries), &end)
        le(UInt64(entries), &end)
        le(cdSize, &end)
        le(cdOffset, &end)
        le(UInt32(0x0706_4B50), &end)
        le(UInt32(0), &end)
        le(cdOffset + cdSize, &end)
        le(UInt32(1), &end)
        le(UInt32(0x0605_4B50), &end)
        le(UInt16(0), &end)
        le(UInt16(0), &end)
        le(UInt16(0xFFFF), &end)
        le(UInt16(0xFFFF), &end)
        le(UInt32(0xFFFF_FFFF), &end)
        le(UInt32(0xFFFF_FFFF), &end)
        le(UInt16(0), &end)
        try handle.write(contentsOf: end)
    }
}
