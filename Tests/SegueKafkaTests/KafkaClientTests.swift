import Foundation
import SegueKafka
import SegueTestSupport
import Testing

/// Settings every test consumer uses: tansu takes half of the session timeout to form a group.
let testSettings = KafkaSettings([("session.timeout.ms", "6000"), ("heartbeat.interval.ms", "500")])

/// Reads until `count` messages arrived or `seconds` passed.
func drain(_ consumer: KafkaConsumer, count: Int, seconds: Double = 30) -> [KafkaRecord] {
    var records: [KafkaRecord] = []
    let deadline = Date().addingTimeInterval(seconds)
    while records.count < count && Date() < deadline {
        records += consumer.poll(max: 1000, timeoutMillis: 200).filter { $0.error == nil }
    }
    return records
}

/// The next offset of each partition after `records`.
func nextOffsets(_ records: [KafkaRecord]) -> [Int32: Int64] {
    var next: [Int32: Int64] = [:]
    for r in records { next[r.partition] = max(next[r.partition] ?? 0, r.offset + 1) }
    return next
}

@Suite("Kafka client against a real broker (tansu)", .serialized, .enabled(if: TansuBroker.executable != nil, Comment(rawValue: TansuBroker.missing)))
struct KafkaClientTests {
    init() throws {
        try KafkaLibrary.load(candidates: [TansuBroker.library])
    }

    @Test("what Segue's producer sends to four partitions is read once, and a committed group resumes after its offsets")
    func produceConsumeCommitResume() throws {
        let broker = try TansuBroker()
        try broker.createTopic("plays", partitions: 4)
        let producer = try KafkaProducer(brokers: broker.address, topic: "plays")
        for i in 0..<200 { try producer.send(Array("m\(i)".utf8), key: Array("user\(i % 17)".utf8)) }
        #expect(producer.flush() == 0)
        #expect(producer.deliveryFailures.count == 0)

        let first = try KafkaConsumer(brokers: broker.address, topic: "plays", group: "g1", settings: testSettings)
        let records = drain(first, count: 200)
        #expect(Set(records.map { String(decoding: $0.payload, as: UTF8.self) }) == Set((0..<200).map { "m\($0)" }))
        #expect(records.count == 200)
        #expect(Set(records.map(\.partition)) == [0, 1, 2, 3])
        try first.commit(nextOffsets(records))
        first.close()

        for i in 200..<210 { try producer.send(Array("m\(i)".utf8)) }
        #expect(producer.flush() == 0)
        let second = try KafkaConsumer(brokers: broker.address, topic: "plays", group: "g1", settings: testSettings)
        let rest = drain(second, count: 10)
        // Nothing committed before comes again; a little more time shows nothing else arrives.
        let more = drain(second, count: 1, seconds: 1)
        #expect(Set((rest + more).map { String(decoding: $0.payload, as: UTF8.self) }) == Set((200..<210).map { "m\($0)" }))
        #expect(rest.count + more.count == 10)
        second.close()
    }

    @Test("messages from Python's confluent-kafka client arrive byte for byte")
    func pythonProducer() throws {
        let broker = try TansuBroker()
        try broker.createTopic("py", partitions: 4)
        let lines = (0..<50).map { #"{"user_id":"u\#($0)","track":"Tëst \#($0)","ts":1700000000}"# }
        try broker.produceWithPython(topic: "py", messages: lines)
        let consumer = try KafkaConsumer(brokers: broker.address, topic: "py", group: "g", settings: testSettings)
        let records = drain(consumer, count: 50)
        #expect(Set(records.map { String(decoding: $0.payload, as: UTF8.self) }) == Set(lines))
        consumer.close()
    }

    @Test("a setting librdkafka does not know is refused with its name")
    func badSetting() throws {
        #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(brokers: "127.0.0.1:1", topic: "t", group: "g", settings: KafkaSettings([("no.such.setting", "1")]))
        }
        do {
            _ = try KafkaConsumer(brokers: "127.0.0.1:1", topic: "t", group: "g", settings: KafkaSettings([("no.such.setting", "1")]))
        } catch {
            #expect(error.description.contains("no.such.setting"))
        }
        #expect(throws: KafkaError.self) { _ = try KafkaSettings.pair("=x") }
        #expect(try KafkaSettings.pair("a.b=c=d") == ("a.b", "c=d"))
    }
}
