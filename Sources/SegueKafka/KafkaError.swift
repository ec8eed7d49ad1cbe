/// What can go wrong between Segue and a Kafka cluster, each with a sentence a user can act on.
public enum KafkaError: Error, Equatable, CustomStringConvertible {
    /// librdkafka could not be opened.
    case libraryUnavailable(String)
    /// A `--kafka-config KEY=VALUE` or a client setting was refused.
    case configuration(String)
    /// The client could not be created or subscribed.
    case client(String)
    /// Offsets could not be committed (the events are stored; they come back as duplicates).
    case commit(String)
    /// A message could not be queued for sending.
    case produce(String)

    public var description: String {
        switch self {
        case .libraryUnavailable(let why):
            "librdkafka could not be loaded (\(why)); install it with scripts/setup.sh or point SEGUE_RDKAFKA_LIBRARY at librdkafka.so.1"
        case .configuration(let why): "the Kafka configuration was refused: \(why)"
        case .client(let why): "the Kafka client could not start: \(why)"
        case .commit(let why): "Kafka offsets could not be committed: \(why)"
        case .produce(let why): "a message could not be sent to Kafka: \(why)"
        }
    }
}
