import ArgumentParser
import SegueKafka

/// `--kafka-brokers`, `--kafka-topic`, `--kafka-group`, `--kafka-config` and `--kafka-dead-letter-topic`,
/// shared by `segue serve` and `segue worker`.
struct KafkaOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read bulk events from Kafka: the brokers to start from.", valueName: "host:port[,…]"))
    var kafkaBrokers: String?

    @Option(help: "The topic of bulk events (one JSON event or an NDJSON batch a message); needed with --kafka-brokers.")
    var kafkaTopic: String?

    @Option(help: "The consumer group every Segue node shares (each partition is stored by one of them).")
    var kafkaGroup = KafkaSourceOptions.defaultGroup

    @Option(help: ArgumentHelp("A librdkafka setting (repeatable), like security.protocol=SSL or session.timeout.ms=6000.", valueName: "key=value"))
    var kafkaConfig: [String] = []

    @Option(help: "Copy malformed messages to this topic (they are skipped and counted either way).")
    var kafkaDeadLetterTopic: String?

    func validate() throws {
        _ = try sourceOptions()
    }

    /// The source's options, or nil without `--kafka-brokers`.
    func sourceOptions() throws -> KafkaSourceOptions? {
        guard let kafkaBrokers else {
            if kafkaTopic != nil || !kafkaConfig.isEmpty || kafkaDeadLetterTopic != nil {
                throw ValidationError("--kafka-topic, --kafka-config and --kafka-dead-letter-topic need --kafka-brokers")
            }
            return nil
        }
        guard let kafkaTopic else { throw ValidationError("--kafka-brokers needs --kafka-topic (the topic of bulk events)") }
        do throws(KafkaError) {
            let settings = KafkaSettings(try kafkaConfig.map { text throws(KafkaError) in try KafkaSettings.pair(text) })
            let options = KafkaSourceOptions(
                brokers: kafkaBrokers, topic: kafkaTopic, group: kafkaGroup, settings: settings, deadLetterTopic: kafkaDeadLetterTopic)
            try options.validate()
            return options
        } catch {
            throw ValidationError(error.description)
        }
    }
}
