import Foundation
import Logging
import PostgresNIO
import SegueStore

/// Changes other nodes made, as PostgreSQL announces them (LISTEN/NOTIFY): triggers on `job` and
/// `library_track` send `job:<id>`, `owner:<owner>` and `library:<name>` on the schema's
/// `segue_changes_<schema>` channel (channels are per database; schemas must not hear each other).
///
/// A web node's streams (a job's progress, the Library page) wait here instead of re-reading the
/// database on a timer: a worker's progress on another machine reaches the browser as soon as the
/// notification does. Each key has a version that moves with every notification for it, so a
/// stream reads the version, then the database, then waits for the version to move: a change
/// between the read and the wait is never missed. While the listening connection is down (a
/// database restart) every version moves on reconnection, as anything may have changed.
public final class PostgresChangeFeed: StoreChangeFeed, @unchecked Sendable {
    private let lock = NSLock()
    private var versions: [String: UInt64] = [:]
    /// Bumped on reconnection: part of every key's version.
    private var epoch: UInt64 = 0
    private var waiters: [UUID: (keys: Set<String>, continuation: CheckedContinuation<Bool, Never>)] = [:]
    private var task: Task<Void, Never>?
    private let logger: Logger

    /// Starts listening on `backend`'s pool (one connection, held while it listens).
    public init(backend: PostgresBackend, logger: Logger = Logger(label: "segue.postgres.changes")) {
        self.logger = logger
        let client = backend.client
        let channel = "segue_changes_" + backend.location.schema
        task = Task(executorPreference: DedicatedTaskExecutor.shared) { [weak self] in
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: channel) { notifications in
                            self?.reconnected()
                            for try await notification in notifications { self?.notify(notification.payload) }
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    self?.logger.warning("LISTEN connection lost; reconnecting", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    deinit { task?.cancel() }

    /// Stops listening.
    public func close() { task?.cancel() }

    /// Where `keys` (`job:<id>`, `owner:<owner>`, `library:<name>`) stand: a number that grows with
    /// every notification for any of them.
    public func version(_ keys: [String]) -> UInt64 {
        lock.withLock { current(keys) }
    }

    private func current(_ keys: [String]) -> UInt64 {
        keys.reduce(epoch) { $0 &+ (versions[$1] ?? 0) }
    }

    /// Returns once `keys` moved past `since` (true), or after `timeout` (false).
    ///
    /// The answer says which came first, not how long it took: a caller (or a test on a busy
    /// machine, where the waiting task may run seconds after it was resumed) learns whether a change
    /// woke it without reading a clock.
    @discardableResult
    public func wait(_ keys: [String], since: UInt64, timeout: Duration) async -> Bool {
        let id = UUID()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            lock.lock()
            if current(keys) != since {
                lock.unlock()
                continuation.resume(returning: true)
                return
            }
            waiters[id] = (Set(keys), continuation)
            lock.unlock()
            Task {
                try? await Task.sleep(for: timeout)
                self.resume(id)
            }
        }
    }

    private func resume(_ id: UUID) {
        lock.lock()
        let waiter = waiters.removeValue(forKey: id)
        lock.unlock()
        waiter?.continuation.resume(returning: false)
    }

    func notify(_ key: String) {
        lock.lock()
        versions[key, default: 0] &+= 1
        let ready = waiters.filter { $0.value.keys.contains(key) }
        for id in ready.keys { waiters[id] = nil }
        lock.unlock()
        for waiter in ready.values { waiter.continuation.resume(returning: true) }
    }

    /// A new listening connection: notifications may have been missed, so every key moved.
    func reconnected() {
        lock.lock()
        epoch &+= 1
        let all = waiters
        waiters.removeAll()
        lock.unlock()
        for waiter in all.values { waiter.continuation.resume(returning: true) }
    }
}
