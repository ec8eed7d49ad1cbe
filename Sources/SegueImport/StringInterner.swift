import Foundation
import SegueStore

/// Gives each distinct string read during a parse one small integer and one `String`.
///
/// An export repeats the same few thousand track names, artists, URIs, reasons and platforms across
/// hundreds of thousands of records. Keyed by the raw UTF-8 bytes, a repeat costs a hash and a
/// comparison of a few words: no allocation, no UTF-8 validation and no reference counting per
/// record (the table lives in manually managed memory, so a lookup touches no Swift array).
/// The empty string is not interned: it reads as "no value" (`none`), as the importer treats it.
final class StringInterner {
    static let none: Int32 = -1

    private(set) var strings: [String] = []
    /// The bytes of every interned string, one after another.
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity: Int
    /// Per id: where its bytes start in the arena, and how many there are.
    private var spans: UnsafeMutablePointer<(start: Int, count: Int)>
    private var spanCapacity: Int
    /// Open addressing, a power-of-two count: the hash's high 32 bits, then id + 1 (0 is an empty slot).
    private var slots: UnsafeMutablePointer<UInt64>
    private var slotCount: Int
    private var count_ = 0

    /// Numbers the items (tracks, episodes, chapters) read with these strings, keyed as the
    /// importer's `BatchBuilder` keys them (kind and interned ids), so an item has one number in
    /// every batch built from this table (`PlayBatch.itemTokens`, under `itemTokenSource`).
    let itemTokenSource = PlayBatch.newTokenSource()
    private var itemTokens: [ItemKey: Int32] = [:]

    /// An item as the importer keys it: its kind and URI (`none` without one), and the names the
    /// record gave it, as interned ids. Names are part of the key: one URI under other names is
    /// another variant of the same track (the store chooses which names the track shows).
    struct ItemKey: Hashable {
        var kindAndURI: UInt64
        var title: Int32
        var creator: Int32
        var album: Int32
        /// The listen's ISRC and recording MBID ids (each `UInt32(bitPattern:)`, ISRC high): a
        /// listen with identifiers is an item of its own, so the store sees them.
        var identifiers: UInt64 = ItemKey.noIdentifiers

        static let noIdentifiers = UInt64(UInt32(bitPattern: StringInterner.none)) << 32 | UInt64(UInt32(bitPattern: StringInterner.none))
    }

    /// The number of the item with this key (a new one the first time).
    func itemToken(_ key: ItemKey) -> Int32 {
        if let known = itemTokens[key] { return known }
        let token = Int32(itemTokens.count)
        itemTokens[key] = token
        return token
    }

    init(capacity: Int = 4096) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        slotCount = n
        slots = .allocate(capacity: n)
        slots.initialize(repeating: 0, count: n)
        spanCapacity = max(16, capacity)
        spans = .allocate(capacity: spanCapacity)
        arenaCapacity = max(1024, capacity * 32)
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        arena.deallocate()
        spans.deallocate()
        slots.deallocate()
    }

    var count: Int { count_ }

    subscript(id: Int32) -> String { strings[Int(id)] }

    /// The bytes of `id` (valid until the next string is interned).
    func bytes(of id: Int32) -> UnsafeBufferPointer<UInt8> {
        let span = spans[Int(id)]
        return UnsafeBufferPointer(start: arena + span.start, count: span.count)
    }

    /// The id of these bytes (UTF-8; invalid sequences are repaired in the `String`), or `none` when empty.
    @inline(__always)
    func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let n = bytes.count
        guard n > 0, let p = bytes.baseAddress else { return Self.none }
        let hash = Self.hash(p, n)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        let mask = slotCount - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let id = Int(entry & 0xFFFF_FFFF) - 1
                let span = spans[id]
                if span.count == n && Self.same(arena + span.start, p, n) { return Int32(id) }
            }
            slot = (slot + 1) & mask
        }
        return add(p, n, hash: hash, slot: slot)
    }

    private func add(_ p: UnsafePointer<UInt8>, _ n: Int, hash: UInt64, slot: Int) -> Int32 {
        let id = count_
        strings.append(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        if arenaCount + n > arenaCapacity {
            var bigger = arenaCapacity * 2
            while arenaCount + n > bigger { bigger *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
            arenaCapacity = bigger
        }
        if id == spanCapacity {
            let grown = UnsafeMutablePointer<(start: Int, count: Int)>.allocate(capacity: spanCapacity * 2)
            grown.moveInitialize(from: spans, count: id)
            spans.deallocate()
            spans = grown
            spanCapacity *= 2
        }
        (arena + arenaCount).update(from: p, count: n)
        (spans + id).initialize(to: (arenaCount, n))
        arenaCount += n
        slots[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(id + 1)
        count_ += 1
        if count_ * 2 > slotCount { grow() }
        return Int32(id)
    }

    /// The id of a string built elsewhere (an unescaped value).
    func intern(_ string: String) -> Int32 {
        var s = string
        return s.withUTF8 { intern($0) }
    }

    private func grow() {
        let bigger = slotCount * 2
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: bigger)
        table.initialize(repeating: 0, count: bigger)
        let mask = bigger - 1
        for id in 0..<count_ {
            let span = spans[id]
            let hash = Self.hash(arena + span.start, span.count)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(id + 1)
        }
        slots.deallocate()
        slots = table
        slotCount = bigger
    }

    /// The last `n` (< 8) bytes at `p`, as the low bytes of a word.
    @inline(__always)
    private static func shortWord(_ p: UnsafeRawPointer, _ n: Int) -> UInt64 {
        var w: UInt64 = 0
        if n >= 4 {
            w = UInt64(p.loadUnaligned(as: UInt32.self)) | UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
        } else {
            for i in 0..<n { w |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << (8 * UInt64(i)) }
        }
        return w
    }

    /// Whether `n` bytes at `a8` and `b8` are equal, compared a word at a time inline (these compares
    /// run millions of times per import; a `memcmp` call costs more). JSON keys use it too.
    @inline(__always)
    static func same(_ a8: UnsafePointer<UInt8>, _ b8: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let a = UnsafeRawPointer(a8)
        let b = UnsafeRawPointer(b8)
        if n < 8 { return shortWord(a, n) == shortWord(b, n) }
        var i = 0
        while i + 8 <= n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        // The last word, overlapping the ones compared.
        return i == n
            || a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }

    /// A fast non-cryptographic hash, 8 bytes at a time (the table is private to one parse, so
    /// flooding is not a concern).
    @inline(__always)
    static func hash(_ p8: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        let p = UnsafeRawPointer(p8)
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        if n < 8 {
            h = (h ^ shortWord(p, n)) &* 0xFF51_AFD7_ED55_8CCD
        } else {
            var i = 0
            while i + 8 <= n {
                h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 32
                i += 8
            }
            if i < n { h = (h ^ p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53 }
        }
        h ^= h >> 29
        h = h &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 32)
    }
}
