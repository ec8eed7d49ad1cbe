import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationEssentialsCompat
import SegueLive
import Synchronization
import Testing

@testable import SegueServer

@Suite struct AlertWebhookTests {
    /// A window that has seen six quiet minutes and then a spike of one track, now closed.
    func spikedSnapshot() -> LiveSnapshot {
        var w = LiveWindow()
        let m0: Int64 = 1_700_000_040
        for minute in 0..<7 {
            for k in 0..<(minute == 6 ? 400 : 100) {
                w.add(LiveEvent(user: "u\(k)", track: "Jóga", artist: "Björk", timeMilliseconds: (m0 + Int64(minute * 60) + Int64(k % 60)) * 1000))
            }
        }
        w.advance(to: m0 + 430)
        return w.snapshot()
    }

    @Test func newAlertsArePostedOnceAsJSON() async throws {
        let received = Mutex<[Data]>([])
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let body = Data(buffer: try await request.body.collect(upTo: 1 << 20))
            received.withLock { $0.append(body) }
            return .noContent
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let hook = AlertWebhook(url: URL(string: "http://127.0.0.1:\(port)/hook")!, logger: Logger(label: "test"))
            let spiked = spikedSnapshot()
            #expect(spiked.alerts.count == 2)
            // The first snapshot primes: alerts that were already there are not news.
            #expect(hook.newAlerts(in: spiked).isEmpty)
            let fresh = LiveWindow()
            let other = AlertWebhook(url: URL(string: "http://127.0.0.1:\(port)/hook")!, logger: Logger(label: "test"))
            #expect(other.newAlerts(in: fresh.snapshot()).isEmpty)
            let new = other.newAlerts(in: spiked)
            #expect(new.count == 2)
            #expect(await other.post(new, windowSeconds: spiked.windowSeconds) == 2)
            #expect(other.newAlerts(in: spiked).isEmpty)
        }
        let bodies = try received.withLock { $0 }.map { try #require(try JSONSerialization.jsonObject(with: $0) as? [String: Any]) }
        #expect(bodies.count == 2)
        let alerts = bodies.compactMap { $0["alert"] as? [String: Any] }
        #expect(alerts.map { $0["scope"] as? String } == ["total", "track"])
        #expect(alerts.allSatisfy { $0["kind"] as? String == "spike" && $0["observed"] as? Int == 400 })
        #expect(bodies.allSatisfy { $0["window_seconds"] as? Int == 600 })
        #expect(alerts.last?["track"] as? String == "Jóga")
    }

    @Test func aDeadWebhookIsCountedNotFatal() async throws {
        let hook = AlertWebhook(url: URL(string: "http://127.0.0.1:9/hook")!, logger: Logger(label: "test"))
        let alerts = spikedSnapshot().alerts
        #expect(await hook.post(alerts, windowSeconds: 600) == 0)
    }
}
