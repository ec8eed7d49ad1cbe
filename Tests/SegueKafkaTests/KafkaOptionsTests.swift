import Foundation
import SegueKafka
import Testing

/// The Kafka options people type: each mistake gets one sentence naming the option (no broker needed).
@Suite("Kafka options")
struct KafkaOptionsTests {
    @Test("careless brokers, topics and groups are refused with the option's name")
    func refusals() {
        let cases: [(KafkaSourceOptions, String)] = [
            (KafkaSourceOptions(brokers: "localhost", topic: "plays"), "--kafka-brokers"),
            (KafkaSourceOptions(brokers: "a:9092,", topic: "plays"), "--kafka-brokers"),
            (KafkaSourceOptions(brokers: "a:99999", topic: "plays"), "--kafka-brokers"),
            (KafkaSourceOptions(brokers: "a:9092", topic: ""), "--kafka-topic"),
            (KafkaSourceOptions(brokers: "a:9092", topic: "../etc"), "--kafka-topic"),
            (KafkaSourceOptions(brokers: "a:9092", topic: String(repeating: "p", count: 250)), "--kafka-topic"),
            (KafkaSourceOptions(brokers: "a:9092", topic: "plays", deadLetterTopic: "plays"), "--kafka-dead-letter-topic"),
            (KafkaSourceOptions(brokers: "a:9092", topic: "plays", deadLetterTopic: "bad letters"), "--kafka-dead-letter-topic"),
            (KafkaSourceOptions(brokers: "a:9092", topic: "plays", group: ""), "--kafka-group"),
        ]
        for (options, option) in cases {
            do {
                try options.validate()
                Issue.record("accepted \(options)")
            } catch {
                #expect(error.description.contains(option), "\(error.description)")
            }
        }
        #expect(throws: Never.self) {
            try KafkaSourceOptions(brokers: "10.0.0.5:9092, [::1]:9093", topic: "plays.v2_x-y", deadLetterTopic: "plays-bad").validate()
        }
    }

    @Test("a topic's token id is the same on every node and run, negative (never an ingest token's), and differs between topics")
    func tokenID() {
        let a = KafkaSourceOptions(brokers: "a:1", topic: "plays")
        let b = KafkaSourceOptions(brokers: "b:2", topic: "plays", group: "other")
        let c = KafkaSourceOptions(brokers: "a:1", topic: "plays2")
        #expect(a.tokenID == b.tokenID)
        #expect(a.tokenID < 0 && c.tokenID < 0)
        #expect(a.tokenID != c.tokenID)
        // FNV-1a of "kafka:plays", pinned: a change would make every stored event look new again.
        #expect(a.tokenID == -3_711_124_677_040_299_469)
    }

    @Test("segue serve refuses Kafka options it cannot use, naming them, before starting")
    func serveRefusals() throws {
        let cases: [([String], String)] = [
            (["--kafka-topic", "plays"], "need --kafka-brokers"),
            (["--kafka-brokers", "127.0.0.1:9092"], "needs --kafka-topic"),
            (["--kafka-brokers", "nohost", "--kafka-topic", "plays"], "--kafka-brokers must be HOST:PORT"),
            (["--kafka-brokers", "127.0.0.1:9092", "--kafka-topic", "plays", "--kafka-config", "session.timeout.ms"], "is not KEY=VALUE"),
        ]
        for (args, message) in cases {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: SegueNode.executable)
            p.arguments = ["serve", "--port", "1"] + args
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus != 0)
            #expect(text.contains(message), "\(args): \(text)")
        }
    }
}
