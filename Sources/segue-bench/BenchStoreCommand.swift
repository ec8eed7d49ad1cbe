import ArgumentParser
import Foundation
import PostgresNIO
import SegueBenchSupport
import SegueModel
import SeguePlaylists
import SegueStore
import SegueStorePostgres
import SegueStoreSQLite

/// `segue-bench store`: import and top-N latency over a large synthetic profile, on SQLite and on
/// PostgreSQL side by side (the same plays, the same queries).
struct BenchStoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Import and top-N latency over many plays: SQLite beside PostgreSQL.")

    @Option(help: "Music plays in the profile.")
    var plays: Int = 1_000_000

    @Option(help: "Repetitions of each query (the median is reported).")
    var runs: Int = 21

    @Option(help: "PostgreSQL database (left out: SQLite only).")
    var database: String?

    @Option(help: "Embeddings for the pgvector top-10 benchmark (0: skip it).")
    var vectors: Int = 100_000

    func run() throws {
        print("Generating \(plays) plays (20,000 tracks by 2,000 artists over five years)…")
        let batches = Self.syntheticBatches(plays: plays, seed: 42)
        var stores: [(String, any PlayStore)] = []
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("segue-bench-store-\(getpid())")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        stores.append(("SQLite", try SQLitePlayStore(path: (dir as NSString).appendingPathComponent("segue.sqlite"))))
        if let database {
            let store = try PostgresPlayStore(url: database)
            try store.deleteProfile(named: "bench-store")
            stores.append(("PostgreSQL", store))
        }
        var load = [0.0, 0.0, 0.0]
        _ = getloadavg(&load, 3)
        print(String(format: "load average %.2f", load[0]))
        let lastYear = TimeRange(from: CalendarDay(year: 2024, month: 1, day: 1), to: CalendarDay(year: 2024, month: 12, day: 31))
        let queries: [(String, ChartQuery)] = [
            ("top 10 artists, all time, streams", ChartQuery(kind: .artists, metric: .streams, range: .all, limit: 10)),
            ("top 50 tracks, 2024, minutes", ChartQuery(kind: .tracks, metric: .minutes, range: lastYear, limit: 50)),
            ("top 10 albums, all time, streams", ChartQuery(kind: .albums, metric: .streams, range: .all, limit: 10)),
        ]
        for (name, store) in stores {
            let profile = try store.profile(named: "bench-store")
            let started = Date()
            let stored = try store.importPlays(into: profile) { sink in
                try batches.reduce(0) { total, batch in total + (try sink.add(batch).filter { $0 }.count) }
            }
            let importSeconds = Date().timeIntervalSince(started)
            print(String(format: "%@: imported %d plays in %.2f s (%.0f plays/s)", name, stored, importSeconds, Double(stored) / importSeconds))
            for (label, query) in queries {
                let coldStart = Date()
                let entries = try store.top(query, profile: profile)
                let cold = Date().timeIntervalSince(coldStart) * 1000
                var times: [Double] = []
                for _ in 0..<max(1, runs) {
                    let t = Date()
                    _ = try store.top(query, profile: profile)
                    times.append(Date().timeIntervalSince(t) * 1000)
                }
                times.sort()
                print(
                    String(
                        format: "%@: %@: median %.2f ms, max %.2f ms, first query %.1f ms (%d entries)", name, label,
                        times[times.count / 2], times.last!, cold, entries.count))
            }
            if let postgres = store as? PostgresPlayStore {
                try roundTrips(postgres)
                if vectors > 0 { try similarity(postgres.backend) }
            }
            try store.deleteProfile(named: "bench-store")
        }
    }

    /// What the synchronous bridge costs: one indexed SELECT through the store (lease handed to the
    /// calling thread, query waited for) against the same SELECT from async code on the client.
    func roundTrips(_ store: PostgresPlayStore) throws {
        let n = 2_000
        let started = Date()
        for _ in 0..<n { _ = try store.existingProfile(named: "bench-store") }
        let blocking = Date().timeIntervalSince(started) / Double(n) * 1e6
        let client = store.backend.client
        let done = DispatchSemaphore(value: 0)
        let result = AsyncResult()
        Task {
            do {
                let t = Date()
                for _ in 0..<n {
                    for try await _ in try await client.query("SELECT id FROM profile WHERE name = \("bench-store")") {}
                }
                result.set(.success(Date().timeIntervalSince(t) / Double(n) * 1e6))
            } catch {
                result.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        let direct = try result.get()
        print(
            String(
                format: "PostgreSQL round trip (one indexed SELECT): %.0f µs through the blocking store, %.0f µs from async code", blocking, direct))
    }

    /// pgvector's HNSW top 10 against the exact in-memory scan over the same clustered vectors:
    /// recall@10 and time per query.
    func similarity(_ backend: PostgresBackend) throws {
        let dimensions = 36
        var rng = SplitMix64(seed: 3)
        func uniform() -> Float { Float(Double(rng.next() >> 11) / Double(1 << 53)) * 2 - 1 }
        let centres = (0..<200).map { _ in (0..<dimensions).map { _ in uniform() } }
        func point() -> [Float] { centres[Int(rng.next() % 200)].map { $0 + 0.35 * uniform() } }
        let items = (0..<vectors).map { (id: Int64($0 + 1), vector: point()) }
        let name = "bench_\(getpid())"
        let index = try PgvectorIndex(backend: backend, name: name, dimensions: dimensions)
        let started = Date()
        try index.add(items)
        print(
            String(
                format: "pgvector: %d vectors of %d dimensions added (HNSW built as they go) in %.1f s", vectors, dimensions,
                Date().timeIntervalSince(started)))
        var exact = ExactSimilarityIndex(dimensions: dimensions)
        for item in items { exact.add(id: item.id, vector: item.vector) }
        let queries = (0..<200).map { _ in point() }
        for width in [40, 100, 200] {
            index.searchWidth = width
            var found = 0
            var times: [Double] = []
            var exactTimes: [Double] = []
            for q in queries {
                let t0 = Date()
                let truth = exact.nearest(to: q, k: 10, excluding: [])
                exactTimes.append(Date().timeIntervalSince(t0) * 1000)
                let t1 = Date()
                let hits = try index.nearest(to: q, k: 10, excluding: [])
                times.append(Date().timeIntervalSince(t1) * 1000)
                found += Set(truth.map(\.id)).intersection(hits.map(\.id)).count
            }
            times.sort()
            exactTimes.sort()
            print(
                String(
                    format:
                        "pgvector top 10 over %d (ef_search %d): recall@10 %.3f, median %.2f ms, p99 %.2f ms; exact scan in memory median %.2f ms",
                    vectors, width, Double(found) / Double(queries.count * 10), times[times.count / 2], times[times.count * 99 / 100],
                    exactTimes[exactTimes.count / 2]))
        }
        try backend.dropIndexTable(name: name)
    }

    final class AsyncResult: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Result<Double, any Error> = .success(0)
        func set(_ v: Result<Double, any Error>) { lock.withLock { value = v } }
        func get() throws -> Double { try lock.withLock { value }.get() }
    }

    /// Plays over 2020-2024 with a skewed choice of tracks (a few are played far more), in batches
    /// as the importer hands them over.
    static func syntheticBatches(plays: Int, seed: UInt64) -> [PlayBatch] {
        var rng = SplitMix64(seed: seed)
        let start = CalendarDay(year: 2020, month: 1, day: 1).startTime(in: .gmt)
        let span: Int64 = 5 * 365 * 86_400
        var batches: [PlayBatch] = []
        var batch = PlayBatch()
        var itemIndex: [Int: Int32] = [:]
        for i in 0..<plays {
            let u = Double(rng.next() >> 11) / Double(1 << 53)
            let track = Int(pow(u, 3) * 20_000)
            let item: Int32
            if let known = itemIndex[track] {
                item = known
            } else {
                item = batch.addItem(
                    PlayBatch.Item(
                        kind: .music, title: "Track \(track)", creator: "Artist \(track % 2_000)", album: "Album \(track / 10)",
                        uri: "spotify:track:bench\(track)"))
                itemIndex[track] = item
            }
            batch.append(
                item: item, endTime: start + Int64(rng.next() % UInt64(span)), milliseconds: Int32(20_000 + rng.next() % 200_000),
                reasonStart: PlayBatch.noWord, reasonEnd: PlayBatch.noWord, platform: PlayBatch.noWord, country: PlayBatch.noWord,
                flags: 0, offlineTimestamp: PlayBatch.noTimestamp)
            if batch.count == 50_000 || i == plays - 1 {
                batches.append(batch)
                batch = PlayBatch()
                itemIndex = [:]
            }
        }
        return batches
    }
}
