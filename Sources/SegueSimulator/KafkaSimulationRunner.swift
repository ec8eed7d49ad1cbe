import Foundation
import SegueKafka
import SegueLive

/// Produces a `TrafficModel`'s events into a Kafka topic, as a platform's event pipeline would:
/// one bulk event JSON object a message, keyed by the listener (one listener's plays stay in order on
/// one partition), each with an event id unique to the run. Generation follows the wall clock in
/// steps of `interval`, as `SimulationRunner` does over HTTP.
///
/// `run` blocks its thread (librdkafka's queue waits when full): call it off Swift's cooperative pool.
public struct KafkaSimulationRunner: Sendable {
    public var producer: KafkaProducer
    public var duration: Double
    public var interval: Double
    /// The clock that stamps events, milliseconds since 1970.
    public var now: @Sendable () -> Int64

    public init(
        producer: KafkaProducer, duration: Double, interval: Double = 0.25,
        now: @escaping @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
    ) {
        self.producer = producer
        self.duration = duration
        self.interval = interval
        self.now = now
    }

    /// Runs for `duration` seconds, then waits (up to 30 s) for the broker to take what is queued.
    /// In the report, `accepted` is what the broker acknowledged and `requests` the messages sent;
    /// `progress` is called about once a second, `sending` after each step with the events sent so far.
    public func run(
        _ model: TrafficModel, progress: (@Sendable (SimulationReport) -> Void)? = nil,
        sending: (@Sendable (_ eventsSoFar: Int) -> Void)? = nil
    ) -> SimulationReport {
        var model = model
        let clock = ContinuousClock()
        let started = clock.now
        var report = SimulationReport()
        var lastProgress = started
        var generatedUntil = 0.0
        let runID = "sim-\(now())-"
        var nextEventID = 0
        while true {
            let elapsed = Self.seconds(clock.now - started)
            let until = min(duration, elapsed)
            if until > generatedUntil {
                let span = until - generatedUntil
                let events = model.events(startingAt: now() - Int64(span * 1000), seconds: span, elapsed: generatedUntil)
                generatedUntil = until
                for e in events {
                    let message =
                        #"{"event_id":"# + SimulationRunner.json(runID + String(nextEventID)) + #","user_id":"# + SimulationRunner.json(e.user)
                        + #","track":"# + SimulationRunner.json(e.track) + #","artist":"# + SimulationRunner.json(e.artist)
                        + #","ts":\#(e.timeMilliseconds)}"#
                    nextEventID += 1
                    report.sent += 1
                    report.requests += 1
                    do {
                        try producer.send(Array(message.utf8), key: Array(e.user.utf8))
                    } catch {
                        report.failed += 1
                        report.failedRequests += 1
                        report.errors[error.description, default: 0] += 1
                    }
                }
                sending?(report.sent)
            }
            if let progress, clock.now - lastProgress >= .seconds(1) {
                lastProgress = clock.now
                var snapshot = report
                snapshot.accepted = report.sent - report.failed
                snapshot.seconds = Self.seconds(clock.now - started)
                progress(snapshot)
            }
            if generatedUntil >= duration { break }
            Thread.sleep(forTimeInterval: max(0.001, min(interval, duration - elapsed)))
        }
        let unsent = producer.flush(timeoutMillis: 30_000)
        let failures = producer.deliveryFailures
        if unsent > 0 { report.errors["\(unsent) messages not delivered within 30 s", default: 0] += 1 }
        if failures.count > 0 { report.errors["delivery failed: \(failures.reason)", default: 0] += Int(failures.count) }
        let undelivered = unsent + Int(failures.count)
        report.failed += undelivered
        report.failedRequests += undelivered
        report.accepted = report.sent - report.failed
        report.seconds = Self.seconds(clock.now - started)
        return report
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
