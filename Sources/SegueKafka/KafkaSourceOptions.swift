import Foundation

/// Where a Kafka source reads: `--kafka-brokers`, `--kafka-topic`, `--kafka-group`, `--kafka-config`
/// and `--kafka-dead-letter-topic` of `segue serve` and `segue worker`.
public struct KafkaSourceOptions: Sendable, Equatable {
    /// `HOST:PORT[,…]`.
    public var brokers: String
    public var topic: String
    /// The consumer group every node shares: each partition is stored by one member.
    public var group: String
    /// librdkafka settings (`--kafka-config KEY=VALUE`), applied over Segue's defaults.
    public var settings: KafkaSettings
    /// Where malformed messages are copied, if anywhere.
    public var deadLetterTopic: String?
    /// Most messages taken from the client's queue per store transaction.
    public var maxBatch: Int = 5_000

    /// The default `--kafka-group`.
    public static let defaultGroup = "segue"

    public init(
        brokers: String, topic: String, group: String = defaultGroup, settings: KafkaSettings = KafkaSettings(), deadLetterTopic: String? = nil
    ) {
        self.brokers = brokers
        self.topic = topic
        self.group = group
        self.settings = settings
        self.deadLetterTopic = deadLetterTopic
    }

    /// Checks what a user typed; the message names the option.
    /// - Throws: `KafkaError.configuration`.
    public func validate() throws(KafkaError) {
        let hosts = brokers.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        for host in hosts {
            guard let colon = host.lastIndex(of: ":"), colon != host.startIndex, let port = Int(host[host.index(after: colon)...]),
                (1...65_535).contains(port)
            else {
                throw .configuration("--kafka-brokers must be HOST:PORT[,HOST:PORT…] (got '\(brokers.prefix(200))')")
            }
        }
        for (option, name) in [("--kafka-topic", topic), ("--kafka-dead-letter-topic", deadLetterTopic ?? "x")] {
            // Kafka's own rule for topic names.
            guard !name.isEmpty, name.count <= 249, name != ".", name != "..",
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") })
            else {
                throw .configuration("\(option) must be 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-' (got '\(name.prefix(80))')")
            }
        }
        if deadLetterTopic == topic { throw .configuration("--kafka-dead-letter-topic must differ from --kafka-topic") }
        guard !group.isEmpty, group.count <= 255 else { throw .configuration("--kafka-group must be 1 to 255 characters") }
    }

    /// The store's token id for events from this topic: event ids are unique per token and user, so
    /// every node and every restart must use the same one. Ingest tokens count up from 1; a topic's
    /// id is negative (FNV-1a of the topic's name, 62 bits), so it never meets a token's.
    public var tokenID: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "kafka:\(topic)".utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return -Int64(hash & 0x3FFF_FFFF_FFFF_FFFF) - 1
    }

    /// "Kafka topic plays on 10.0.0.5:9092 (group segue)", for the Live page and the log.
    public var summary: String { "Kafka topic \(topic) on \(brokers) (group \(group))" }
}
