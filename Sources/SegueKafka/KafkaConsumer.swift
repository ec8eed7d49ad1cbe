import CSegueKafka
import Foundation

/// One message read from a partition (or a consumer error, when `error` is set).
public struct KafkaRecord: Sendable, Equatable {
    public var partition: Int32
    public var offset: Int64
    public var payload: [UInt8]
    /// The message's timestamp, milliseconds since 1970 (when the producer made it, unless the topic
    /// stamps the broker's append time); nil when the broker gave none.
    public var timestamp: Int64?
    /// librdkafka's error code and text for an error record (broker down, unknown topic); nil for a message.
    public var error: (code: Int32, message: String)?

    public init(partition: Int32, offset: Int64, payload: [UInt8], timestamp: Int64? = nil, error: (code: Int32, message: String)? = nil) {
        self.partition = partition
        self.offset = offset
        self.payload = payload
        self.timestamp = timestamp
        self.error = error
    }

    public static func == (a: KafkaRecord, b: KafkaRecord) -> Bool {
        a.partition == b.partition && a.offset == b.offset && a.payload == b.payload && a.error?.code == b.error?.code
    }
}

/// A member of a Kafka consumer group reading one topic, committing offsets only when told.
///
/// librdkafka fetches ahead in the background (bounded by `queued.max.messages.kbytes`); `poll`
/// blocks the calling thread, so callers keep it off Swift's cooperative pool. One thread polls and
/// commits at a time (the lock makes that so).
public final class KafkaConsumer: @unchecked Sendable {
    private let client: OpaquePointer
    private let lock = NSLock()
    private var closed = false
    public let topic: String

    /// - Parameters:
    ///   - brokers: `HOST:PORT[,…]`.
    ///   - settings: librdkafka settings over Segue's defaults (earliest offset for a new group, a 16 MB
    ///     fetch queue, a broker's wait for new messages of at most 50 ms); automatic commits stay off
    ///     whatever they say.
    public init(brokers: String, topic: String, group: String, settings: KafkaSettings = KafkaSettings()) throws(KafkaError) {
        try KafkaLibrary.load()
        // fetch.wait.max.ms: librdkafka's 500 ms is how long a broker may hold a fetch that found nothing;
        // tansu answers only when it ends, even if messages arrive meanwhile (measured: from produced to
        // read 107 ms on average at 500 ms, 27 ms at 50 ms, 25 ms at 10 ms). An idle consumer then asks
        // 20 times a second per broker, which costs a broker next to nothing.
        var all = KafkaSettings([
            ("bootstrap.servers", brokers), ("group.id", group), ("queued.max.messages.kbytes", "16384"), ("fetch.wait.max.ms", "50"),
        ])
        all.pairs += settings.pairs
        var error = [CChar](repeating: 0, count: 512)
        let made = all.withCArrays { keys, values, count in
            segue_kafka_consumer_new(keys, values, count, topic, &error, error.count)
        }
        guard let made else {
            let why = errorText(error)
            throw why.hasPrefix("Kafka setting") ? .configuration(why) : .client(why)
        }
        client = made
        self.topic = topic
    }

    deinit {
        close()
    }

    /// Waits up to `timeoutMillis` for messages, then returns those already fetched (at most `max`).
    /// An error record (a broker that cannot be reached) ends the batch.
    public func poll(max: Int = 5000, timeoutMillis: Int = 200) -> [KafkaRecord] {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return [] }
        var raw = [segue_kafka_record](repeating: segue_kafka_record(), count: max)
        let n = Int(segue_kafka_consume(client, &raw, Int32(max), Int32(timeoutMillis)))
        var records: [KafkaRecord] = []
        records.reserveCapacity(n)
        for r in raw[0..<n] {
            let bytes = r.payload.map { [UInt8](UnsafeBufferPointer(start: $0, count: r.length)) } ?? []
            if r.error != 0 {
                records.append(
                    KafkaRecord(partition: r.partition, offset: r.offset, payload: [], error: (r.error, String(decoding: bytes, as: UTF8.self))))
            } else {
                records.append(
                    KafkaRecord(partition: r.partition, offset: r.offset, payload: bytes, timestamp: r.timestamp_ms >= 0 ? r.timestamp_ms : nil))
            }
        }
        segue_kafka_release(&raw, Int32(n))
        return records
    }

    /// Commits, and waits for the broker to confirm, the next offset to read of each partition.
    public func commit(_ nextOffsets: [Int32: Int64]) throws(KafkaError) {
        guard !nextOffsets.isEmpty else { return }
        let partitions = Array(nextOffsets.keys)
        let offsets = partitions.map { nextOffsets[$0]! }
        var error = [CChar](repeating: 0, count: 512)
        lock.lock()
        let status = closed ? -1 : segue_kafka_commit(client, partitions, offsets, Int32(partitions.count), &error, error.count)
        lock.unlock()
        if status != 0 { throw .commit(closed ? "the consumer is closed" : errorText(error)) }
    }

    /// The partitions assigned to this consumer and each one's lag (messages not yet read; nil
    /// when the broker has not said where the partition ends).
    public func lag() -> [Int32: Int64?] {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return [:] }
        var partitions = [Int32](repeating: 0, count: 1024)
        var lags = [Int64](repeating: 0, count: 1024)
        let n = Int(segue_kafka_lag(client, &partitions, &lags, 1024))
        var result: [Int32: Int64?] = [:]
        for i in 0..<n { result[partitions[i]] = lags[i] < 0 ? nil : lags[i] }
        return result
    }

    /// Leaves the group (its partitions go to the other members at once) and frees the client.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        segue_kafka_destroy(client)
    }
}
