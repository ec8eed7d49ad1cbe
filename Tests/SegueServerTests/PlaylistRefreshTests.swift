import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SegueJobs
import SegueModel
import SeguePlayers
import SegueStore
import SegueStorePostgres
import SegueTestSupport
import Testing

@testable import SegueServer
@testable import SegueStoreSQLite

/// Kept current (issue 22): the daily scheduler's once-a-day rule across nodes, and the refresh
/// job rebuilding a saved playlist after the library changed, pushing it in place and recording
/// the push (or the failure, which the queue retries).
@Suite("Playlists kept current")
struct PlaylistRefreshTests {
    /// Two nodes' stores on one database (two SQLite connections to one file, or two PostgreSQL pools on one schema).
    static func twoNodes(_ backend: String) throws -> [(playlists: any SavedPlaylistStore, jobs: any JobStore)] {
        if backend == "postgres" {
            let url = try TestPostgres.freshSchemaURL()
            return try (0..<2).map { _ in
                let shared = try PostgresBackend(url: url)
                return (PostgresSavedPlaylistStore(backend: shared), PostgresJobStore(backend: shared))
            }
        }
        let path = try Fixtures.folder("refresh-nodes").appendingPathComponent("segue-web.sqlite").path
        return try (0..<2).map { _ in
            let store = try SQLiteWebStore(path: path)
            return (store, store)
        }
    }

    static var backends: [String] { TestPostgres.isEnabled ? ["sqlite", "postgres"] : ["sqlite"] }

    static func recipe(seed: Int64) -> PlaylistRecipe {
        var r = PlaylistRecipe(kind: .radio)
        r.seeds = [seed]
        r.length = 3
        return r
    }

    @Test(
        "each marked playlist is queued once per UTC day, however many nodes tick, and not at all when unmarked or without a target",
        arguments: backends)
    func onceADayAcrossNodes(backend: String) throws {
        let nodes = try Self.twoNodes(backend)
        let store = nodes[0].playlists
        let mine = try store.savePlaylist(
            owner: "me", name: "Daily", mode: "radio", trackIDs: [1, 2, 3], recipe: Self.recipe(seed: 1), pushTarget: "home", refreshDaily: true,
            millis: 0)
        let yours = try store.savePlaylist(
            owner: "you", name: "Yours", mode: "radio", trackIDs: [4], recipe: Self.recipe(seed: 4), pushTarget: "folder:/srv", refreshDaily: true,
            millis: 0)
        _ = try store.savePlaylist(
            owner: "me", name: "Unmarked", mode: "radio", trackIDs: [1], recipe: Self.recipe(seed: 1), pushTarget: "home", refreshDaily: false,
            millis: 0)
        _ = try store.savePlaylist(
            owner: "me", name: "Nowhere", mode: "radio", trackIDs: [1], recipe: Self.recipe(seed: 1), pushTarget: nil, refreshDaily: true, millis: 0)
        // 2026-12-07 23:59:00 UTC, then the clock moves by hand.
        let clock = TestClock()
        let start = CalendarDay(year: 2026, month: 12, day: 7).startTime(in: .gmt) * 1000 + 86_340_000
        clock.advance(seconds: Double(start - clock.now) / 1000)
        let schedulers = nodes.map { PlaylistRefreshScheduler(playlists: $0.playlists, jobs: $0.jobs, now: { clock.now }) }

        // Both nodes tick at the same moment: each playlist is queued once.
        let queued = LockedValue<[JobRecord]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let jobs = (try? schedulers[i].tick()) ?? []
            queued.with { $0 += jobs }
        }
        let first = queued.with { $0 }.sorted { $0.id < $1.id }
        #expect(first.map(\.id) == ["refresh-playlist-\(mine.id)-2026-12-07", "refresh-playlist-\(yours.id)-2026-12-07"])
        #expect(first.map(\.owner) == ["me", "you"] && first.allSatisfy { $0.kind == "refresh-playlist" && $0.maxAttempts == 4 })
        let parameters = try JSONDecoder().decode(RefreshPlaylistParameters.self, from: Data(first[0].parameters.utf8))
        #expect(parameters == RefreshPlaylistParameters(playlist: mine.id, owner: "me", day: "2026-12-07"))
        // Later the same day, on either node: nothing more, even after the job ran.
        clock.advance(seconds: 30)
        #expect(try schedulers[0].tick().isEmpty)
        let claimed = try #require(try nodes[1].jobs.claimNextJob(excludingOwners: [], worker: "w", leaseMillis: 1_000, millis: clock.now))
        #expect(try nodes[1].jobs.finishJob(id: claimed.id, worker: "w", state: .succeeded, result: "{}", error: nil, millis: clock.now))
        #expect(try schedulers[1].tick().isEmpty && schedulers[0].tick().isEmpty)
        // Past midnight UTC: the next day's runs, once.
        clock.advance(seconds: 60)
        let next = try schedulers[1].tick()
        #expect(next.map(\.id).sorted() == ["refresh-playlist-\(mine.id)-2026-12-08", "refresh-playlist-\(yours.id)-2026-12-08"])
        #expect(try schedulers[0].tick().isEmpty)
        // Unmarked: no more runs.
        _ = try store.setRefreshDaily(id: yours.id, owner: "you", false, millis: 0)
        clock.advance(seconds: 86_400)
        #expect(try schedulers[0].tick().map(\.id) == ["refresh-playlist-\(mine.id)-2026-12-09"])
    }

    @Test("the refresh job rebuilds after the library changed and pushes in place; a player that does not answer is recorded and retried")
    func refreshRebuildsPushesAndRecords() async throws {
        let server = try TestServer(singleUserProfile: "me")
        defer { server.cleanUp() }
        let audio = server.folder.appendingPathComponent("audio")
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        let watched = server.folder.appendingPathComponent("watched").path
        try FileManager.default.createDirectory(atPath: watched, withIntermediateDirectories: true)
        let closedPort = try LoopbackPort.free()
        var registry = PlayerRegistry()
        try registry.add(.folder(name: "nas", path: watched, pathMapping: nil))
        try registry.add(.init(name: "down", url: "http://127.0.0.1:\(closedPort)", user: "me", password: "pw"))
        try registry.save(to: PlayerRegistry.path(inDataDirectory: server.folder.path))
        let tones = [(262, "Ann", "One"), (294, "Ben", "Two"), (330, "Cat", "Three"), (349, "Dan", "Four")]
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let me = Browser(client)
                try await me.start()
                func add(_ list: [(Int, String, String)]) async throws {
                    var uploads: [String] = []
                    for (f, artist, title) in list {
                        let (status, upload) = try await me.libraryUpload(
                            try toneFile(audio, "\(title).flac", frequency: f, artist: artist, title: title), name: "\(title).flac")
                        #expect(status == .created)
                        uploads.append(upload["id"] as? String ?? "")
                    }
                    #expect(try await me.analyse(uploads)["state"] as? String == "succeeded")
                }
                try await add(tones)
                let rows = try await me.libraryTracks()
                let idByTitle = Dictionary(
                    uniqueKeysWithValues: rows.compactMap { r in (r["title"] as? String).map { ($0, Int64(r["id"] as? Int ?? 0)) } })
                let seed = try #require(idByTitle["One"])

                // Build a radio, save it with how it was made, send it to the folder player: it has a target now.
                let request = #"{"mode":"radio","seeds":[\#(seed)],"length":3,"artist_spacing":0}"#
                let built =
                    try JSONSerialization.jsonObject(with: Data(buffer: try await me.request("/api/v1/playlists", .post, json: request).body))
                    as? [String: Any] ?? [:]
                let firstOrder = (built["tracks"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? Int).map(Int64.init) }
                #expect(firstOrder.count == 3 && firstOrder.first == seed)
                let saved = try await me.request(
                    "/api/v1/playlists/saved", .post,
                    json: #"{"name":"Daily","mode":"radio","tracks":[\#(firstOrder.map(String.init).joined(separator: ","))],"recipe":\#(request)}"#)
                #expect(saved.status == .created)
                let savedObject = try JSONSerialization.jsonObject(with: Data(buffer: saved.body)) as? [String: Any] ?? [:]
                let id = try #require((savedObject["id"] as? Int).map(Int64.init))
                #expect(savedObject["refreshable"] as? Bool == true && savedObject["target"] == nil)
                // Not before it has a target.
                let early = try await me.request("/api/v1/playlists/saved/\(id)", .patch, json: #"{"refresh_daily":true}"#)
                #expect(early.status == .conflict && String(buffer: early.body).contains("Send “Daily” to a player first"))
                let pushed = try await me.request("/api/v1/playlists/saved/\(id)/push", .post, json: #"{"player":"nas"}"#)
                let pushJob = try #require((try JSONSerialization.jsonObject(with: Data(buffer: pushed.body)) as? [String: Any])?["id"] as? String)
                #expect(try await me.waitForJob(pushJob)["state"] as? String == "succeeded")
                let marked = try await me.request("/api/v1/playlists/saved/\(id)", .patch, json: #"{"refresh_daily":true}"#)
                #expect(marked.status == .ok)
                let listed =
                    (try await me.jsonObject("/api/v1/playlists/saved") as? [[String: Any]] ?? []).first { $0["id"] as? Int == Int(id) } ?? [:]
                #expect(listed["target"] as? String == "nas" && listed["refresh_daily"] as? Bool == true)
                #expect(listed["last_pushed_ms"] as? Int == Int(server.clock.now) && listed["last_missing"] as? [String] == [])

                // An ordered selection has no recipe: it cannot be kept current, even with a target.
                let order = try await me.request("/api/v1/playlists/saved", .post, json: #"{"name":"Picked","mode":"order","tracks":[\#(seed)]}"#)
                let orderID = try #require((try JSONSerialization.jsonObject(with: Data(buffer: order.body)) as? [String: Any])?["id"] as? Int)
                _ = try server.deps.playlists.recordPush(id: Int64(orderID), owner: "me", .sent(target: "nas", missing: []), millis: 1)
                let refused = try await me.request("/api/v1/playlists/saved/\(orderID)", .patch, json: #"{"refresh_daily":true}"#)
                #expect(refused.status == .conflict && String(buffer: refused.body).contains("cannot be rebuilt"))
                #expect(try await me.request("/api/v1/playlists/saved/\(id)", .patch, json: #"{}"#).status == .badRequest)

                // The library changes: a track of the playlist is gone (its analysis failed), two new ones arrive.
                let gone = try #require(firstOrder.last)
                let home = try server.deps.libraries.open(folder: server.folder.path, name: LibraryLocation.home)
                try home.setStatus(id: gone, .failed, error: "the file is no longer readable")
                try await add([(392, "Eve", "Five"), (440, "Fay", "Six")])

                // The next day's tick queues the refresh; the pool runs it.
                server.clock.advance(seconds: 86_400)
                let scheduler = PlaylistRefreshScheduler(playlists: server.deps.playlists, jobs: server.deps.pool.store, now: { server.clock.now })
                let jobs = try scheduler.tick()
                #expect(jobs.count == 1)
                let job = try await Self.waitUntilFinished(jobs[0].id, server.deps.pool.store)
                #expect(job.state == .succeeded, "\(job.error ?? "")")
                let after = try #require(try server.deps.playlists.savedPlaylist(id: id, owner: "me"))
                #expect(after.trackIDs.count == 3 && after.trackIDs.first == seed && !after.trackIDs.contains(gone))
                #expect(after.trackIDs != firstOrder && after.lastPushedMillis == server.clock.now && after.lastError == nil)
                // In place: the same file, now in the new order.
                let m3u = try String(contentsOfFile: watched + "/Daily.m3u8", encoding: .utf8)
                let files = m3u.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { ($0 as NSString).lastPathComponent }
                let titleByID = Dictionary(uniqueKeysWithValues: idByTitle.map { ($0.value, $0.key) })
                let newRows = try await me.libraryTracks()
                let allTitles = Dictionary(
                    uniqueKeysWithValues: newRows.compactMap { r in (r["id"] as? Int).map { (Int64($0), r["title"] as? String ?? "") } })
                #expect(files == after.trackIDs.map { "\(allTitles[$0] ?? titleByID[$0] ?? "?").flac" }, "\(m3u)")
                #expect(try FileManager.default.contentsOfDirectory(atPath: watched) == ["Daily.m3u8"])

                // A player that does not answer: one sentence naming it on the playlist, and the queue retries.
                let downPlaylist = try server.deps.playlists.savePlaylist(
                    owner: "me", name: "Car", mode: "radio", trackIDs: [seed], recipe: Self.recipe(seed: seed), pushTarget: "down",
                    refreshDaily: true,
                    millis: server.clock.now)
                let retry = try scheduler.tick()
                #expect(
                    retry.map(\.id) == [PlaylistRefreshScheduler.jobID(playlist: downPlaylist.id, day: CalendarDay(time: server.clock.now / 1000))])
                let failed = try await Self.waitUntil(retry[0].id, server.deps.pool.store) { $0.attempts >= 1 && $0.state != .running }
                #expect(failed.state == .queued && failed.attempts == 1 && failed.runAfterMillis > server.clock.now, "\(failed)")
                let recorded = try #require(try server.deps.playlists.savedPlaylist(id: downPlaylist.id, owner: "me"))
                let sentence = try #require(recorded.lastError)
                #expect(sentence.hasPrefix("The Subsonic server at http://127.0.0.1:\(closedPort) did not answer"), "\(sentence)")
                #expect(recorded.lastErrorMillis == server.clock.now && recorded.lastPushedMillis == nil && failed.error == sentence)
                let view =
                    (try await me.jsonObject("/api/v1/playlists/saved") as? [[String: Any]] ?? []).first { $0["id"] as? Int == Int(downPlaylist.id) }
                    ?? [:]
                #expect((view["last_error"] as? String)?.contains("http://127.0.0.1:\(closedPort)") == true)
            }
        }
    }

    @Test(
        "careless recipes (from a request, or a row someone edited) are one sentence each: refused when saved, recorded when rebuilt; nothing is pushed"
    )
    func carelessRecipes() async throws {
        let server = try TestServer(singleUserProfile: "me")
        defer { server.cleanUp() }
        let audio = server.folder.appendingPathComponent("audio")
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        let watched = server.folder.appendingPathComponent("watched").path
        try FileManager.default.createDirectory(atPath: watched, withIntermediateDirectories: true)
        var registry = PlayerRegistry()
        try registry.add(.folder(name: "nas", path: watched, pathMapping: nil))
        try registry.save(to: PlayerRegistry.path(inDataDirectory: server.folder.path))
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let me = Browser(client)
                try await me.start()
                var uploads: [String] = []
                for (f, title) in [(262, "One"), (330, "Two")] {
                    let (_, upload) = try await me.libraryUpload(
                        try toneFile(audio, "\(title).flac", frequency: f, artist: "Ann", title: title), name: "\(title).flac")
                    uploads.append(upload["id"] as? String ?? "")
                }
                #expect(try await me.analyse(uploads)["state"] as? String == "succeeded")
                let ids = try await me.libraryTracks().compactMap { ($0["id"] as? Int).map(Int64.init) }.sorted()
                let seed = try #require(ids.first)

                // Saving: the recipe is checked as building checks its request.
                for (recipe, status, words) in [
                    (#"{"mode":"radio","seeds":[999999]}"#, HTTPResponse.Status.notFound, "no analysed track 999999"),
                    (#"{"mode":"path","from":\#(seed),"to":\#(seed)}"#, .badRequest, "recipe.mode must be the playlist's mode (radio)"),
                    (#"{"mode":"radio","seeds":[\#(seed)],"arc":"sideways"}"#, .badRequest, "The energy arc (arc) must be one of"),
                    (#"{"mode":"radio","seeds":[\#(seed)],"length":0}"#, .badRequest, "The playlist length (length) must be 1 to 500 tracks."),
                    (#"{"mode":"radio","seeds":[\#(seed)],"artist_spacing":5000}"#, .badRequest, "artist_spacing must be 0 to 1000"),
                    (#"{"mode":"radio","seeds":[]}"#, .badRequest, "1 to 50 seeds"),
                    (#"{"mode":"radio","seeds":"all"}"#, .badRequest, "seeds"),
                ] {
                    let r = try await me.request(
                        "/api/v1/playlists/saved", .post, json: #"{"name":"X","mode":"radio","tracks":[\#(seed)],"recipe":\#(recipe)}"#)
                    #expect(
                        r.status == status && String(buffer: r.body).lowercased().contains(words.lowercased()),
                        "\(recipe): \(r.status) \(String(buffer: r.body))")
                }
                #expect(try server.deps.playlists.savedPlaylists(owner: "me").isEmpty)
                #expect(try await me.request("/api/v1/playlists/saved/1", .patch, json: #"{"refresh_daily":"yes"}"#).status == .badRequest)

                // Rebuilding: a seed gone, a rule out of range, a recipe that is not one: recorded on each playlist, nothing written.
                var gone = Self.recipe(seed: 999_999)
                gone.length = 1
                var wide = Self.recipe(seed: seed)
                wide.rules.artistSpacing = 5_000
                let store = server.deps.playlists
                let a = try store.savePlaylist(
                    owner: "me", name: "Gone", mode: "radio", trackIDs: [seed], recipe: gone, pushTarget: "nas", refreshDaily: true, millis: 0)
                let b = try store.savePlaylist(
                    owner: "me", name: "Wide", mode: "radio", trackIDs: [seed], recipe: wide, pushTarget: "nas", refreshDaily: true, millis: 0)
                let c = try store.savePlaylist(
                    owner: "me", name: "Edited", mode: "radio", trackIDs: [seed], recipe: Self.recipe(seed: seed), pushTarget: "nas",
                    refreshDaily: true, millis: 0)
                let d = try store.savePlaylist(
                    owner: "me", name: "Elsewhere", mode: "radio", trackIDs: [seed], recipe: Self.recipe(seed: seed), pushTarget: "../etc",
                    refreshDaily: true, millis: 0)
                try SQLiteConnection(path: SQLiteWebStore.databasePath(inDataDirectory: server.folder.path))
                    .execute("UPDATE saved_playlist SET recipe = '{\"version\":1,\"kind\":\"shuffle\"}' WHERE id = \(c.id)")
                let jobs = try PlaylistRefreshScheduler(playlists: store, jobs: server.deps.pool.store, now: { server.clock.now }).tick()
                #expect(jobs.count == 4)
                for job in jobs { _ = try await Self.waitUntil(job.id, server.deps.pool.store) { $0.attempts >= 1 && $0.state != .running } }
                let errors = try [a, b, c, d].map { try #require(try store.savedPlaylist(id: $0.id, owner: "me")?.lastError) }
                #expect(
                    errors[0] == "'Gone' could not be rebuilt: the seed (track 999999) is no longer an analysed track of the library", "\(errors[0])")
                #expect(errors[1] == "'Wide' could not be rebuilt: the artist spacing 5000 is not 0 to 1000", "\(errors[1])")
                #expect(
                    errors[2]
                        == "'Edited' could not be rebuilt: its recipe cannot be used: its field 'kind' has a value this version of Segue does not know",
                    "\(errors[2])")
                #expect(
                    errors[3].hasPrefix("The target '../etc' of 'Elsewhere' cannot be used: The player name '../etc' is not allowed"), "\(errors[3])")
                #expect(try FileManager.default.contentsOfDirectory(atPath: watched).isEmpty)
                #expect(try store.savedPlaylist(id: a.id, owner: "me")?.trackIDs == [seed])
            }
        }
    }

    @Test("renaming a playlist that was sent keeps its player's playlist: the push record follows the new name")
    func renameKeepsThePlayersPlaylist() async throws {
        let server = try TestServer(singleUserProfile: "me")
        defer { server.cleanUp() }
        let path = PlayerRegistry.path(inDataDirectory: server.folder.path)
        var registry = PlayerRegistry()
        try registry.add(.init(name: "home", url: "http://127.0.0.1:9", user: "me", password: "pw", pushed: ["Daily": "42", "Other": "7"]))
        try registry.save(to: path)
        let saved = try server.deps.playlists.savePlaylist(
            owner: "me", name: "Daily", mode: "radio", trackIDs: [1], recipe: Self.recipe(seed: 1), pushTarget: "home", refreshDaily: true, millis: 0)
        try await server.app.test(.router) { client in
            let me = Browser(client)
            try await me.start()
            let r = try await me.request("/api/v1/playlists/saved/\(saved.id)", .patch, json: #"{"name":"Morning"}"#)
            #expect(r.status == .ok)
        }
        let player = try PlayerRegistry.load(from: path).player("home")
        #expect(player.pushed == ["Morning": "42", "Other": "7"])
        #expect(try server.deps.playlists.savedPlaylist(id: saved.id, owner: "me")?.name == "Morning")
    }

    static func waitUntilFinished(_ id: String, _ store: any JobStore) async throws -> JobRecord {
        try await waitUntil(id, store) { $0.state.isFinal }
    }

    static func waitUntil(_ id: String, _ store: any JobStore, _ done: (JobRecord) -> Bool) async throws -> JobRecord {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let job = try store.job(id: id), done(job) { return job }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("job \(id) did not get there within 120 s: \(String(describing: try store.job(id: id)))")
    }
}

/// A value several threads change under a lock.
final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func with<R>(_ body: (inout Value) -> R) -> R { lock.withLock { body(&value) } }
}
