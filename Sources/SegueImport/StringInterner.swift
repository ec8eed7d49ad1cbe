import Foundation

/// Gives each distinct string read during a parse one small integer and one `String`.
///
/// An export repeats the same few thousand track names, artists, URIs, reasons and platforms across
/// hundreds of thousands of records. Keyed by the raw UTF-8 bytes, a repeat costs a hash and a
/// comparison of a few words: no allocation, no UTF-8 validation and no reference counting per record.
/// The empty string is not interned: it reads as "no value" (`none`), as the importer treats it.
final class StringInterner {
    static let none: Int32 = -1

    private(set) var strings: [String] = []
    /// The bytes of every interned string, one after another.
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity: Int
    private var starts: [Int] = []
    private var counts: [Int] = []
    /// Open addressing, a power-of-two count: the hash's high 32 bits, then id + 1 (0 is an empty slot).
    private var slots: [UInt64]

    init(capacity: Int = 4096) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slots = [UInt64](repeating: 0, count: n)
        arenaCapacity = max(1024, capacity * 32)
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit { arena.deallocate() }

    var count: Int { strings.count }

    subscript(id: Int32) -> String { strings[Int(id)] }

    /// The id of these bytes (UTF-8; invalid sequences are repaired in the `String`), or `none` when empty.
    func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let n = bytes.count
        guard n > 0, let p = bytes.baseAddress else { return Self.none }
        let hash = Self.hash(p, n)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let id = Int(entry & 0xFFFF_FFFF) - 1
                if counts[id] == n && Self.same(arena + starts[id], p, n) { return Int32(id) }
            }
            slot = (slot + 1) & mask
        }
        let id = strings.count
        strings.append(String(decoding: bytes, as: UTF8.self))
        if arenaCount + n > arenaCapacity {
            var bigger = arenaCapacity * 2
            while arenaCount + n > bigger { bigger *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
            arenaCapacity = bigger
        }
        (arena + arenaCount).update(from: p, count: n)
        starts.append(arenaCount)
        counts.append(n)
        arenaCount += n
        slots[slot] = tag | UInt64(id + 1)
        if strings.count * 2 > slots.count { grow() }
        return Int32(id)
    }

    /// The id of a string built elsewhere (an unescaped value).
    func intern(_ string: String) -> Int32 {
        var s = string
        return s.withUTF8 { intern($0) }
    }

    private func grow() {
        var bigger = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for id in 0..<strings.count {
            let hash = Self.hash(arena + starts[id], counts[id])
            var slot = Int(truncatingIfNeeded: hash) & mask
            while bigger[slot] != 0 { slot = (slot + 1) & mask }
            bigger[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(id + 1)
        }
        slots = bigger
    }

    @inline(__always)
    private static func same(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let ra = UnsafeRawPointer(a)
        let rb = UnsafeRawPointer(b)
        var i = 0
        while i + 8 <= n {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// A fast non-cryptographic hash, 8 bytes at a time (the table is private to one parse, so
    /// flooding is not a concern).
    @inline(__always)
    static func hash(_ p8: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        let p = UnsafeRawPointer(p8)
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        while i + 8 <= n {
            h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(p8[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        }
        h ^= h >> 29
        h = h &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 32)
    }
}
