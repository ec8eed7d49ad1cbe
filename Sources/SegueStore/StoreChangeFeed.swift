/// Changes other processes made to the stores, as a shared database announces them: a stream (a
/// job's progress, the Library page) waits here instead of re-reading the store on a timer.
///
/// Each key has a version that moves with every change to it, so a stream reads the version,
/// then the store, then waits for the version to move: a change in between is never missed.
public protocol StoreChangeFeed: Sendable {
    /// The current version of `keys` together.
    func version(_ keys: [String]) -> UInt64
    /// Returns when the version of `keys` moved past `since` (true), or after `timeout` (false).
    @discardableResult
    func wait(_ keys: [String], since: UInt64, timeout: Duration) async -> Bool
}
