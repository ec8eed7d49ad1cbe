import CSegueKafka
import Foundation

/// Sends messages to one topic (idempotent, so a retried send is not written twice).
public final class KafkaProducer: @unchecked Sendable {
    private let client: OpaquePointer
    private let lock = NSLock()
    private var closed = false
    public let topic: String

    /// - Parameter settings: librdkafka settings over Segue's defaults (idempotence on, 5 ms linger).
    public init(brokers: String, topic: String, settings: KafkaSettings = KafkaSettings()) throws(KafkaError) {
        try KafkaLibrary.load()
        var all = KafkaSettings([("bootstrap.servers", brokers)])
        all.pairs += settings.pairs
        var error = [CChar](repeating: 0, count: 512)
        let made = all.withCArrays { keys, values, count in
            segue_kafka_producer_new(keys, values, count, topic, &error, error.count)
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

    /// Queues one message; the key picks its partition (the same key, the same partition). When the
    /// local queue is full it waits for deliveries, up to ten seconds, before giving up.
    public func send(_ payload: [UInt8], key: [UInt8]? = nil) throws(KafkaError) {
        var error = [CChar](repeating: 0, count: 256)
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { throw .produce("the producer is closed") }
        for attempt in 0..<100 {
            let status = payload.withUnsafeBytes { p in
                if let key {
                    return key.withUnsafeBytes { k in segue_kafka_produce(client, p.baseAddress, p.count, k.baseAddress, k.count, &error, error.count)
                    }
                }
                return segue_kafka_produce(client, p.baseAddress, p.count, nil, 0, &error, error.count)
            }
            if status == 0 { return }
            if attempt < 99 && errorText(error).contains("Queue full") {
                _ = segue_kafka_flush(client, 100)
                continue
            }
            break
        }
        throw .produce(errorText(error))
    }

    /// Waits up to `timeoutMillis` for every queued message to be delivered; returns how many are still queued.
    @discardableResult
    public func flush(timeoutMillis: Int = 10_000) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return closed ? 0 : Int(segue_kafka_flush(client, Int32(timeoutMillis)))
    }

    /// Messages the broker did not take, and the last reason.
    public var deliveryFailures: (count: Int64, reason: String) {
        var error = [CChar](repeating: 0, count: 256)
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return (0, "") }
        let count = segue_kafka_delivery_failures(client, &error, error.count)
        return (count, errorText(error))
    }

    /// Drops what is unsent and frees the client (call `flush` first to deliver it).
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        segue_kafka_destroy(client)
    }
}
