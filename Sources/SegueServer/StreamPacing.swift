import Foundation
import SegueStore

/// How a stream (a job's progress, the Library page) waits before it reads the store again.
///
/// On SQLite it polls every 200 ms. On PostgreSQL it waits for the database to announce a change
/// (a `StoreChangeFeed`: LISTEN/NOTIFY, so a worker's progress on another machine arrives at once)
/// and reads again after a second at the latest.
struct StreamPacing: Sendable {
    let changes: (any StoreChangeFeed)?

    /// Where the stream stands; read before the store, so a change in between is not missed.
    func version(_ keys: [String]) -> UInt64 { changes?.version(keys) ?? 0 }

    /// Returns when one of `keys` changed after `version`, or after the polling interval.
    func wait(_ keys: [String], since version: UInt64) async throws {
        guard let changes else { return try await Task.sleep(for: .milliseconds(200)) }
        await changes.wait(keys, since: version, timeout: .seconds(1))
        try Task.checkCancellation()
    }

    static func job(_ id: String) -> String { "job:\(id)" }
    static func owner(_ owner: String) -> String { "owner:\(owner)" }
    static func library(_ name: String) -> String { "library:\(name)" }
}
