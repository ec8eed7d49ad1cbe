import Foundation

/// A task executor with threads of its own, outside Swift's cooperative pool.
///
/// The store protocols are synchronous, so their PostgreSQL implementations block the calling
/// thread while postgres-nio's async work (leasing a connection, the pool's background task) runs.
/// When that caller is itself a cooperative thread (a web request handler), the async work must not
/// need a cooperative thread to make progress: on a 2-core machine the pool has two, and two blocked
/// requests would wait forever. Tasks started with this executor as their preference (and their
/// child tasks) run here instead.
final class DedicatedTaskExecutor: TaskExecutor, @unchecked Sendable {
    /// Shared by every PostgreSQL store of the process.
    static let shared = DedicatedTaskExecutor(threads: 2, name: "segue-postgres")

    private let condition = NSCondition()
    private var queue: [UnownedJob] = []
    private var head = 0

    init(threads: Int, name: String) {
        for index in 0..<threads {
            let thread = Thread { [self] in loop() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while head == queue.count { condition.wait() }
            let job = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1_024 && head * 2 >= queue.count {
                // A queue that never runs dry must not keep every job it ever ran.
                queue.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    /// Runs `operation` here and blocks the calling thread until it finishes.
    func blockingRun<R: Sendable>(_ operation: @escaping @Sendable () async throws -> R) throws -> R {
        let box = Outcome<R>()
        Task(executorPreference: self) {
            do { box.set(.success(try await operation())) } catch { box.set(.failure(error)) }
        }
        return try box.wait().get()
    }
}

/// A value handed from one thread to another, waited for with a condition.
final class Outcome<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Result<T, any Error>?

    func set(_ result: Result<T, any Error>) {
        condition.lock()
        if value == nil { value = result }
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> Result<T, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value!
    }

    /// The value, or nil once `deadline` passes.
    func wait(until deadline: Date) -> Result<T, any Error>? {
        condition.lock()
        defer { condition.unlock() }
        while value == nil {
            if !condition.wait(until: deadline) { break }
        }
        return value
    }
}
