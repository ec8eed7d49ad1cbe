import Foundation
import SegueImport
import SegueModel
import SegueStore
import SegueTestSupport
import Testing

/// The rules both store backends share, as the pure values in SegueStore state them.
@Suite struct SharedStoreRulesTests {
    // MARK: Account data meets extended history

    let accountOne = PlayBatch.Item(kind: .music, title: "One", creator: "Ann")
    let extendedOne = PlayBatch.Item(kind: .music, title: "One", creator: "Ann", uri: "spotify:track:one")

    @Test func minutesFloorNegativeTimesToo() {
        #expect(SpotifyFormatMeeting.minute(of: 0) == 0)
        #expect(SpotifyFormatMeeting.minute(of: 59) == 0)
        #expect(SpotifyFormatMeeting.minute(of: 60) == 60)
        #expect(SpotifyFormatMeeting.minute(of: -1) == -60)
        #expect(SpotifyFormatMeeting.minute(of: -60) == -60)
        #expect(SpotifyFormatMeeting.minute(of: -61) == -120)
    }

    @Test func anAccountPlayLooksForExtendedPlaysInItsMinuteAndTheOnesBesideIt() {
        var meeting = SpotifyFormatMeeting()
        // No URI track of that name yet: nothing to look for, but account data is now in play.
        #expect(meeting.lookup(for: accountOne, end: 6_000, tracks: [:]) == .nothing)
        #expect(meeting.hasAccountTracks)
        meeting.noteURITrack(7, artist: "Ann", title: "One")
        meeting.noteURITrack(7, artist: "Ann", title: "One")  // noted once per name
        meeting.noteURITrack(9, artist: "Ann", title: "One")
        #expect(meeting.lookup(for: accountOne, end: 6_000, tracks: [:]) == .storedExtendedPlay(tracks: [7, 9], ends: 5_940..<6_120))
        // Another artist with the same title is another track.
        #expect(meeting.lookup(for: PlayBatch.Item(kind: .music, title: "One", creator: "Bob"), end: 6_000, tracks: [:]) == .nothing)
    }

    @Test func anExtendedPlayLooksForTheAccountPlayItReplaces() {
        var meeting = SpotifyFormatMeeting()
        let tracks = [SpotifyFormatMeeting.nameKey(artist: "Ann", title: "One"): Int64(3)]
        // 6,059 s is in the minute starting at 6,000: the account play ended at 5,940, 6,000 or 6,060.
        #expect(meeting.lookup(for: extendedOne, end: 6_059, tracks: tracks) == .storedAccountPlay(track: 3, ends: 5_940..<6_061))
        #expect(meeting.lookup(for: extendedOne, end: 6_059, tracks: [:]) == .nothing)
    }

    @Test func onlySpotifyMusicMeetsAndOnlyOnceAccountDataIsInPlay() {
        var meeting = SpotifyFormatMeeting()
        let spotify = PlaySource.spotify.rawValue
        #expect(meeting.applies(hasURI: false, source: spotify))
        #expect(!meeting.applies(hasURI: true, source: spotify))
        #expect(!meeting.applies(hasURI: false, source: spotify &+ 1))
        meeting.noteAccountTrack()
        #expect(meeting.applies(hasURI: true, source: spotify))
        // A batch may skip the play-by-play path when no item could meet a stored one.
        var fresh = SpotifyFormatMeeting()
        let tracks = ["Ann\u{1F}One": Int64(2)]
        let before = [fresh.mayMeet(extendedOne, tracks: [:]), fresh.mayMeet(accountOne, tracks: [:])]
        #expect(before == [false, false])
        #expect(fresh.hasAccountTracks)
        fresh.noteURITrack(1, artist: "Ann", title: "One")
        let after = [
            fresh.mayMeet(accountOne, tracks: [:]), fresh.mayMeet(extendedOne, tracks: tracks),
            fresh.mayMeet(PlayBatch.Item(kind: .episode, title: "One", creator: "Ann"), tracks: tracks),
        ]
        #expect(after == [true, true, false])
    }

    // MARK: Secrets

    @Test func secretsHaveTheirShapeAndFollowTheGenerator() {
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        let token = StoreSecrets.userToken(using: &a)
        #expect(token == StoreSecrets.userToken(using: &b))
        #expect(token.count == 32 && token.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(token != StoreSecrets.userToken(using: &a))
        let (secret, prefix) = StoreSecrets.ingestSecret(using: &a)
        #expect(secret.hasPrefix("sgi_") && secret.count == 36 && prefix == String(secret.prefix(10)))
        #expect(secret.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) })
        // Leading zero digits are kept: a generator of zeros still gives 32 digits.
        var zeros = Constant(value: 0)
        #expect(StoreSecrets.ingestSecret(using: &zeros).secret == "sgi_" + String(repeating: "0", count: 32))
        #expect(StoreSecrets.userToken(using: &zeros) == String(repeating: "0", count: 32))
    }

    @Test func onlyKnownScopesAreAllowed() {
        #expect(StoreSecrets.scopeProblem("ingest") == nil)
        #expect(StoreSecrets.scopeProblem("admin") == "unknown token scope 'admin' (known: ingest)")
        #expect(StoreSecrets.scopeProblem("") != nil)
    }

    struct Constant: RandomNumberGenerator {
        var value: UInt64
        mutating func next() -> UInt64 { value }
    }

    // MARK: Group commit

    @Test func requestsThatArriveDuringACommitGoInTheNextOne() async throws {
        let gate = Gate()
        let seen = Batches()
        let queue = GroupCommitQueue<Int>(threadName: "test-commit") { requests in
            seen.append(requests)
            if requests == [0] { gate.wait() }
            return requests.map { [Bool](repeating: true, count: $0) }
        }
        defer { queue.close() }
        let first = Task { try await queue.submit(0) }
        while seen.all.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        // The commit thread is inside the first transaction: these wait for the next one.
        let rest = (1...5).map { n in Task { try await queue.submit(n) } }
        while queue.waiting < 5 { try await Task.sleep(for: .milliseconds(5)) }
        gate.open()
        #expect(try await first.value == [])
        for (n, task) in zip(1...5, rest) { #expect(try await task.value.count == n) }
        #expect(seen.all.count == 2)
        #expect(seen.all.last?.sorted() == [1, 2, 3, 4, 5])
    }

    @Test func aFailedCommitFailsEveryRequestInIt() async throws {
        struct Refused: Error {}
        let queue = GroupCommitQueue<Int>(threadName: "test-commit") { _ in throw Refused() }
        defer { queue.close() }
        await #expect(throws: Refused.self) { try await queue.submit(1) }
        // The thread goes on: a closed queue still writes what it is given.
        queue.close()
        await #expect(throws: Refused.self) { try await queue.submit(2) }
    }

    final class Gate: @unchecked Sendable {
        private let condition = NSCondition()
        private var isOpen = false
        func wait() {
            condition.lock()
            while !isOpen { condition.wait() }
            condition.unlock()
        }
        func open() {
            condition.lock()
            isOpen = true
            condition.broadcast()
            condition.unlock()
        }
    }

    final class Batches: @unchecked Sendable {
        private let lock = NSLock()
        private var batches: [[Int]] = []
        var all: [[Int]] { lock.withLock { batches } }
        func append(_ batch: [Int]) { lock.withLock { batches.append(batch) } }
    }

    // MARK: Decoded columns

    @Test func decodedColumnsAreKeptPerProfileAndGeneration() {
        let cache = DecodedColumnsCache()
        var columns = MusicColumns()
        columns.endTimes = [1, 2]
        #expect(cache.columns(profile: 1, generation: 1) == nil)
        cache.keep(columns, profile: 1, generation: 1)
        #expect(cache.columns(profile: 1, generation: 1)?.endTimes == [1, 2])
        #expect(cache.columns(profile: 1, generation: 2) == nil)
        #expect(cache.columns(profile: 2, generation: 1) == nil)
        cache.forget(profile: 1)
        #expect(cache.columns(profile: 1, generation: 1) == nil)
    }

    // MARK: Job retries

    @Test func retriesAndDeadLettersFollowTheAttemptsAllowed() {
        #expect(JobRecord.stateAfterFailedAttempt(attempts: 1, maxAttempts: 1) == .failed)
        #expect(JobRecord.stateAfterFailedAttempt(attempts: 1, maxAttempts: 3) == .queued)
        #expect(JobRecord.stateAfterFailedAttempt(attempts: 3, maxAttempts: 3) == .dead)
        // A worker that died: queued again only after a first attempt.
        #expect(JobRecord.stateAfterAbandon(attempts: 1, maxAttempts: 3) == .queued)
        #expect(JobRecord.stateAfterAbandon(attempts: 2, maxAttempts: 3) == .dead)
        #expect(JobRecord.stateAfterAbandon(attempts: 1, maxAttempts: 1) == .failed)
        var job = JobRecord(id: "j", owner: "o", kind: "k", parameters: "{}", createdMillis: 0, attempts: 2, maxAttempts: 1)
        #expect(!job.isDeadOnClaim)
        job.attempts = 3
        #expect(job.isDeadOnClaim)
    }
}

/// The shared rules applied by each backend agree with their Swift definitions.
@Suite struct SharedStoreRulesContractTests {
    typealias F = Fixtures

    /// An account play and an extended play of the same listen whose end times are `offset`
    /// seconds apart meet exactly when `SpotifyFormatMeeting` says they do, in either import order.
    @Test(arguments: StoreBackend.allCases, [false, true])
    func accountAndExtendedPlaysMeetWhereTheRuleSays(backend: StoreBackend, accountFirst: Bool) throws {
        let store = try backend.make()
        let profile = try store.profile(named: "default")
        let dir = try F.folder()
        let accountEnd: Int64 = 1_715_021_000  // 2024-05-06 18:43:20 UTC: the account file says 18:43
        let accountMinute = SpotifyFormatMeeting.minute(of: accountEnd)
        let offsets: [Int64] = [-61, -60, -1, 0, 59, 60, 119, 120, 121]
        let iso = ISO8601DateFormatter()
        let minuteFormat = DateFormatter()
        minuteFormat.locale = Locale(identifier: "en_US_POSIX")
        minuteFormat.timeZone = .gmt
        minuteFormat.dateFormat = "yyyy-MM-dd HH:mm"
        var extended: [[String: Any]] = []
        var account: [[String: Any]] = []
        var expectedMeetings = 0
        for (i, offset) in offsets.enumerated() {
            let title = "T\(i)"
            let end = accountMinute + offset
            extended.append(
                F.extended(
                    ts: iso.string(from: Date(timeIntervalSince1970: TimeInterval(end))), ms: 100_000, track: title, artist: "Ann",
                    uri: "spotify:track:t\(i)"))
            account.append(
                F.account(
                    end: minuteFormat.string(from: Date(timeIntervalSince1970: TimeInterval(accountMinute))), artist: "Ann", track: title, ms: 100_000
                ))
            // What the rule looks in, from the side that arrives second.
            var meeting = SpotifyFormatMeeting()
            if accountFirst {
                let tracks = [SpotifyFormatMeeting.nameKey(artist: "Ann", title: title): Int64(1)]
                let item = PlayBatch.Item(kind: .music, title: title, creator: "Ann", uri: "spotify:track:t\(i)")
                guard case .storedAccountPlay(_, let ends) = meeting.lookup(for: item, end: end, tracks: tracks) else {
                    Issue.record("no lookup for an extended play")
                    continue
                }
                if ends.contains(accountMinute) { expectedMeetings += 1 }
            } else {
                meeting.noteURITrack(1, artist: "Ann", title: title)
                let item = PlayBatch.Item(kind: .music, title: title, creator: "Ann")
                guard case .storedExtendedPlay(_, let ends) = meeting.lookup(for: item, end: accountMinute, tracks: [:]) else {
                    Issue.record("no lookup for an account play")
                    continue
                }
                if ends.contains(end) { expectedMeetings += 1 }
            }
        }
        // The rule's window: the minute before, the same and the one after.
        #expect(expectedMeetings == 6)
        let extendedFile = try F.write(try F.json(extended), to: dir, "Spotify Extended Streaming History/Streaming_History_Audio_2024.json")
        let accountFile = try F.write(try F.json(account), to: dir, "Spotify Account Data/StreamingHistory_music_0.json")
        let order = accountFirst ? [accountFile, extendedFile] : [extendedFile, accountFile]
        _ = try HistoryImporter().run(paths: [order[0].path], store: store, profile: profile)
        let second = try HistoryImporter().run(paths: [order[1].path], store: store, profile: profile)
        let stats = try store.stats(range: .all, timeZone: .gmt, profile: profile)
        #expect(stats.musicPlays == 2 * offsets.count - expectedMeetings)
        if !accountFirst { #expect(second.total.duplicates == expectedMeetings) }
    }

    /// Failed attempts, dead workers and expired leases move jobs as `JobRecord`'s rule says, on
    /// every backend (PostgreSQL applies the rule in SQL).
    @Test(arguments: StoreBackend.allCases)
    func jobsRetryAndDeadLetterAsTheRuleSays(backend: StoreBackend) throws {
        let store = try backend.makeJobStore()
        var now: Int64 = 1_000
        func tick() -> Int64 {
            now += 100
            return now
        }
        func job(_ id: String, maxAttempts: Int) -> JobRecord {
            JobRecord(id: id, owner: "o", kind: "k", parameters: "{}", createdMillis: now, maxAttempts: maxAttempts)
        }
        for maxAttempts in 1...4 {
            // Failing every attempt.
            try store.enqueue(job("fail-\(maxAttempts)", maxAttempts: maxAttempts))
            var attempts = 0
            while let claimed = try store.claimNextJob(excludingOwners: [], worker: "w", leaseMillis: 50, millis: tick()) {
                attempts += 1
                #expect(claimed.attempts == attempts)
                let state = try store.failAttempt(id: claimed.id, worker: "w", error: "no", retryDelayMillis: 0, millis: tick())
                #expect(state == JobRecord.stateAfterFailedAttempt(attempts: attempts, maxAttempts: maxAttempts))
                if state != .queued { break }
            }
            #expect(attempts == maxAttempts)
            // A worker dying after some failed attempts.
            for failures in 0..<maxAttempts {
                let id = "abandon-\(maxAttempts)-\(failures)"
                try store.enqueue(job(id, maxAttempts: maxAttempts))
                for _ in 0..<failures {
                    let claimed = try #require(try store.claimNextJob(excludingOwners: [], worker: "w", leaseMillis: 50, millis: tick()))
                    _ = try store.failAttempt(id: claimed.id, worker: "w", error: "no", retryDelayMillis: 0, millis: tick())
                }
                let claimed = try #require(try store.claimNextJob(excludingOwners: [], worker: "gone", leaseMillis: 50, millis: tick()))
                #expect(claimed.id == id)
                let after = try store.abandonJobs(of: "gone", error: "crashed", millis: tick())
                #expect(after.map(\.state) == [JobRecord.stateAfterAbandon(attempts: failures + 1, maxAttempts: maxAttempts)])
                if after.first?.state == .queued {
                    // Out of the way of the next case.
                    let again = try #require(try store.claimNextJob(excludingOwners: [], worker: "w", leaseMillis: 50, millis: tick()))
                    #expect(try store.finishJob(id: again.id, worker: "w", state: .succeeded, result: "{}", error: nil, millis: tick()))
                }
            }
            // Leases expiring on every claim.
            let id = "expire-\(maxAttempts)"
            try store.enqueue(job(id, maxAttempts: maxAttempts))
            var claims = 0
            while let claimed = try store.claimNextJob(excludingOwners: [], worker: "w\(claims)", leaseMillis: 50, millis: tick()) {
                #expect(claimed.id == id)
                claims += 1
                now += 1_000  // the lease expires
            }
            let dead = try #require(try store.job(id: id))
            #expect(dead.isDeadOnClaim && claims == dead.claimLimit)
            #expect(dead.state == .dead && dead.error == JobRecord.workerStoppedOnEveryAttempt)
        }
    }
}
