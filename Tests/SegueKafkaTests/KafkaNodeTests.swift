import Foundation
import SegueKafka
import SegueStore
import SegueStorePostgres
import SegueStoreSQLite
import SegueTestSupport
import Testing

/// A `segue serve` process of the built executable, reading a Kafka topic.
final class SegueNode {
    static let executable: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("segue").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return root.appendingPathComponent(".build/debug/segue").path
    }()

    let process = Process()
    let port: Int
    let log: URL

    /// Starts `segue serve` with a consumer of `topic` on `broker` (tansu needs a short session timeout).
    init(broker: TansuBroker, topic: String, data: String, database: String? = nil, log: URL) throws {
        port = try LoopbackPort.free()
        self.log = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments =
            [
                "serve", "--port", String(port), "--data", data, "--in-process-workers", "--workers", "1", "--log-level", "info",
                "--kafka-brokers", broker.address, "--kafka-topic", topic,
                "--kafka-config", "session.timeout.ms=6000", "--kafka-config", "heartbeat.interval.ms=500",
            ] + (database.map { ["--database", $0] } ?? [])
        var environment = ProcessInfo.processInfo.environment
        environment["SEGUE_RDKAFKA_LIBRARY"] = TansuBroker.library
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    deinit {
        stop()
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// GET `path`; nil when the node does not answer.
    func get(_ path: String) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-s", "-f", "--max-time", "5", "http://127.0.0.1:\(port)\(path)"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    /// Streams in the live window of ten minutes (`/api/v1/live`).
    func liveStreams() -> Int? {
        guard let text = get("/api/v1/live?window=10m"),
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { return nil }
        return object["streams"] as? Int
    }

    /// A counter or gauge of `/metrics` summed over its labels.
    func metric(_ name: String) -> Double? {
        guard let text = get("/metrics") else { return nil }
        let values = text.split(separator: "\n").filter { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        return values.isEmpty ? nil : values.reduce(0, +)
    }

    func tail() -> String {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(15).joined(separator: "\n")
    }
}

/// Waits up to `seconds` for `condition` (a blocking check).
func waitFor(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return try condition()
}

/// `count` distinct bulk events, a third without event_id (keyed by user, track and time), all
/// inside the last ten minutes.
func platformEvents(_ range: Range<Int>) -> [String] {
    let base = Int64(Date().timeIntervalSince1970 * 1000) - 120_000
    return range.map { i in
        i % 3 == 0
            ? #"{"user_id":"u\#(i % 97)","track":"Song \#(i % 50)","artist":"Band \#(i % 9)","ts":\#(base + Int64(i))}"#
            : #"{"event_id":"e\#(i)","user_id":"u\#(i % 97)","track":"Song \#(i % 50)","artist":"Band \#(i % 9)","ts":\#(base)}"#
    }
}

@Suite(
    "segue serve consuming Kafka: SIGKILL mid-stream, two nodes (real tansu broker)", .serialized,
    .enabled(if: TansuBroker.executable != nil, Comment(rawValue: TansuBroker.missing)))
struct KafkaNodeTests {
    @Test("a segue serve killed with SIGKILL mid-stream and started again ends with every event stored and counted once")
    func killNineMidStream() throws {
        let broker = try TansuBroker()
        try broker.createTopic("plays", partitions: 4)
        let first = platformEvents(0..<40_000)
        try broker.produceWithPython(topic: "plays", messages: first)
        let dir = try Fixtures.folder()
        let data = dir.appendingPathComponent("data").path
        let node = try SegueNode(broker: broker, topic: "plays", data: data, log: dir.appendingPathComponent("serve-1.log"))
        // The server makes the store's file; the consumer needs a few seconds more to join the group.
        #expect(waitFor(60) { node.liveStreams() != nil }, "serve did not start: \(node.tail())")
        let store = try SQLiteListenStore(path: SQLiteListenStore.databasePath(inDataDirectory: data))
        // Killed as soon as the first batch is stored: the rest of the topic is still to read, and the
        // offsets of what was stored may or may not be committed.
        #expect(try waitFor(90) { try store.eventCount() > 0 }, "nothing stored: \(node.tail())")
        node.kill9()
        let storedBeforeKill = try store.eventCount()
        #expect(storedBeforeKill < first.count, "the whole topic was read before the kill: the test needs more events")

        // More traffic while no one consumes.
        let second = platformEvents(40_000..<45_000)
        try broker.produceWithPython(topic: "plays", messages: second)
        let total = first.count + second.count
        let again = try SegueNode(broker: broker, topic: "plays", data: data, log: dir.appendingPathComponent("serve-2.log"))
        defer { again.stop() }
        #expect(try waitFor(120) { try store.eventCount() == total }, "stored \((try? store.eventCount()) ?? -1) of \(total): \(again.tail())")
        #expect(waitFor(30) { again.liveStreams() == total }, "live shows \(again.liveStreams() ?? -1) of \(total)")
        // Nothing more arrives later (no second copy of anything).
        Thread.sleep(forTimeInterval: 2)
        #expect(try store.eventCount() == total)
        #expect(again.liveStreams() == total)
        let read = again.metric("segue_kafka_messages_total") ?? 0
        let duplicates = again.metric("segue_kafka_duplicates_total") ?? 0
        let stored = again.metric("segue_kafka_events_stored_total") ?? 0
        #expect(stored == Double(total - storedBeforeKill))
        #expect(read == stored + duplicates)
        print("kill -9: \(storedBeforeKill) stored before the kill; after the restart \(Int(read)) messages read, \(Int(duplicates)) duplicates")
    }

    @Test("segue simulate --via kafka produces a platform's traffic that a consuming serve shows; the Live page names the topic; /metrics counts")
    func simulateViaKafka() throws {
        let broker = try TansuBroker()
        try broker.createTopic("plays", partitions: 4)
        let dir = try Fixtures.folder()
        let node = try SegueNode(
            broker: broker, topic: "plays", data: dir.appendingPathComponent("data").path, log: dir.appendingPathComponent("serve.log"))
        defer { node.stop() }
        #expect(waitFor(60) { node.liveStreams() != nil }, "serve did not start: \(node.tail())")

        let simulate = Process()
        simulate.executableURL = URL(fileURLWithPath: SegueNode.executable)
        simulate.arguments = [
            "simulate", "--via", "kafka", "--kafka-brokers", broker.address, "--kafka-topic", "plays", "--rate", "800", "--duration", "3s",
            "--users", "50", "--tracks", "30", "--format", "json",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["SEGUE_RDKAFKA_LIBRARY"] = TansuBroker.library
        simulate.environment = environment
        let out = Pipe()
        simulate.standardOutput = out
        try simulate.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        simulate.waitUntilExit()
        #expect(simulate.terminationStatus == 0, "simulate: \(text)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let accepted = try #require(report["accepted"] as? Int)
        #expect(accepted > 1_000 && report["failed"] as? Int == 0, "\(report)")
        #expect(waitFor(60) { node.liveStreams() == accepted }, "live shows \(node.liveStreams() ?? -1) of \(accepted)")
        #expect(node.metric("segue_kafka_messages_total") == Double(accepted))
        #expect(node.metric("segue_kafka_events_stored_total") == Double(accepted))
        // Where a batch's time goes (what `segue-bench live --source kafka` reads): the simulator's messages
        // are at most a few seconds old when read, and the stages took some time.
        let batches = try #require(node.metric("segue_kafka_batches_total"))
        #expect(batches >= 1 && batches <= Double(accepted))
        let readAge = try #require(node.metric("segue_kafka_read_age_seconds_total"))
        #expect(readAge > 0 && readAge / Double(accepted) < 30, "mean produced-to-read \(readAge / Double(accepted)) s")
        for stage in ["store", "live", "commit"] {
            #expect((node.metric("segue_kafka_\(stage)_seconds_total") ?? 0) > 0, "no \(stage) time on /metrics")
        }
        #expect(waitFor(10) { node.metric("segue_kafka_consumer_lag") != nil }, "no lag gauge on /metrics")
        let page = node.get("/live") ?? ""
        #expect(page.contains("the Kafka topic <code>plays</code> (consumer group <code>segue</code>)"), "\(page.prefix(300))")
        #expect(!page.contains(broker.address), "the Live page shows the brokers' address")
    }

    @Test(
        "two segue serve nodes on one PostgreSQL split the partitions, and each dashboard shows every event",
        .enabled(if: TestPostgres.isEnabled))
    func twoNodesSplitPartitions() throws {
        let url = try TestPostgres.freshSchemaURL(pool: 4)
        let broker = try TansuBroker()
        try broker.createTopic("plays", partitions: 4)
        let dir = try Fixtures.folder()
        // Migrate once (two nodes starting together would also wait on the advisory lock).
        _ = try PostgresListenStore(backend: try PostgresBackend(url: url)).eventCount()
        let a = try SegueNode(
            broker: broker, topic: "plays", data: dir.appendingPathComponent("a").path, database: url, log: dir.appendingPathComponent("a.log"))
        let b = try SegueNode(
            broker: broker, topic: "plays", data: dir.appendingPathComponent("b").path, database: url, log: dir.appendingPathComponent("b.log"))
        defer {
            a.stop()
            b.stop()
        }
        #expect(waitFor(60) { a.liveStreams() != nil && b.liveStreams() != nil }, "nodes did not start: \(a.tail())\n\(b.tail())")
        // Both in the group (tansu forms it in half the session timeout, again when the second joins).
        #expect(waitFor(60) { (a.metric("segue_kafka_consumer_lag") != nil) && (b.metric("segue_kafka_consumer_lag") != nil) }, "not both assigned")

        let events = platformEvents(0..<8_000)
        try broker.produceWithPython(topic: "plays", messages: events)
        #expect(
            waitFor(90) { a.liveStreams() == events.count && b.liveStreams() == events.count },
            "live: a \(a.liveStreams() ?? -1), b \(b.liveStreams() ?? -1) of \(events.count)")
        let readA = a.metric("segue_kafka_messages_total") ?? 0
        let readB = b.metric("segue_kafka_messages_total") ?? 0
        #expect(readA > 0 && readB > 0, "one node read everything: a \(readA), b \(readB)")
        #expect(readA + readB >= Double(events.count))
        let store = PostgresListenStore(backend: try PostgresBackend(url: url))
        #expect(try store.eventCount() == events.count)
        print("two nodes: a read \(Int(readA)), b read \(Int(readB)) of \(events.count); both dashboards show \(events.count)")
    }
}
