import Foundation

/// A compact binary form of `MusicColumns` for storing in a database (little-endian, versioned).
extension MusicColumns {
    static let magic: UInt32 = 0x434D_4753  // "SGMC"
    /// Version 2 stores the play columns as variable-length integers (end times as differences
    /// from the previous play): about a third of version 1's fixed-width size for an export. Version
    /// 1 (every column fixed-width) is still read: stores written before keep it until an import
    /// rewrites the columns.
    /// Version 3 adds each play's source and each track's known length (`trackLengths`).
    /// Version 4 adds the tracks' ISRCs and recording MBIDs, as (track, text) pairs of those that have one.
    static let formatVersion: UInt32 = 4

    /// Errors reading an encoded form.
    public struct DecodingError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The encoded bytes.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(endTimes.count * 16 + trackNames.count * 48 + 64)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func array<T: FixedWidthInteger>(_ a: [T]) {
            u32(UInt32(a.count))
            a.withUnsafeBufferPointer { buffer in
                // Little-endian on every platform Swift runs Segue on.
                out.append(contentsOf: UnsafeRawBufferPointer(buffer))
            }
        }
        func strings(_ a: [String]) {
            u32(UInt32(a.count))
            for s in a {
                var s = s
                s.withUTF8 { u in
                    u32(UInt32(u.count))
                    out.append(contentsOf: u)
                }
            }
        }
        /// A column as LEB128 varints of zigzag values (differences from the previous value when
        /// `delta`), after its length in bytes.
        func varints(_ count: Int, delta: Bool, _ value: (Int) -> Int64) {
            let bytes = [UInt8](unsafeUninitializedCapacity: count * 10) { buffer, written in
                var at = 0
                var previous: Int64 = 0
                for i in 0..<count {
                    let v = value(i)
                    let d = delta ? v &- previous : v
                    previous = v
                    var z = UInt64(bitPattern: (d << 1) ^ (d >> 63))
                    while z >= 0x80 {
                        buffer[at] = UInt8(truncatingIfNeeded: z) | 0x80
                        at += 1
                        z >>= 7
                    }
                    buffer[at] = UInt8(z)
                    at += 1
                }
                written = at
            }
            u32(UInt32(bytes.count))
            out.append(contentsOf: bytes)
        }
        u32(Self.magic)
        u32(Self.formatVersion)
        u32(UInt32(endTimes.count))
        endTimes.withUnsafeBufferPointer { e in varints(e.count, delta: true) { e[$0] } }
        milliseconds.withUnsafeBufferPointer { m in varints(m.count, delta: false) { Int64(m[$0]) } }
        trackOfPlay.withUnsafeBufferPointer { t in varints(t.count, delta: false) { Int64(t[$0]) } }
        let sources = self.sources.count == endTimes.count ? self.sources : [UInt8](repeating: 0, count: endTimes.count)
        sources.withUnsafeBufferPointer { s in varints(s.count, delta: false) { Int64(s[$0]) } }
        array(Self.lengths(trackCount: trackNames.count, trackOfPlay: trackOfPlay, milliseconds: milliseconds))
        strings(trackNames)
        strings(trackURIs)
        array(trackArtist)
        array(trackAlbum)
        strings(artistNames)
        strings(albumNames)
        strings(albumArtistNames)
        for column in [trackISRCs, trackMBIDs] {
            let given = column.indices.filter { !column[$0].isEmpty }
            u32(UInt32(given.count))
            for t in given {
                u32(UInt32(t))
                var s = column[t]
                s.withUTF8 { u in
                    u32(UInt32(u.count))
                    out.append(contentsOf: u)
                }
            }
        }
        return out
    }

    /// Decodes bytes written by `encoded()`.
    public init(decoding bytes: UnsafeRawBufferPointer) throws {
        var at = 0
        func fail(_ what: String) -> DecodingError { DecodingError(description: "music columns: \(what) at byte \(at)") }
        func u32() throws -> UInt32 {
            guard at + 4 <= bytes.count else { throw fail("truncated") }
            let v = bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)
            at += 4
            return UInt32(littleEndian: v)
        }
        func array<T: FixedWidthInteger>(_: T.Type) throws -> [T] {
            let n = Int(try u32())
            let size = n * MemoryLayout<T>.stride
            guard at + size <= bytes.count else { throw fail("truncated array") }
            let a = [T](unsafeUninitializedCapacity: n) { buffer, count in
                if n > 0 {
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + size)]))
                }
                count = n
            }
            at += size
            return a
        }
        func strings() throws -> [String] {
            let n = Int(try u32())
            var a: [String] = []
            a.reserveCapacity(n)
            for _ in 0..<n {
                let len = Int(try u32())
                guard at + len <= bytes.count else { throw fail("truncated string") }
                a.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + len)]), as: UTF8.self))
                at += len
            }
            return a
        }
        /// `n` values written by `encoded()`'s `varints`, converted by `make` (nil: out of range).
        func varints<T>(_ n: Int, delta: Bool, _ make: (Int64) -> T?) throws -> [T] {
            let size = Int(try u32())
            guard at + size <= bytes.count else { throw fail("truncated column") }
            let start = at
            let end = at + size
            guard n <= size else { throw fail("column shorter than its values") }
            let values = try [T](unsafeUninitializedCapacity: n) { buffer, count in
                var p = start
                var previous: Int64 = 0
                for i in 0..<n {
                    var z: UInt64 = 0
                    var shift: UInt64 = 0
                    while true {
                        guard p < end, shift < 64 else {
                            at = p
                            count = i
                            throw fail("bad variable-length integer")
                        }
                        let b = bytes[p]
                        p += 1
                        z |= UInt64(b & 0x7F) << shift
                        if b < 0x80 { break }
                        shift += 7
                    }
                    let d = Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
                    let v = delta ? previous &+ d : d
                    previous = v
                    guard let value = make(v) else {
                        at = p
                        count = i
                        throw fail("value out of range")
                    }
                    (buffer.baseAddress! + i).initialize(to: value)
                    count = i + 1
                }
                guard p == end else {
                    at = p
                    throw fail("column longer than its values")
                }
            }
            at = end
            return values
        }
        guard try u32() == Self.magic else { throw fail("bad magic") }
        let version = try u32()
        self.init()
        switch version {
        case 1:
            endTimes = try array(Int64.self)
            milliseconds = try array(Int32.self)
            trackOfPlay = try array(Int32.self)
        case 2, 3, 4:
            let plays = Int(try u32())
            endTimes = try varints(plays, delta: true) { $0 }
            milliseconds = try varints(plays, delta: false) { Int32(exactly: $0) }
            trackOfPlay = try varints(plays, delta: false) { Int32(exactly: $0) }
            if version >= 3 {
                sources = try varints(plays, delta: false) { UInt8(exactly: $0) }
                trackLengths = try array(Int32.self)
            }
        default:
            throw fail("unknown version \(version)")
        }
        trackNames = try strings()
        trackURIs = try strings()
        trackArtist = try array(Int32.self)
        trackAlbum = try array(Int32.self)
        artistNames = try strings()
        albumNames = try strings()
        albumArtistNames = try strings()
        if version >= 4 {
            var columns: [[String]] = []
            for _ in 0..<2 {
                let n = Int(try u32())
                guard n <= trackNames.count else { throw fail("more identifiers than tracks") }
                var column = n == 0 ? [] : [String](repeating: "", count: trackNames.count)
                for _ in 0..<n {
                    let t = Int(try u32())
                    let len = Int(try u32())
                    guard t < trackNames.count, at + len <= bytes.count else { throw fail("bad identifier") }
                    column[t] = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + len)]), as: UTF8.self)
                    at += len
                }
                columns.append(column)
            }
            let empty = [String](repeating: "", count: trackNames.count)
            setTrackIdentifiers(
                isrcs: columns[0].isEmpty ? empty : columns[0], mbids: columns[1].isEmpty ? empty : columns[1])
        }
        if version < 3 {
            // Every play stored before version 3 came from Spotify and had its length.
            sources = [UInt8](repeating: 0, count: endTimes.count)
            trackLengths = Self.lengths(trackCount: trackNames.count, trackOfPlay: trackOfPlay, milliseconds: milliseconds)
        }
        guard endTimes.count == milliseconds.count, endTimes.count == trackOfPlay.count, endTimes.count == sources.count,
            trackLengths.count == trackNames.count,
            trackNames.count == trackURIs.count, trackNames.count == trackArtist.count,
            trackNames.count == trackAlbum.count, albumNames.count == albumArtistNames.count
        else { throw fail("inconsistent column lengths") }
    }
}
