import Synchronization
import Testing

@testable import SegueLive

@Suite struct LiveHubTests {
    final class Clock: Sendable {
        let millis = Atomic<Int64>(1_700_000_000_000)
        func advance(seconds: Int64) { millis.add(seconds * 1000, ordering: .relaxed) }
    }

    @Test func subscribersReceivePushedSnapshots() async throws {
        let clock = Clock()
        let hub = LiveHub(now: { clock.millis.load(ordering: .relaxed) })
        let stream = await hub.subscribe()
        var iterator = stream.makeAsyncIterator()
        await hub.ingest([
            LiveEvent(user: "a", track: "x", timeMilliseconds: 1_700_000_000_000),
            LiveEvent(user: "b", track: "x", timeMilliseconds: 1_699_999_999_000),
        ])
        await hub.tick()
        let first = await iterator.next()
        #expect(first?.streams == 2 && first?.activeUsers == 2 && first?.topTrack?.track == "x")
        clock.advance(seconds: 601)
        await hub.tick()
        let second = await iterator.next()
        #expect(second?.streams == 0)
        #expect(await hub.subscriberCount == 1)
    }

    @Test func aLateSubscriberGetsTheLatestSnapshotAndLeavingUnsubscribes() async throws {
        let hub = LiveHub(now: { 1_700_000_000_000 })
        await hub.ingest([LiveEvent(user: "a", track: "x", timeMilliseconds: 1_700_000_000_000)])
        await hub.tick()
        do {
            let stream = await hub.subscribe()
            var iterator = stream.makeAsyncIterator()
            #expect(await iterator.next()?.streams == 1)
        }
        // The stream is gone: its termination handler removes it.
        for _ in 0..<100 where await hub.subscriberCount > 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(await hub.subscriberCount == 0)
    }
}

@Suite struct LiveSimulatorTests {
    @Test func aSeededCrowdRepeatsAndFavoursTheHead() {
        var a = LiveSimulator(rate: 100, seed: 5)
        var b = LiveSimulator(rate: 100, seed: 5)
        let ea = a.events(endingAt: 1_700_000_000_000, seconds: 60)
        #expect(ea == b.events(endingAt: 1_700_000_000_000, seconds: 60))
        #expect(ea.count > 3000 && ea.count < 9000)
        #expect(ea.allSatisfy { $0.timeMilliseconds <= 1_700_000_000_000 && $0.timeMilliseconds > 1_699_999_940_000 })
        let first = ea.filter { $0.track == LiveSimulator.demoCatalog[0].track }.count
        let last = ea.filter { $0.track == LiveSimulator.demoCatalog.last!.track }.count
        #expect(first > 2 * last)
    }
}
