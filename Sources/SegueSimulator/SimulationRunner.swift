import Foundation
import NIOHTTP1
import SegueHTTP
import SegueLive
import SegueModel

/// What a simulation run achieved.
public struct SimulationReport: Sendable, Equatable {
    /// Wall-clock seconds from the first request to the last answer.
    public var seconds: Double = 0
    /// Events generated and sent.
    public var sent = 0
    /// Events the server accepted (2xx), and of those, how many it already had.
    public var accepted = 0
    public var duplicates = 0
    /// Events in requests that failed (an error status or no answer).
    public var failed = 0
    public var requests = 0
    public var failedRequests = 0
    /// Failure messages (status and the server's message, or the transport error) and how often each came.
    public var errors: [String: Int] = [:]

    /// Accepted events per second.
    public var achievedRate: Double { seconds > 0 ? Double(accepted) / seconds : 0 }

    public init() {}
}

/// Sends a `TrafficModel`'s events to a Segue server in batches, as a platform would: through the
/// bulk API (`POST /api/v1/events`, NDJSON, up to 10,000 events a request) or as ListenBrainz
/// imports (`POST /1/submit-listens`, up to 1,000 listens a request; every listen then belongs to
/// the token's user). Generation follows the wall clock in steps of `interval`, so a slow answer
/// makes the next batch bigger rather than the rate lower; at most `concurrency` requests are in
/// flight.
public struct SimulationRunner: Sendable {
    public enum Via: String, Sendable, CaseIterable { case events, listenbrainz }

    public var target: URL
    public var token: String
    public var via: Via
    public var duration: Double
    public var interval: Double
    public var concurrency: Int
    /// The clock that stamps events, milliseconds since 1970.
    public var now: @Sendable () -> Int64

    public init(
        target: URL, token: String, via: Via = .events, duration: Double, interval: Double = 0.25, concurrency: Int = 4,
        now: @escaping @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
    ) {
        self.target = target
        self.token = token
        self.via = via
        self.duration = duration
        self.interval = interval
        self.concurrency = max(1, concurrency)
        self.now = now
    }

    /// Runs for `duration` seconds; `progress` is called about once a second with the totals of the
    /// answers collected so far (a few requests may still be in flight), and `sending` as each batch
    /// goes out, with the number of events sent so far including it (for latency measurements).
    public func run(
        _ model: TrafficModel, progress: (@Sendable (SimulationReport) -> Void)? = nil,
        sending: (@Sendable (_ eventsSoFar: Int) -> Void)? = nil
    ) async -> SimulationReport {
        var model = model
        let clock = ContinuousClock()
        let started = clock.now
        var report = SimulationReport()
        var lastProgress = started
        var generatedUntil = 0.0
        let batchLimit = via == .events ? BulkEventBatch.maxEvents : ListenBrainzSubmission.maxListens
        // Every event gets an id, as a platform's would: unique to this run, so retries are safe and
        // two plays that happen to coincide are both kept.
        let runID = "sim-\(now())-"
        var nextEventID = 0

        await withTaskGroup(of: Outcome.self) { group in
            var inFlight = 0
            func absorb(_ outcome: Outcome) {
                inFlight -= 1
                report.requests += 1
                if let error = outcome.error {
                    report.failedRequests += 1
                    report.failed += outcome.count
                    report.errors[error, default: 0] += 1
                } else {
                    report.accepted += outcome.count
                    report.duplicates += outcome.duplicates
                }
            }
            while true {
                let elapsed = seconds(clock.now - started)
                let until = min(duration, elapsed)
                if until > generatedUntil {
                    let span = until - generatedUntil
                    let events = model.events(startingAt: now() - Int64(span * 1000), seconds: span, elapsed: generatedUntil)
                    generatedUntil = until
                    var index = 0
                    while index < events.count {
                        let batch = Array(events[index..<min(events.count, index + batchLimit)])
                        index += batch.count
                        while inFlight >= concurrency, let outcome = await group.next() { absorb(outcome) }
                        report.sent += batch.count
                        sending?(report.sent)
                        inFlight += 1
                        let request = makeRequest(batch, firstID: runID, nextEventID)
                        nextEventID += batch.count
                        group.addTask { await Self.send(request, count: batch.count) }
                    }
                }
                if let progress, clock.now - lastProgress >= .seconds(1) {
                    lastProgress = clock.now
                    var snapshot = report
                    snapshot.seconds = seconds(clock.now - started)
                    progress(snapshot)
                }
                if generatedUntil >= duration { break }
                try? await Task.sleep(for: .seconds(max(0.001, min(interval, duration - elapsed))))
            }
            while let outcome = await group.next() { absorb(outcome) }
        }
        report.seconds = seconds(clock.now - started)
        return report
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    struct Outcome: Sendable {
        var count: Int
        var duplicates = 0
        var error: String?
    }

    /// One POST of a batch.
    struct Request: Sendable {
        var url: URL
        var headers: [(String, String)]
        var body: [UInt8]
    }

    /// A request with `events`; bulk events get ids `prefix` + a counter from `first`.
    func makeRequest(_ events: [LiveEvent], firstID prefix: String = "", _ first: Int = 0) -> Request {
        var body = ""
        body.reserveCapacity(events.count * 120)
        switch via {
        case .events:
            for (i, e) in events.enumerated() {
                body +=
                    #"{"event_id":"# + Self.json(prefix + String(first + i)) + #","user_id":"# + Self.json(e.user) + #","track":"#
                    + Self.json(e.track) + #","artist":"# + Self.json(e.artist)
                body += #","ts":\#(e.timeMilliseconds)}"# + "\n"
            }
        case .listenbrainz:
            body = #"{"listen_type":"import","payload":["#
            for (i, e) in events.enumerated() {
                if i > 0 { body += "," }
                body += #"{"listened_at":\#(e.timeMilliseconds / 1000),"track_metadata":{"artist_name":"# + Self.json(e.artist)
                body += #","track_name":"# + Self.json(e.track) + "}}"
            }
            body += "]}"
        }
        let path = via == .events ? "api/v1/events" : "1/submit-listens"
        return Request(
            url: target.appendingPathComponent(path),
            headers: [
                ("Content-Type", via == .events ? "application/x-ndjson" : "application/json"),
                ("Authorization", (via == .events ? "Bearer " : "Token ") + token),
            ],
            body: Array(body.utf8))
    }

    static func send(_ request: Request, count: Int) async -> Outcome {
        do {
            let response = try await HTTPFetch.send(
                .POST, request.url, headers: request.headers, body: request.body, timeout: .seconds(60))
            let status = response.status
            let object = try? JSONSerialization.jsonObject(with: response.data) as? [String: Any]
            guard (200..<300).contains(status) else {
                // Both error shapes: {"error": {"message": …}} and ListenBrainz's {"error": "…"}.
                let message = ((object?["error"] as? [String: Any])?["message"] as? String) ?? (object?["error"] as? String) ?? ""
                return Outcome(count: count, error: "HTTP \(status)" + (message.isEmpty ? "" : ": \(message.prefix(160))"))
            }
            return Outcome(count: count, duplicates: object?["duplicates"] as? Int ?? 0)
        } catch {
            return Outcome(count: count, error: "no answer: \(error)")
        }
    }

    /// A JSON string literal.
    static func json(_ text: String) -> String { JSONEscaping.literal(text) }
}
