import Synchronization

/// Slows password guessing on `/login`: each address may get the password wrong five times; after
/// that it must wait before each new try, 2 s after the sixth miss, doubling up to 15 minutes. While
/// an address waits, its tries are refused without checking the password (so they tell the guesser
/// nothing). A right password clears the address's record. Many guesses at once count as many
/// guesses: a try is counted when it starts, not when it fails.
///
/// At most `capacity` addresses are remembered (the stalest forgotten first), so a crowd of
/// addresses cannot grow the table without bound. Per process: each node of a cluster keeps its own.
final class LoginThrottle: Sendable {
    /// Misses allowed before an address has to wait.
    static let freeMisses = 5
    static let longestWaitMillis: Int64 = 15 * 60 * 1000
    let capacity: Int

    private struct Record {
        var misses: Int
        var lockedUntil: Int64
        var lastSeen: Int64
    }

    private let records = Mutex<[String: Record]>([:])

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// Before checking a password from `address` at `now` (milliseconds): nil to go ahead (the try
    /// is counted as a miss until `succeeded` clears it), or how many seconds the address must wait.
    func begin(address: String, now: Int64) -> Int? {
        records.withLock { table in
            var record = table[address] ?? Record(misses: 0, lockedUntil: 0, lastSeen: now)
            if now < record.lockedUntil {
                return Int((record.lockedUntil - now + 999) / 1000)
            }
            record.misses += 1
            record.lastSeen = now
            if record.misses > Self.freeMisses {
                let doublings = min(record.misses - Self.freeMisses - 1, 20)
                record.lockedUntil = now + min(2_000 << Int64(doublings), Self.longestWaitMillis)
            }
            if table[address] == nil && table.count >= capacity, let stalest = table.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
                table[stalest.key] = nil
            }
            table[address] = record
            return nil
        }
    }

    /// The password was right: the address starts afresh.
    func succeeded(address: String) {
        records.withLock { _ = $0.removeValue(forKey: address) }
    }
}
