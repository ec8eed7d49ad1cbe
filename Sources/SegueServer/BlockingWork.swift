import Foundation

/// Runs blocking or long work a request needs (hashing a large upload, ordering hundreds of
/// tracks) on threads of its own, at most `limit` at once, so that Swift's cooperative pool, whose
/// few threads answer every request, is never held by it.
enum BlockingWork {
    /// Pieces of work running at once; more wait (on these threads, not the cooperative pool).
    static let limit = 4
    private static let queue = DispatchQueue(label: "segue.blocking-work", attributes: .concurrent)
    private static let slots = DispatchSemaphore(value: limit)

    /// The value of `body`, computed on a dedicated thread.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                slots.wait()
                defer { slots.signal() }
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
