import Foundation
import SegueKafka
import SegueLive
import SegueStore
import SegueStoreSQLite
import SegueTestSupport
import Testing

/// What the source handed to the live windows.
actor LiveSink {
    var events: [LiveEvent] = []
    func add(_ batch: [LiveEvent]) { events += batch }
}

/// Waits up to `seconds` for `condition`.
func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

/// A store whose first `appendEvents` waits until the task is cancelled, while later ones go through:
/// the first batch read is still being stored when the batches after it are stored.
final class FirstStoreHeld: EventStore, @unchecked Sendable {
    let inner: any EventStore
    private let lock = NSLock()
    private var calls = 0
    init(_ inner: any EventStore) { self.inner = inner }

    var appendCalls: Int { lock.withLock { calls } }

    func appendEvents(_ events: [StoredEvent]) async throws -> [Bool] {
        let call = lock.withLock {
            calls += 1
            return calls
        }
        if call == 1 {
            while true { try await Task.sleep(for: .milliseconds(20)) }  // throws when cancelled
        }
        return try await inner.appendEvents(events)
    }
    func createIngestToken(name: String?, scope: String) throws -> (token: IngestToken, secret: String) {
        try inner.createIngestToken(name: name, scope: scope)
    }
    func ingestToken(secret: String) throws -> IngestToken? { try inner.ingestToken(secret: secret) }
    func ingestTokens() throws -> [IngestToken] { try inner.ingestTokens() }
    func eventCount() throws -> Int { try inner.eventCount() }
    func forEachRecentPlay(since: Int64, _ body: (RecentPlay) throws -> Void) throws { try inner.forEachRecentPlay(since: since, body) }
}

/// A bulk event as a platform writes it.
func eventJSON(_ i: Int, id: Bool = true, ts: Int64) -> String {
    id
        ? #"{"event_id":"e\#(i)","user_id":"u\#(i % 13)","track":"Song \#(i % 40)","artist":"Band \#(i % 7)","ts":\#(ts)}"#
        : #"{"user_id":"u\#(i % 13)","track":"Song \#(i % 40)","artist":"Band \#(i % 7)","ts":\#(ts + Int64(i))}"#
}

@Suite(
    "Kafka source: bulk events from a topic, stored once (real tansu broker, SQLite store)", .serialized,
    .enabled(if: TansuBroker.executable != nil, Comment(rawValue: TansuBroker.missing)))
struct KafkaEventSourceTests {
    init() throws {
        try KafkaLibrary.load(candidates: [TansuBroker.library])
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test(
        "Python-produced events (single, NDJSON batches, repeats) are stored and shown once; a malformed message is skipped, counted and dead-lettered"
    )
    func storesOnceAndSkipsMalformed() async throws {
        let broker = try TansuBroker()
        try broker.createTopic("plays", partitions: 4)
        try broker.createTopic("plays-bad", partitions: 1)
        let ts = Self.now() / 1000 - 30
        var messages = (0..<300).map { eventJSON($0, id: $0 % 3 != 0, ts: ts) }
        // Two NDJSON batches of five, one repeating events already sent (duplicates by event_id).
        messages.append((300..<305).map { eventJSON($0, ts: ts) }.joined(separator: "\n"))
        messages.append((1..<3).map { eventJSON($0, ts: ts) }.joined(separator: "\n"))
        // Malformed: not JSON, a missing track, a time far in the future, an empty message.
        let bad = [#"{"user_id": "u1", "#, #"{"user_id":"u1","ts":1700000000}"#, #"{"user_id":"u1","track":"x","ts":9999999999}"#, ""]
        messages += bad
        try broker.produceWithPython(topic: "plays", messages: messages)

        let dir = try Fixtures.folder()
        let store = try SQLiteListenStore(path: dir.appendingPathComponent("listens.sqlite").path)
        let sink = LiveSink()
        let options = KafkaSourceOptions(brokers: broker.address, topic: "plays", settings: testSettings, deadLetterTopic: "plays-bad")
        let source = try KafkaEventSource(options: options, events: store, now: { Self.now() }) { await sink.add($0) }
        let task = Task { await source.run() }
        defer { task.cancel() }

        #expect(await eventually(60) { source.statistics.messages >= messages.count }, "read \(source.statistics)")
        let stats = source.statistics
        #expect(stats.messages == messages.count)
        #expect(stats.malformed == bad.count)
        #expect(stats.stored == 305)
        #expect(stats.duplicates == 2)
        // Where the time went: every message carried the time it was produced, every batch was timed.
        #expect(stats.batches >= 1 && stats.batches <= stats.messages, "\(stats)")
        #expect(stats.timedMessages == messages.count, "\(stats)")
        #expect(stats.readAgeSeconds > 0 && stats.readAgeSeconds < Double(messages.count) * 120, "\(stats)")
        #expect(stats.storeSeconds > 0 && stats.commitSeconds > 0, "\(stats)")
        #expect(try store.eventCount() == 305)
        let live = await sink.events
        #expect(live.count == 305)
        #expect(Set(live.map { "\($0.user)|\($0.track)|\($0.timeMilliseconds)" }).count == 305)

        // The dead-letter topic holds the malformed messages as they came.
        let letters = try KafkaConsumer(brokers: broker.address, topic: "plays-bad", group: "check", settings: testSettings)
        let copies = drain(letters, count: bad.count)
        #expect(Set(copies.map { String(decoding: $0.payload, as: UTF8.self) }) == Set(bad))
        letters.close()

        task.cancel()
        await task.value
    }

    @Test("stores overlap, but a batch still being stored holds back the live hand-over and the offsets of every batch read after it")
    func overlappingStoresCommitInOrder() async throws {
        let broker = try TansuBroker()
        try broker.createTopic("plays", partitions: 1)  // one partition: each batch's offsets follow the one before
        let ts = Self.now() / 1000 - 30
        try broker.produceWithPython(topic: "plays", messages: (0..<100).map { eventJSON($0, ts: ts) })
        let dir = try Fixtures.folder()
        let store = try SQLiteListenStore(path: dir.appendingPathComponent("listens.sqlite").path)
        var options = KafkaSourceOptions(brokers: broker.address, topic: "plays", settings: testSettings)
        options.maxBatch = 10

        let held = FirstStoreHeld(store)
        let sink = LiveSink()
        let first = try KafkaEventSource(options: options, events: held, now: { Self.now() }) { await sink.add($0) }
        let task = Task { await first.run() }
        // The first batch is held; the next ones are read and stored meanwhile (the pipeline's depth).
        #expect(await eventually(60) { held.appendCalls >= KafkaEventSource.storesInFlight })
        let storedMeanwhile = try store.eventCount()
        #expect(storedMeanwhile == 10 * (KafkaEventSource.storesInFlight - 1), "\(storedMeanwhile)")
        try await Task.sleep(for: .milliseconds(300))
        #expect(await sink.events.isEmpty, "nothing goes live before the batch read before it is stored")
        #expect(first.statistics.batches == 0)
        task.cancel()  // like a crash while the first batch's transaction hangs
        await task.value

        // Nothing was committed past the unstored batch: the next member of the group reads all 100 again.
        let second = try KafkaEventSource(options: options, events: store, now: { Self.now() }) { await sink.add($0) }
        let again = Task { await second.run() }
        defer { again.cancel() }
        #expect(try await eventually(60) { try store.eventCount() == 100 }, "stored \((try? store.eventCount()) ?? -1), \(second.statistics)")
        #expect(await eventually(30) { second.statistics.messages == 100 }, "\(second.statistics)")
        #expect(second.statistics.duplicates == storedMeanwhile)
        #expect(await sink.events.count == 100 - storedMeanwhile)
        again.cancel()
        await again.value
    }

    @Test("a broker stopped and started again with a fresh topic does not wedge the consumer")
    func brokerRestart() async throws {
        let broker = try TansuBroker()
        try broker.createTopic("plays", partitions: 4)
        let ts = Self.now() / 1000 - 30
        try broker.produceWithPython(topic: "plays", messages: (0..<100).map { eventJSON($0, ts: ts) })
        let dir = try Fixtures.folder()
        let store = try SQLiteListenStore(path: dir.appendingPathComponent("listens.sqlite").path)
        let source = try KafkaEventSource(
            options: KafkaSourceOptions(brokers: broker.address, topic: "plays", settings: testSettings), events: store, now: { Self.now() })
        let task = Task { await source.run() }
        defer { task.cancel() }
        #expect(try await eventually(60) { try store.eventCount() == 100 })

        // tansu forgets everything: topic, offsets, the group.
        try broker.restart()
        try broker.createTopic("plays", partitions: 4)
        try broker.produceWithPython(topic: "plays", messages: (100..<150).map { eventJSON($0, ts: ts) })
        #expect(try await eventually(90) { try store.eventCount() == 150 }, "stored \((try? store.eventCount()) ?? -1), \(source.statistics)")
        task.cancel()
        await task.value
    }
}
