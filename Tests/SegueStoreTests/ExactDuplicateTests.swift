import Foundation
import SegueImport
import SegueModel
import SegueStore
import SegueTestSupport
import Testing

/// The exact-duplicate rule on exports long enough for the stores' bulk paths: files out of time
/// order, duplicates inside a file, across files and across imports, plays in the same second, and
/// a failed import after a long good file. The expected counts and charts come from a plain `Set`.
@Suite struct ExactDuplicateTests {
    typealias F = Fixtures

    /// One generated listen: what the duplicate rule compares (end time, item, milliseconds).
    struct Listen: Hashable {
        var end: Int
        var uri: String
        var ms: Int
        var isEpisode: Bool
    }

    static let start = 1_600_000_000

    /// Listen `i` ends 97 s after listen `i - 1`, except every tenth, which ends in the same second
    /// as the one before it; every thirteenth is a podcast episode.
    static func listen(_ i: Int) -> Listen {
        var x = UInt64(i) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        x = x &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 32
        let end = start + i * 97 - (i % 10 == 3 ? 97 : 0)
        if i % 13 == 0 { return Listen(end: end, uri: "spotify:episode:e\(x % 5)", ms: Int(x % 2_000_000), isEpisode: true) }
        return Listen(end: end, uri: "spotify:track:t\(x % 40)", ms: Int((x >> 8) % 300_000), isEpisode: false)
    }

    static func record(_ l: Listen) -> [String: Any] {
        let ts = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(l.end)))
        if l.isEpisode {
            return F.extended(ts: ts, ms: l.ms, track: nil, artist: nil, album: nil, uri: nil, episode: "Episode", show: "Show", episodeURI: l.uri)
        }
        let n = Int(l.uri.dropFirst("spotify:track:t".count))!
        return F.extended(ts: ts, ms: l.ms, track: "Track \(n)", artist: "Artist \(n % 7)", album: "Album \(n % 11)", uri: l.uri)
    }

    static func file(_ listens: [Listen], _ dir: URL, _ name: String) throws -> URL {
        try F.write(try F.json(listens.map(record)), to: dir, name)
    }

    /// The track chart the distinct music listens must give: name → (streams, milliseconds).
    static func expectedTracks(_ listens: Set<Listen>) -> [String: (Int, Int64)] {
        var result: [String: (Int, Int64)] = [:]
        for l in listens where !l.isEpisode {
            let name = "Track \(l.uri.dropFirst("spotify:track:t".count))"
            let old = result[name] ?? (0, 0)
            result[name] = (old.0 + (l.ms >= 30_000 ? 1 : 0), old.1 + Int64(l.ms))
        }
        return result
    }

    func tracks(_ store: any PlayStore) throws -> [String: (Int, Int64)] {
        let entries = try store.top(ChartQuery(kind: .tracks, metric: .streams, limit: 1_000), profile: try store.profile(named: "default"))
        return Dictionary(uniqueKeysWithValues: entries.map { ($0.name, ($0.streams, $0.milliseconds)) })
    }

    func expectSame(_ a: [String: (Int, Int64)], _ b: [String: (Int, Int64)]) {
        #expect(a.count == b.count)
        for (name, value) in a {
            #expect(b[name]?.0 == value.0 && b[name]?.1 == value.1, "\(name)")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func duplicatesAreFoundInLongExportsOutOfTimeOrder(backend: StoreBackend) throws {
        let store = try backend.make()
        let profile = try store.profile(named: "default")
        let dir = try F.folder()
        let all = (0..<1_700).map(Self.listen)
        #expect(Set(all).count == all.count)  // the generator gives distinct listens

        // First import: A (the middle years, one play listed twice), B (older, imported after A,
        // with 30 of A's plays), C (newer, with 10 of A's plays among its own).
        var a = Array(all[500..<1_100])
        a.insert(all[600], at: 101)
        let b = Array(all[0..<500]) + Array(all[700..<730])
        var c: [Listen] = []
        for (k, l) in all[1_100..<1_500].enumerated() {
            c.append(l)
            if k % 40 == 0 { c.append(all[1_000 + k / 4]) }
        }
        let files = [
            try Self.file(a, dir, "Streaming_History_Audio_2021_1.json"), try Self.file(b, dir, "Streaming_History_Audio_2020_0.json"),
            try Self.file(c, dir, "Streaming_History_Audio_2022_2.json"),
        ]
        let first = try HistoryImporter().run(paths: files.map(\.path), store: store, profile: profile)
        var stored = Set(all[0..<1_500])
        #expect(first.total.records == a.count + b.count + c.count)
        #expect(first.total.duplicates == 1 + 30 + 10)
        #expect(first.total.musicPlays == stored.filter { !$0.isEpisode }.count)
        #expect(first.total.episodes == stored.filter(\.isEpisode).count)
        #expect(first.files.map(\.counts.duplicates) == [1, 30, 10])
        expectSame(try tracks(store), Self.expectedTracks(stored))

        // Second import: 100 stored plays, 200 later ones, and 20 new ones between stored plays.
        let between = (200..<220).map { i in Listen(end: Self.start + i * 97 + 50, uri: "spotify:track:t\(i % 40)", ms: 45_000, isEpisode: false) }
        let d = Array(all[1_400..<1_700]) + between
        let second = try HistoryImporter().run(
            paths: [try Self.file(d, dir, "Streaming_History_Audio_2023_3.json").path], store: store, profile: profile)
        #expect(second.total.duplicates == 100)
        stored.formUnion(all[1_500..<1_700])
        stored.formUnion(between)
        #expect(second.total.musicPlays + second.total.episodes == 220)
        expectSame(try tracks(store), Self.expectedTracks(stored))

        // Third import: 300 new plays, then a file that is not JSON: nothing of it is stored.
        let later = (1_700..<2_000).map(Self.listen)
        let good = try Self.file(later, dir, "Streaming_History_Audio_2024_4.json")
        let bad = try F.write(Data("[{\"ts\": \"2024-01-01T00:00:00Z\", \"ms_played\": ".utf8), to: dir, "Streaming_History_Audio_2024_5.json")
        #expect(throws: ImportError.self) {
            _ = try HistoryImporter().run(paths: [good.path, bad.path], store: store, profile: profile)
        }
        expectSame(try tracks(store), Self.expectedTracks(stored))
        // And the same plays import once the bad file is left out.
        let third = try HistoryImporter().run(paths: [good.path], store: store, profile: profile)
        #expect(third.total.duplicates == 0 && third.total.musicPlays + third.total.episodes == 300)
        stored.formUnion(later)
        expectSame(try tracks(store), Self.expectedTracks(stored))
    }
}
