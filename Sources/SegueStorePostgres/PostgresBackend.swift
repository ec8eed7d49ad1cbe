import Foundation
import Logging
import PostgresNIO

/// One PostgreSQL database: postgres-nio's connection pool, a synchronous way to use it, and the schema.
///
/// The store protocols are synchronous (`throws`, not `async`), like the SQLite stores that block on
/// their file. Calls here block the calling thread too: a connection is leased by a task on
/// `DedicatedTaskExecutor` (never on Swift's cooperative pool, which the caller may be occupying) and
/// handed to the caller, whose queries run on the pool's own event loops and are waited for there.
/// See docs/design/postgresql.md for why, and what it costs.
///
/// Lost connections (a server restart, a failover) are retried: an operation that fails because
/// its connection broke runs again on a new one, with backoff, for up to `retryWindow`.
public final class PostgresBackend: @unchecked Sendable {
    public let location: PostgresLocation
    /// postgres-nio's client, for async code (LISTEN/NOTIFY, benchmarks of the bridge).
    public let client: PostgresClient
    let logger: Logger
    private let runTask: Task<Void, Never>
    /// How long an operation keeps trying while the database is unreachable.
    public var retryWindow: TimeInterval = 30

    /// The pools' event loops: their own, so a caller on another group's loop (a web server's) may
    /// wait for a query without blocking the loop that must answer it.
    static let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    /// Connects lazily to `location` and brings its schema up to date.
    public init(location: PostgresLocation, logger: Logger = Logger(label: "segue.postgres")) throws {
        self.location = location
        self.logger = logger
        let client = PostgresClient(
            configuration: try location.clientConfiguration(), eventLoopGroup: Self.eventLoopGroup, backgroundLogger: logger)
        self.client = client
        runTask = Task(executorPreference: DedicatedTaskExecutor.shared) { await client.run() }
        do {
            try PostgresMigrations.migrate(self)
        } catch {
            runTask.cancel()
            throw error
        }
    }

    public convenience init(url: String, logger: Logger = Logger(label: "segue.postgres")) throws {
        try self.init(location: PostgresLocation(url: url), logger: logger)
    }

    deinit { runTask.cancel() }

    /// Closes every connection; later calls fail.
    public func close() { runTask.cancel() }

    // MARK: Synchronous use

    /// Runs `body` with a leased connection, retrying the whole of it on a new connection when the
    /// old one broke (so `body` must be safe to run again: one transaction, or reads).
    @discardableResult
    func withConnection<R>(_ body: (BlockingConnection) throws -> R) throws -> R {
        let deadline = Date().addingTimeInterval(retryWindow)
        var attempt = 0
        while true {
            do {
                return try leased(until: deadline, body)
            } catch {
                attempt += 1
                guard Self.isConnectionFailure(error), Date() < deadline else { throw PostgresStoreError.wrap(error) }
                let pause = min(1.0, 0.05 * pow(2, Double(attempt - 1)))
                logger.warning("PostgreSQL connection lost; retrying", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                Thread.sleep(forTimeInterval: pause)
            }
        }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws),
    /// retried as a whole when the connection broke.
    @discardableResult
    func transaction<R>(_ body: (BlockingConnection) throws -> R) throws -> R {
        try withConnection { connection in try connection.transaction(body) }
    }

    /// Runs `body` in one transaction without retries: for work whose input cannot be replayed
    /// (an import reading a file as it goes).
    func transactionOnce<R>(_ body: (BlockingConnection) throws -> R) throws -> R {
        do {
            return try leased(until: Date().addingTimeInterval(retryWindow)) { connection in try connection.transaction(body) }
        } catch {
            throw PostgresStoreError.wrap(error)
        }
    }

    private func leased<R>(until deadline: Date, _ body: (BlockingConnection) throws -> R) throws -> R {
        let handoff = LeaseHandoff()
        let client = self.client
        let task = Task(executorPreference: DedicatedTaskExecutor.shared) {
            do {
                try await client.withConnection { connection in
                    handoff.connection.set(.success(connection))
                    await handoff.untilReleased()
                }
            } catch {
                handoff.connection.set(.failure(error))
            }
        }
        defer { handoff.release() }
        guard let leased = handoff.connection.wait(until: deadline) else {
            task.cancel()
            throw PostgresStoreError.unavailable("no connection to \(location.redacted) within \(Int(retryWindow)) s")
        }
        return try body(BlockingConnection(raw: try leased.get(), logger: logger))
    }

    /// Whether `error` means the connection (not the statement) failed, so a retry may succeed.
    static func isConnectionFailure(_ error: any Error) -> Bool {
        if let e = error as? PSQLError {
            switch e.code {
            case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection: return true
            case .server:
                // 08: connection exception; 57P01-03: admin or crash shutdown, cannot connect now.
                let state = e.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || state == "57P01" || state == "57P02" || state == "57P03"
            default: return false
            }
        }
        if error is ChannelError || error is IOError { return true }
        return "\(type(of: error))".contains("ConnectionPoolError")
    }
}

/// A leased connection used synchronously: each query is sent on the connection's event loop and
/// waited for on the calling thread.
struct BlockingConnection {
    let raw: PostgresConnection
    let logger: Logger

    @discardableResult
    func query(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try Self.wait(for: raw.query(query, logger: logger), on: raw)
    }

    /// Waits for `future`, watching the connection while it waits.
    ///
    /// postgres-nio (1.33) can lose a query sent on a connection the server has just closed: after
    /// `pg_terminate_backend` on a connection idle in the pool, the next query leased on it never
    /// completed, with its socket already gone (seen in the test suite, a stack dump of the stuck
    /// test). So the wait wakes twice a second; once the connection reads as closed it gives the
    /// future `grace` more, then reports the connection lost, which `withConnection` retries on a
    /// new connection.
    static func wait<T: Sendable>(
        for future: EventLoopFuture<T>, on connection: PostgresConnection, grace: TimeInterval = 2
    ) throws -> T {
        let done = DispatchSemaphore(value: 0)
        future.whenComplete { _ in done.signal() }
        var closedAt: Date?
        while done.wait(timeout: .now() + .milliseconds(500)) == .timedOut {
            guard connection.isClosed else { continue }
            let since = closedAt ?? Date()
            closedAt = since
            if Date().timeIntervalSince(since) >= grace { throw ChannelError.ioOnClosedChannel }
        }
        return try future.wait()
    }

    /// Runs SQL without parameters.
    func execute(_ sql: String) throws {
        try query(PostgresQuery(unsafeSQL: sql))
    }

    /// Rows a statement changed.
    func changes(_ query: PostgresQuery) throws -> Int {
        try self.query(query).metadata.rows ?? 0
    }

    func transaction<R>(_ body: (BlockingConnection) throws -> R) throws -> R {
        try execute("BEGIN")
        let result: R
        do {
            result = try body(self)
        } catch {
            do {
                try execute("ROLLBACK")
            } catch let rollbackError {
                // The connection is unusable: close it, so the pool does not hand it out again.
                logger.warning("ROLLBACK failed; closing the connection", metadata: ["error": "\(rollbackError)"])
                raw.close().whenComplete { _ in }
            }
            throw error
        }
        try execute("COMMIT")
        return result
    }
}

/// A connection passed from the task that leased it to the thread that uses it, and its return.
final class LeaseHandoff: @unchecked Sendable {
    let connection = Outcome<PostgresConnection>()
    private let lock = NSLock()
    private var released = false
    private var waiter: CheckedContinuation<Void, Never>?

    func untilReleased() async {
        await withCheckedContinuation { (k: CheckedContinuation<Void, Never>) in
            lock.lock()
            if released {
                lock.unlock()
                k.resume()
            } else {
                waiter = k
                lock.unlock()
            }
        }
    }

    func release() {
        lock.lock()
        released = true
        let k = waiter
        waiter = nil
        lock.unlock()
        k?.resume()
    }
}

extension PostgresBackend {
    /// The schema version this build writes.
    public static var schemaVersion: Int { PostgresMigrations.steps.count }

    /// The schema version the database is at.
    public func schemaVersion() throws -> Int {
        try withConnection { db in
            try db.query("SELECT version FROM segue_schema_version").rows.first?.decode(Int.self) ?? 0
        }
    }

    /// Drops this store's own schema and everything in it (benchmarks clean up their runs);
    /// `public` is never dropped.
    public func dropSchema() throws {
        guard location.schema != "public" else { throw PostgresStoreError.unsupported("dropping the public schema") }
        try withConnection { db in try db.execute("DROP SCHEMA IF EXISTS \(location.schema) CASCADE") }
    }

    /// Ends every server connection named `applicationName` (see `PostgresLocation`), as an
    /// operator would to move a node off the database; returns how many. Their pools reconnect.
    public func terminateConnections(applicationName: String) throws -> Int {
        try withConnection { db in
            try db.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(applicationName) AND pid <> pg_backend_pid()"
            ).rows.count
        }
    }
}
