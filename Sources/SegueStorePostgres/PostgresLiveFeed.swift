import Foundation
import Logging
import PostgresNIO
import SegueStore

/// What other nodes stored, delivered to this node's live view: listens and events that arrived
/// on any node sharing the database count in every node's windows.
///
/// Every group commit of `PostgresListenStore` is a live batch that NOTIFYs `liveChannel` with
/// "ID NODE". The feed LISTENs on one pooled connection, reads each other node's batch by id
/// (its rows carry the id) and hands its plays to `deliver`, once: batches this node wrote are
/// skipped (the node counted them when it stored them), and so are batches already delivered or
/// counted by the restoration that rebuilt the windows (`counted`).
///
/// Notifications are not queued for a node that is not listening, so each time the feed
/// (re)connects it first LISTENs, then reads the ids of batches written since it last heard from
/// the database (less a minute for clock skew, at most an hour back) and delivers those it has not
/// seen; notifications that then arrive for the same batches are skipped.
public final class PostgresLiveFeed: LiveFeed, @unchecked Sendable {
    public let store: PostgresListenStore
    private let logger: Logger
    private let lock = NSLock()
    /// Delivered (or restored) batch ids, with the time this node noted them (for pruning).
    private var counted: [Int64: Int64] = [:]
    /// Where the next catch-up starts (milliseconds, the writers' clocks).
    private var mark: Int64
    /// Batches delivered, and the plays in them (for tests and logs).
    public private(set) var deliveredBatches = 0
    public private(set) var deliveredPlays = 0

    /// - Parameters:
    ///   - counted: batches whose rows the live view already holds (from
    ///     `PostgresListenStore.forEachRecentPlay(since:batches:_:)`).
    ///   - since: the time that restoration read up to (milliseconds since 1970).
    public init(store: PostgresListenStore, counted: Set<Int64>, since: Int64, logger: Logger = Logger(label: "segue.live.feed")) {
        self.store = store
        self.logger = logger
        let now = Self.millis()
        for id in counted { self.counted[id] = now }
        mark = since - 60_000
    }

    static func millis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Listens until the task is cancelled, reconnecting with backoff when the connection is lost.
    public func run(_ deliver: @escaping @Sendable ([RecentPlay]) async -> Void) async {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await listenOnce(deliver) { failures = 0 }
            } catch {
                if Task.isCancelled { break }
                failures += 1
                logger.warning("live feed lost its connection; reconnecting", metadata: ["error": "\(String(reflecting: error))"])
            }
            if Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(min(1000, 50 << min(failures, 5))))
        }
    }

    private func listenOnce(_ deliver: @escaping @Sendable ([RecentPlay]) async -> Void, connected: () -> Void) async throws {
        let channel = store.liveChannel
        let node = store.node
        let logger = self.logger
        try await store.backend.client.withConnection { connection in
            try await connection.listen(on: channel) { notifications in
                connected()
                // What was written while nobody here was listening (or before this feed started).
                let since = lock.withLock { max(mark, Self.millis() - 3_600_000) }
                var missed: [Int64] = []
                for try await (id, writer) in try await connection.query(
                    "SELECT id, node FROM live_batch WHERE created_ms >= \(since) ORDER BY id", logger: logger
                ).decode((Int64, String).self) where writer != node {
                    missed.append(id)
                }
                for id in missed { try await fold(id, connection, deliver) }
                for try await notification in notifications {
                    let parts = notification.payload.split(separator: " ", maxSplits: 1)
                    guard parts.count == 2, let id = Int64(parts[0]) else { continue }
                    if parts[1] == node { continue }
                    try await fold(id, connection, deliver)
                }
            }
        }
    }

    /// Delivers batch `id` unless it was delivered or restored already.
    private func fold(_ id: Int64, _ connection: PostgresConnection, _ deliver: @Sendable ([RecentPlay]) async -> Void) async throws {
        if lock.withLock({ counted[id] != nil }) { return }
        var plays: [RecentPlay] = []
        let rows = try await connection.query(
            """
            SELECT u.name, l.track, l.artist, l.listened_at * 1000 FROM listen l JOIN lb_user u ON u.id = l.user_id
            WHERE l.batch = \(id)
            UNION ALL
            SELECT user_name, track, coalesce(artist, ''), ts_ms FROM live_event WHERE batch = \(id)
            """, logger: logger)
        for try await (user, track, artist, time) in rows.decode((String, String, String, Int64).self) {
            plays.append(RecentPlay(user: user, track: track, artist: artist, time: time))
        }
        let now = Self.millis()
        let fresh = lock.withLock {
            guard counted[id] == nil else { return false }
            counted[id] = now
            // Heard from the database now: a reconnection catches up from here (less skew).
            mark = max(mark, now - 60_000)
            deliveredBatches += 1
            deliveredPlays += plays.count
            if counted.count > 100_000 || deliveredBatches % 1000 == 0 {
                counted = counted.filter { $0.value > now - 2 * 3_600_000 }
            }
            return true
        }
        if fresh && !plays.isEmpty { await deliver(plays) }
    }
}
