import Foundation

/// Group commit for live ingest, written once for every backend: callers hand in their rows and
/// wait; one commit thread writes every request that arrived while the previous transaction
/// committed in the next one, so a burst of requests costs one commit, not one per request.
///
/// `write` gets the requests in arrival order and returns, per request, one flag per row (whether
/// the row was new); an error fails every request of that transaction. The thread starts on the
/// first request and stops once `close` is called and the queue is empty (a request after that
/// starts it again).
public final class GroupCommitQueue<Request: Sendable>: @unchecked Sendable {
    private let threadName: String
    private let write: ([Request]) throws -> [[Bool]]
    /// Guards `pending`, `stopping` and `running`; never held while writing.
    private let condition = NSCondition()
    private var pending: [(request: Request, done: CheckedContinuation<[Bool], any Error>)] = []
    private var stopping = false
    private var running = false

    /// - Parameters:
    ///   - threadName: the commit thread's name (in debuggers and `top -H`).
    ///   - write: one transaction for the requests; runs on the commit thread only.
    public init(threadName: String, write: @escaping ([Request]) throws -> [[Bool]]) {
        self.threadName = threadName
        self.write = write
    }

    /// Requests queued for the next transaction.
    public var waiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return pending.count
    }

    /// Queues `request` and returns once its transaction has committed: per row, whether it was new.
    public func submit(_ request: Request) async throws -> [Bool] {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            if !running {
                running = true
                // The thread holds the queue until it stops, so the queue outlives every request.
                let thread = Thread { self.commitLoop() }
                thread.name = threadName
                thread.start()
            }
            pending.append((request, continuation))
            condition.signal()
            condition.unlock()
        }
    }

    /// Stops the commit thread after what is queued is written.
    public func close() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func commitLoop() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            if pending.isEmpty && stopping {
                running = false
                condition.unlock()
                return
            }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            condition.unlock()
            // Requests that arrive while this commits wait for the next transaction.
            switch Result(catching: { try write(batch.map(\.request)) }) {
            case .success(let fresh):
                for (k, item) in batch.enumerated() { item.done.resume(returning: k < fresh.count ? fresh[k] : []) }
            case .failure(let error): for item in batch { item.done.resume(throwing: error) }
            }
        }
    }
}
