import Foundation
import Logging
import NIOHTTP1
import SegueHTTP
import SegueLive

/// Posts each new live alert (spike or drop, for all streams or a top track) to a webhook URL as
/// JSON: `{"window_seconds": 600, "alert": {kind, scope, track?, artist?, at, observed, expected, score}}`.
/// Delivery is best effort: a failed POST is logged, not retried.
final class AlertWebhook: @unchecked Sendable {
    let url: URL
    private let logger: Logger
    private let lock = NSLock()
    /// Alerts already posted, by kind, minute and track.
    private var posted = Set<String>()
    private var primed = false

    init(url: URL, logger: Logger) {
        self.url = url
        self.logger = logger
    }

    /// The alerts of `snapshot` not posted before. The first snapshot only primes the list: alerts
    /// rebuilt after a restart are not news.
    func newAlerts(in snapshot: LiveSnapshot) -> [LiveAlert] {
        lock.lock()
        defer { lock.unlock() }
        let fresh = snapshot.alerts.filter { !posted.contains(Self.key($0)) }
        for a in fresh { posted.insert(Self.key(a)) }
        if posted.count > 1_000 { posted = Set(snapshot.alerts.map(Self.key)) }
        guard primed else {
            primed = true
            return []
        }
        return fresh
    }

    static func key(_ a: LiveAlert) -> String { "\(a.kind.rawValue) \(a.minute) \(a.artist ?? "")\u{1F}\(a.track ?? "")" }

    /// Posts `alerts` (of a window of `windowSeconds`); returns how many were answered with a 2xx.
    @discardableResult
    func post(_ alerts: [LiveAlert], windowSeconds: Int) async -> Int {
        var delivered = 0
        for alert in alerts {
            struct Body: Encodable {
                var window_seconds: Int
                var alert: LiveView.Alert
            }
            do {
                let body = try encodedJSON(Body(window_seconds: windowSeconds, alert: LiveView.Alert(alert)))
                let response = try await HTTPFetch.send(
                    .POST, url, headers: [("Content-Type", "application/json")], body: Array(body), timeout: .seconds(10))
                let status = response.status
                if (200..<300).contains(status) {
                    delivered += 1
                } else {
                    logger.warning("alert webhook answered \(status)", metadata: ["url": "\(url)"])
                }
            } catch {
                logger.warning("alert webhook failed", metadata: ["url": "\(url)", "error": "\(error)"])
            }
        }
        return delivered
    }
}
