import Foundation

/// A compact binary form of `MusicColumns` for storing in a database (little-endian, versioned).
extension MusicColumns {
    static let magic: UInt32 = 0x434D_4753  // "SGMC"
    static let formatVersion: UInt32 = 1

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
        u32(Self.magic)
        u32(Self.formatVersion)
        array(endTimes)
        array(milliseconds)
        array(trackOfPlay)
        strings(trackNames)
        strings(trackURIs)
        array(trackArtist)
        array(trackAlbum)
        strings(artistNames)
        strings(albumNames)
        strings(albumArtistNames)
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
        guard try u32() == Self.magic else { throw fail("bad magic") }
        guard try u32() == Self.formatVersion else { throw fail("unknown version") }
        self.init()
        endTimes = try array(Int64.self)
        milliseconds = try array(Int32.self)
        trackOfPlay = try array(Int32.self)
        trackNames = try strings()
        trackURIs = try strings()
        trackArtist = try array(Int32.self)
        trackAlbum = try array(Int32.self)
        artistNames = try strings()
        albumNames = try strings()
        albumArtistNames = try strings()
        guard endTimes.count == milliseconds.count, endTimes.count == trackOfPlay.count,
            trackNames.count == trackURIs.count, trackNames.count == trackArtist.count,
            trackNames.count == trackAlbum.count, albumNames.count == albumArtistNames.count
        else { throw fail("inconsistent column lengths") }
    }
}
