import Dispatch
import Foundation
import Logging
import Metrics
import SegueLive
import SegueStore

/// What a Kafka source has done since it started.
public struct KafkaSourceStatistics: Sendable, Equatable {
    /// Messages read (well-formed or not).
    public var messages = 0
    /// Messages skipped because they held no valid bulk event JSON.
    public var malformed = 0
    /// Events stored for the first time.
    public var stored = 0
    /// Events the store already held (a message read again after a crash or a rebalance).
    public var duplicates = 0
    /// Offset commits the broker refused (the events are stored; they come again as duplicates).
    public var commitFailures = 0
    /// Each assigned partition's lag at the last look (nil: the broker has not said where it ends).
    public var lag: [Int32: Int64?] = [:]
    /// Polls that returned messages (each one store transaction, one live hand-over, one offset commit).
    public var batches = 0
    /// Where a message's time to the live windows goes, in seconds summed over batches (or, for
    /// `readAgeSeconds`, over messages with a timestamp: from being produced to being read here,
    /// so the producer's linger, the broker and the fetch wait together).
    public var readAgeSeconds = 0.0
    /// Messages with a timestamp (what `readAgeSeconds` is summed over).
    public var timedMessages = 0
    public var storeSeconds = 0.0
    public var liveSeconds = 0.0
    public var commitSeconds = 0.0
}

/// Reads bulk events from a Kafka topic as a member of a consumer group and stores them exactly as
/// `POST /api/v1/events` does: one message is one event object or an NDJSON batch, validated whole;
/// a store transaction per poll (the store's group commit), duplicates by the store's keys.
///
/// Delivery: offsets are committed only after the transaction holding the messages before them
/// has committed, so a crash anywhere loses nothing (uncommitted messages are read again) and counts
/// nothing twice (read again, they are duplicates). A malformed message is counted, logged with its
/// partition and offset, copied to the dead-letter topic if there is one, and skipped.
///
/// Back-pressure: at most `storesInFlight` polls are on their way to the store (a failing store is
/// retried, and reading waits for it), and librdkafka's read-ahead is bounded (16 MB a consumer), so memory stays flat when the store lags.
/// Blocking librdkafka calls run on a queue of their own, never on Swift's cooperative threads.
public final class KafkaEventSource: @unchecked Sendable {
    public let options: KafkaSourceOptions
    private let consumer: KafkaConsumer
    private let deadLetters: KafkaProducer?
    private let events: any EventStore
    private let deliver: @Sendable ([LiveEvent]) async -> Void
    private let now: @Sendable () -> Int64
    private let logger: Logger
    private let queue = DispatchQueue(label: "segue.kafka.consumer")
    private let lock = NSLock()
    private var stats = KafkaSourceStatistics()
    private var lastLogged: [String: Int64] = [:]

    private let messagesCounter: Counter
    private let malformedCounter: Counter
    private let storedCounter: Counter
    private let duplicatesCounter: Counter
    private let commitFailuresCounter: Counter
    private let batchesCounter: Counter
    private let readAgeCounter: FloatingPointCounter
    private let storeTimeCounter: FloatingPointCounter
    private let liveTimeCounter: FloatingPointCounter
    private let commitTimeCounter: FloatingPointCounter
    private let clock = ContinuousClock()

    /// Joins the group (the client connects in the background; a broker that is down is retried).
    /// - Parameters:
    ///   - deliver: called with the events stored for the first time, after their transaction (the live windows).
    ///   - now: milliseconds since 1970 (what `ts` is checked against, and `inserted_ms`).
    /// - Throws: `KafkaError` when librdkafka is missing or refuses the settings.
    public init(
        options: KafkaSourceOptions, events: any EventStore, now: @escaping @Sendable () -> Int64,
        logger: Logger = Logger(label: "segue.kafka"), deliver: @escaping @Sendable ([LiveEvent]) async -> Void = { _ in }
    ) throws(KafkaError) {
        try options.validate()
        self.options = options
        self.events = events
        self.deliver = deliver
        self.now = now
        self.logger = logger
        consumer = try KafkaConsumer(brokers: options.brokers, topic: options.topic, group: options.group, settings: options.settings)
        deadLetters = try options.deadLetterTopic.map { topic throws(KafkaError) in
            try KafkaProducer(brokers: options.brokers, topic: topic, settings: options.settings.producerSafe)
        }
        let topic = [("topic", options.topic)]
        messagesCounter = Counter(label: "segue_kafka_messages_total", dimensions: topic)
        malformedCounter = Counter(label: "segue_kafka_malformed_total", dimensions: topic)
        storedCounter = Counter(label: "segue_kafka_events_stored_total", dimensions: topic)
        duplicatesCounter = Counter(label: "segue_kafka_duplicates_total", dimensions: topic)
        commitFailuresCounter = Counter(label: "segue_kafka_commit_failures_total", dimensions: topic)
        batchesCounter = Counter(label: "segue_kafka_batches_total", dimensions: topic)
        readAgeCounter = FloatingPointCounter(label: "segue_kafka_read_age_seconds_total", dimensions: topic)
        storeTimeCounter = FloatingPointCounter(label: "segue_kafka_store_seconds_total", dimensions: topic)
        liveTimeCounter = FloatingPointCounter(label: "segue_kafka_live_seconds_total", dimensions: topic)
        commitTimeCounter = FloatingPointCounter(label: "segue_kafka_commit_seconds_total", dimensions: topic)
    }

    /// What it has done so far.
    public var statistics: KafkaSourceStatistics {
        lock.lock()
        defer { lock.unlock() }
        return stats
    }

    /// How many polls may be on their way to the store at once. While one transaction commits, the
    /// next poll is read, parsed and handed to the store (its group commit takes it in the next
    /// transaction), and the finished one's offsets are committed; the batches still finish in the
    /// order they were read, so an offset is never committed before every message before it is stored.
    public static let storesInFlight = 3

    /// Consumes until the task is cancelled, then leaves the group (its partitions go to the others).
    public func run() async {
        logger.notice("reading live events from Kafka", metadata: ["source": "\(options.summary)"])
        var lastLag: Int64 = 0
        var inFlight: [(batch: ReadBatch, storing: StoreTicket)] = []
        while !Task.isCancelled {
            var waitForFirst = inFlight.count >= Self.storesInFlight
            if !waitForFirst {
                // With stores under way, look for new messages briefly, so a finished store is not
                // left waiting for a quiet topic.
                let timeout = inFlight.isEmpty ? 200 : 10
                let records = await blocking { [consumer, options] in consumer.poll(max: options.maxBatch, timeoutMillis: timeout) }
                if records.isEmpty {
                    waitForFirst = !inFlight.isEmpty
                } else {
                    let batch = read(records)
                    inFlight.append((batch, StoreTicket(rows: batch.rows) { rows in await self.store(rows) }))
                }
            }
            while let first = inFlight.first, waitForFirst || first.storing.isFinished {
                inFlight.removeFirst()
                waitForFirst = false
                guard let fresh = await first.storing.result else {
                    // Not stored (cancelled while the store was failing): neither it nor any batch after it is committed.
                    inFlight.forEach { $0.storing.cancel() }
                    inFlight.removeAll()
                    break
                }
                await finish(first.batch, fresh: fresh)
            }
            let time = now()
            if time - lastLag >= 5_000 {
                lastLag = time
                await updateLag()
            }
        }
        // Stores already under way finish (or give up, when the store is failing) and their offsets are committed in order.
        for (index, pending) in inFlight.enumerated() {
            pending.storing.cancel()
            guard let fresh = await pending.storing.result else {
                inFlight[(index + 1)...].forEach { $0.storing.cancel() }
                break
            }
            await finish(pending.batch, fresh: fresh)
        }
        await blocking { [consumer, deadLetters] in
            deadLetters?.flush(timeoutMillis: 2_000)
            consumer.close()
        }
        logger.notice("stopped reading from Kafka", metadata: ["source": "\(options.summary)"])
    }

    /// One poll's messages, parsed into rows to store, with the offsets to commit once they are stored.
    struct ReadBatch: Sendable {
        var rows: [StoredEvent] = []
        /// Per partition, the next offset to read after this batch.
        var next: [Int32: Int64] = [:]
        var messages = 0
        var malformed = 0
        var readAge: Int64 = 0
        var timed = 0
        var readAt: ContinuousClock.Instant
    }

    /// Parses a poll's messages; a malformed one is counted, logged and copied to the dead-letter topic.
    private func read(_ records: [KafkaRecord]) -> ReadBatch {
        let received = now()
        let token = options.tokenID
        var batch = ReadBatch(readAt: clock.now)
        for record in records {
            if let error = record.error {
                report(error)
                continue
            }
            batch.messages += 1
            if let stamp = record.timestamp, stamp <= received {
                batch.readAge += received - stamp
                batch.timed += 1
            }
            batch.next[record.partition] = max(batch.next[record.partition] ?? 0, record.offset + 1)
            do {
                let events = try BulkEventBatch.parse(Data(record.payload), now: received)
                for e in events {
                    batch.rows.append(
                        StoredEvent(
                            tokenID: token, eventID: e.eventID, user: e.user, track: e.track, artist: e.artist, album: e.album,
                            time: e.timeMilliseconds, insertedAt: received))
                }
            } catch {
                batch.malformed += 1
                logger.warning(
                    "skipped a malformed Kafka message",
                    metadata: [
                        "topic": "\(options.topic)", "partition": "\(record.partition)", "offset": "\(record.offset)",
                        "problem": "\(error.description)",
                    ])
                if let deadLetters {
                    do {
                        try deadLetters.send(record.payload, key: Array("\(options.topic)/\(record.partition)/\(record.offset)".utf8))
                    } catch {
                        logger.error("cannot copy a malformed message to the dead-letter topic", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
        return batch
    }

    /// After a batch's transaction: hands its new events to the live windows, commits its offsets, counts.
    private func finish(_ batch: ReadBatch, fresh: [Bool]) async {
        let handing = clock.now
        var live: [LiveEvent] = []
        live.reserveCapacity(batch.rows.count)
        for (row, isNew) in zip(batch.rows, fresh) where isNew {
            live.append(LiveEvent(user: row.user, track: row.track, artist: row.artist ?? "", timeMilliseconds: row.time))
        }
        if !live.isEmpty { await deliver(live) }
        let committing = clock.now
        let offsets = batch.next
        let commitError: KafkaError? = await blocking { [consumer] () -> KafkaError? in
            do throws(KafkaError) {
                try consumer.commit(offsets)
                return nil
            } catch {
                return error
            }
        }
        let done = clock.now
        // From read to stored: the batch's own transaction and, with stores overlapping, the wait for the one before.
        let storeTime = Self.seconds(handing - batch.readAt)
        let liveTime = Self.seconds(committing - handing)
        let commitTime = Self.seconds(done - committing)
        let age = Double(batch.readAge) / 1000
        if let commitError {
            // Stored already: whoever reads these messages again finds them duplicates.
            logger.warning(
                "Kafka offsets not committed; the events are stored and will be read again as duplicates", metadata: ["error": "\(commitError)"])
        }
        let duplicates = batch.rows.count - live.count
        lock.withLock {
            stats.messages += batch.messages
            stats.malformed += batch.malformed
            stats.stored += live.count
            stats.duplicates += duplicates
            if commitError != nil { stats.commitFailures += 1 }
            stats.batches += 1
            stats.readAgeSeconds += age
            stats.timedMessages += batch.timed
            stats.storeSeconds += storeTime
            stats.liveSeconds += liveTime
            stats.commitSeconds += commitTime
        }
        messagesCounter.increment(by: batch.messages)
        if batch.malformed > 0 { malformedCounter.increment(by: batch.malformed) }
        storedCounter.increment(by: live.count)
        if duplicates > 0 { duplicatesCounter.increment(by: duplicates) }
        if commitError != nil { commitFailuresCounter.increment() }
        batchesCounter.increment()
        readAgeCounter.increment(by: age)
        storeTimeCounter.increment(by: storeTime)
        liveTimeCounter.increment(by: liveTime)
        commitTimeCounter.increment(by: commitTime)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Stores `rows`, retrying (from half a second up to five between tries) while the store fails;
    /// nil when the task is cancelled first.
    private func store(_ rows: [StoredEvent]) async -> [Bool]? {
        if rows.isEmpty { return [] }
        var pause = 0.5
        while true {
            do {
                return try await events.appendEvents(rows)
            } catch is CancellationError where Task.isCancelled {
                return nil
            } catch {
                logger.error(
                    "cannot store events read from Kafka; trying again (reading is paused)",
                    metadata: ["events": "\(rows.count)", "error": "\(error)"])
            }
            do {
                try await Task.sleep(for: .seconds(pause))
            } catch {
                return nil
            }
            pause = min(pause * 2, 5)
        }
    }

    /// A consumer error (broker unreachable, unknown topic): librdkafka retries by itself; the log
    /// gets each distinct message at most every 30 s.
    private func report(_ error: (code: Int32, message: String)) {
        let time = now()
        lock.lock()
        let due = lastLogged[error.message].map { time - $0 >= 30_000 } ?? true
        if due { lastLogged[error.message] = time }
        lock.unlock()
        if due {
            logger.warning("Kafka consumer: \(error.message)", metadata: ["code": "\(error.code)", "source": "\(options.summary)"])
        }
    }

    private func updateLag() async {
        let lag = await blocking { [consumer] in consumer.lag() }
        lock.withLock { stats.lag = lag }
        for (partition, value) in lag {
            Gauge(label: "segue_kafka_consumer_lag", dimensions: [("topic", options.topic), ("partition", String(partition))])
                .record(value ?? -1)
        }
    }

    /// Runs librdkafka's blocking calls on the source's own queue.
    private func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }
}

extension KafkaSettings {
    /// The settings without the consumer-only ones (a dead-letter producer shares the rest: security, TLS).
    var producerSafe: KafkaSettings {
        let consumerOnly: Set<String> = [
            "group.id", "session.timeout.ms", "heartbeat.interval.ms", "auto.offset.reset", "enable.auto.commit",
            "enable.auto.offset.store", "partition.assignment.strategy", "max.poll.interval.ms", "fetch.min.bytes",
            "fetch.wait.max.ms", "queued.max.messages.kbytes", "group.instance.id", "isolation.level",
        ]
        return KafkaSettings(pairs.filter { !consumerOnly.contains($0.key) })
    }
}

/// A store transaction under way for one batch: started at once, awaited in the order batches were read.
final class StoreTicket: Sendable {
    private let task: Task<[Bool]?, Never>
    private let answered = DoneFlag()

    init(rows: [StoredEvent], store: @escaping @Sendable ([StoredEvent]) async -> [Bool]?) {
        task = Task { [answered] in
            let result = await store(rows)
            answered.set()
            return result
        }
    }

    /// Whether the store has answered (so awaiting `result` will not wait).
    var isFinished: Bool { answered.isSet }

    /// Which rows were new; nil when the store did not take them (cancelled while it was failing).
    /// Cancelling the task that waits here cancels the store's retries too.
    var result: [Bool]? {
        get async {
            await withTaskCancellationHandler {
                await task.value
            } onCancel: { [task] in
                task.cancel()
            }
        }
    }

    /// Stops retrying a failing store (a store that has the rows already finishes).
    func cancel() { task.cancel() }
}

/// A flag set once, read from any thread.
private final class DoneFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
