import Foundation
import Logging
import SegueStore
import ServiceLifecycle

/// Runs the job work of `segue serve` in `segue worker` child processes, so that a trap, a crash,
/// a hang or runaway memory in an import, a render or an analysis costs that job and never the server.
///
/// Each child runs one job at a time under its own worker id (the queue's lease names it), reads
/// nothing from its standard input and exits when that pipe closes: when the server dies, however
/// it dies, its children follow. When a child dies unasked, the jobs it held are recorded at once
/// (`JobStore.abandonJobs`: failed with a reason a person can read, or queued again once when they
/// allow more attempts; a job that took a worker down runs at most once more), and a new child
/// starts after a backoff that grows while children keep dying young. A child whose job reports no
/// progress for `stallSeconds` is killed the same way. Children say on their standard output when
/// an import changed a profile, so the server's chart cache forgets it.
public final class WorkerSupervisor: @unchecked Sendable {
    /// How the children are started.
    public struct Options: Sendable {
        /// The `segue` executable.
        public var executable: String
        /// Child processes (each runs one job at a time).
        public var count: Int
        public var dataDirectory: String
        /// A `postgres://` URL, handed to the children in their environment (not on a command line
        /// every user can read).
        public var database: String?
        /// The children's job leases (short: the supervisor, not the lease, notices a dead child).
        public var leaseMillis: Int64 = 6_000
        /// A running job whose progress does not move for this long has its child killed.
        public var stallSeconds: Double = 600
        /// Each child's limit on private memory (`RLIMIT_DATA`), in bytes; nil for none.
        public var memoryLimitBytes: Int? = 4 * 1024 * 1024 * 1024
        /// Extra environment for the children (tests).
        public var environment: [String: String] = [:]

        public init(executable: String, count: Int, dataDirectory: String, database: String? = nil) {
            self.executable = executable
            self.count = count
            self.dataDirectory = dataDirectory
            self.database = database
        }
    }

    /// What a child prints on its standard output when an import changed a profile.
    public static let profileChangedPrefix = "segue-worker: profile-changed "

    public let options: Options
    let store: any JobStore
    let now: @Sendable () -> Int64
    let logger: Logger
    let onProfileChanged: @Sendable (String) -> Void

    private final class Child: @unchecked Sendable {
        let slot: Int
        let workerID: String
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        let started = Date()
        /// Why the supervisor killed it, when it did.
        var killReason: String?
        /// The job last seen running here, with its progress, and since when that has not moved.
        var watched: (job: String, progress: Double, detail: String?, since: Date)?

        init(slot: Int, workerID: String) {
            self.slot = slot
            self.workerID = workerID
        }
    }

    private let lock = NSCondition()
    private var children: [Int: Child] = [:]
    private var stopping = false
    private var started = false
    private var watchdogRunning = false
    private var quickDeaths: [Int: Int] = [:]
    private var generation = 0
    private let baseID: String

    public init(
        options: Options, store: any JobStore, now: @escaping @Sendable () -> Int64, logger: Logger,
        onProfileChanged: @escaping @Sendable (String) -> Void
    ) {
        self.options = options
        self.store = store
        self.now = now
        self.logger = logger
        self.onProfileChanged = onProfileChanged
        baseID = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Worker ids of the children running now.
    public var workerIDs: [String] {
        lock.lock()
        defer { lock.unlock() }
        return children.values.sorted { $0.slot < $1.slot }.map(\.workerID)
    }

    /// Process ids of the children running now.
    public var processIDs: [Int32] {
        lock.lock()
        defer { lock.unlock() }
        return children.values.sorted { $0.slot < $1.slot }.map(\.process.processIdentifier)
    }

    /// Starts the children and the watchdog.
    public func start() throws {
        lock.lock()
        guard !started else {
            lock.unlock()
            return
        }
        started = true
        lock.unlock()
        for slot in 0..<options.count { try spawn(slot: slot) }
        lock.lock()
        watchdogRunning = true
        lock.unlock()
        let watchdog = Thread { [self] in watchdogLoop() }
        watchdog.name = "segue-supervisor-watchdog"
        watchdog.start()
    }

    /// Stops every child (SIGTERM: each gives its running job back to the queue) and waits up to
    /// `timeout` seconds for them, then kills what is left.
    public func stop(timeout: Double = 15) {
        lock.lock()
        stopping = true
        let running = Array(children.values)
        lock.broadcast()
        lock.unlock()
        for child in running where child.process.isRunning { child.process.terminate() }
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        while (!children.isEmpty || watchdogRunning) && Date() < deadline { _ = lock.wait(until: min(deadline, Date().addingTimeInterval(0.1))) }
        let left = Array(children.values)
        lock.unlock()
        for child in left where child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) }
        for child in left { child.process.waitUntilExit() }
    }

    private func nextWorkerID(slot: Int) -> String {
        lock.lock()
        generation += 1
        let id = "\(baseID)-w\(slot)-\(generation)"
        lock.unlock()
        return id
    }

    private func spawn(slot: Int) throws {
        let child = Child(slot: slot, workerID: nextWorkerID(slot: slot))
        let process = child.process
        process.executableURL = URL(fileURLWithPath: options.executable)
        var arguments = [
            "worker", "--supervised", "--worker-id", child.workerID, "--workers", "1", "--data", options.dataDirectory,
            "--lease-seconds", String(Double(options.leaseMillis) / 1000),
        ]
        if let memory = options.memoryLimitBytes { arguments += ["--memory-limit-mb", String(max(1, memory / (1024 * 1024)))] }
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SEGUE_WORKER_DATABASE"] = options.database
        for (key, value) in options.environment { environment[key] = value }
        process.environment = environment
        process.standardInput = child.input
        process.standardOutput = child.output
        process.standardError = FileHandle.standardError
        process.terminationHandler = { [weak self] _ in self?.died(child) }
        lock.lock()
        if stopping {
            lock.unlock()
            return
        }
        children[slot] = child
        lock.unlock()
        do {
            try process.run()
        } catch {
            lock.lock()
            children[slot] = nil
            lock.broadcast()
            lock.unlock()
            throw error
        }
        // Process closed our copy of the read end; we keep the write end open and never write, so
        // the child reads end-of-file when this process dies, however it dies.
        let reader = Thread { [self] in readOutput(child) }
        reader.name = "segue-supervisor-output"
        reader.start()
        logger.info(
            "worker process started",
            metadata: ["worker": "\(child.workerID)", "pid": "\(process.processIdentifier)"])
    }

    /// Lines a child prints: profile changes for the chart cache; anything else goes to our output.
    private func readOutput(_ child: Child) {
        let handle = child.output.fileHandleForReading
        var pending = Data()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if line.hasPrefix(Self.profileChangedPrefix) {
                    onProfileChanged(String(line.dropFirst(Self.profileChangedPrefix.count)))
                } else if !line.isEmpty {
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                }
            }
        }
        try? handle.close()
    }

    /// What a job was doing, for the reason a person reads ("rendering this job").
    static func activity(_ kind: String) -> String {
        switch kind {
        case "render", RecapVideoParameters.kind: "rendering"
        case "import": "importing"
        case "analyze": "analysing"
        default: "running"
        }
    }

    /// How a child ended, in words.
    static func ending(_ process: Process) -> String {
        let status = process.terminationStatus
        guard process.terminationReason == .uncaughtSignal else { return "it exited with status \(status)" }
        let names: [Int32: String] = [
            SIGSEGV: "SIGSEGV", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGKILL: "SIGKILL",
            SIGFPE: "SIGFPE", SIGTERM: "SIGTERM",
        ]
        return "it was stopped by signal \(status) (\(names[status] ?? "signal"))"
    }

    private func died(_ child: Child) {
        lock.lock()
        let expected = stopping
        let killReason = child.killReason
        if children[child.slot] === child { children[child.slot] = nil }
        lock.broadcast()
        lock.unlock()
        let how = Self.ending(child.process)
        if expected {
            logger.info("worker process stopped", metadata: ["worker": "\(child.workerID)", "how": "\(how)"])
            return
        }
        // The jobs it held: failed with the reason (or queued once more), at once rather than when
        // their leases expire.
        do {
            let held = try store.jobs(leasedTo: child.workerID)
            let kind = Set(held.map(\.kind)).count == 1 ? held[0].kind : ""
            let cause = killReason ?? how
            let reason = "the worker stopped while \(Self.activity(kind)) this job (\(cause))"
            let abandoned = try store.abandonJobs(of: child.workerID, error: reason, millis: now())
            logger.error(
                "worker process died",
                metadata: [
                    "worker": "\(child.workerID)", "how": "\(how)",
                    "jobs": "\(abandoned.map { "\($0.id) \($0.kind) -> \($0.state.rawValue)" }.joined(separator: ", "))",
                ])
        } catch {
            logger.error(
                "worker process died; its jobs are claimed again when their leases expire",
                metadata: ["worker": "\(child.workerID)", "how": "\(how)", "error": "\(error)"])
        }
        // Restart with a backoff that doubles while children die within ten seconds of starting.
        lock.lock()
        let young = Date().timeIntervalSince(child.started) < 10
        let deaths = young ? quickDeaths[child.slot, default: 0] + 1 : 0
        quickDeaths[child.slot] = deaths
        lock.unlock()
        let delay = deaths == 0 ? 0.1 : min(30, 0.25 * pow(2, Double(deaths - 1)))
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in
            lock.lock()
            let quit = stopping
            lock.unlock()
            guard !quit else { return }
            do {
                try spawn(slot: child.slot)
            } catch {
                logger.error("cannot start a worker process", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Every second: a child whose job has not moved for `stallSeconds` is killed (it hangs).
    private func watchdogLoop() {
        defer {
            lock.lock()
            watchdogRunning = false
            lock.broadcast()
            lock.unlock()
        }
        while true {
            lock.lock()
            let due = Date().addingTimeInterval(1)
            while !stopping && Date() < due { _ = lock.wait(until: due) }
            if stopping {
                lock.unlock()
                return
            }
            let current = Array(children.values)
            lock.unlock()
            for child in current {
                guard let job = (try? store.jobs(leasedTo: child.workerID))?.first else {
                    lock.lock()
                    child.watched = nil
                    lock.unlock()
                    continue
                }
                lock.lock()
                if let seen = child.watched, seen.job == job.id, seen.progress == job.progress, seen.detail == job.detail {
                    let still = Date().timeIntervalSince(seen.since)
                    if still >= options.stallSeconds && child.killReason == nil {
                        child.killReason = "it made no progress for \(Int(still)) s and was stopped"
                        lock.unlock()
                        logger.error(
                            "a job stopped making progress; killing its worker process",
                            metadata: ["job": "\(job.id)", "worker": "\(child.workerID)"])
                        kill(child.process.processIdentifier, SIGKILL)
                        continue
                    }
                } else {
                    child.watched = (job.id, job.progress, job.detail, Date())
                }
                lock.unlock()
            }
        }
    }
}

/// Starts the worker processes with the server and stops them on shutdown (their running jobs go
/// back to the queue).
public struct WorkerSupervisorService: Service {
    let supervisor: WorkerSupervisor

    public init(supervisor: WorkerSupervisor) {
        self.supervisor = supervisor
    }

    public func run() async throws {
        try supervisor.start()
        try? await gracefulShutdown()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread { [supervisor] in
                supervisor.stop()
                done.resume()
            }.start()
        }
    }
}
