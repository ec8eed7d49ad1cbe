import CSegueZlib
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A read-only ZIP reader for archives people upload: it reads the central directory and inflates
/// one entry at a time into memory, with every size, count and offset checked against the file
/// before it is used, so that a hostile archive ends in an `ImportError`, never a trap, a hang or
/// an unbounded allocation.
///
/// Stored and deflated entries, ZIP64 sizes and offsets; not encrypted or multi-disk archives.
/// The checks: at most `maxEntries` entries (a Spotify export has a few dozen); the central directory
/// and every entry's data inside the file; an entry's output never past its declared size or the
/// caller's limit, a deflate stream that must end within the entry's compressed bytes (ZIPFoundation
/// loops for ever on a truncated one), and the CRC-32 of what was inflated. Entries are read with
/// `pread`, so several threads may read one archive at once.
final class ZipArchive: @unchecked Sendable {
    /// One file or folder in the archive, as its central directory describes it.
    struct Entry {
        var path: String
        var isDirectory: Bool
        var method: UInt16
        var flags: UInt16
        var crc32: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
    }

    /// The central directory's largest accepted size (names of up to ~1.6 KiB for every entry).
    static let maxDirectoryBytes = 16 << 20

    let path: String
    let entries: [Entry]
    private let fd: Int32
    private let fileSize: UInt64
    /// Where the central directory starts: every entry's data must end before it.
    private let directoryOffset: UInt64

    /// Opens `path` and reads its central directory.
    /// - Throws: `ImportError.unreadableZip` for anything malformed, `.tooManyEntries` past `maxEntries`.
    convenience init(path: String, maxEntries: Int = ImportLimits().maxEntries) throws(ImportError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ImportError.fileNotFound(path: path) }
        try self.init(fd: fd, path: path, maxEntries: maxEntries)
    }

    /// Opens an archive held in memory (a ZIP inside a ZIP), named `path` in errors. Its bytes go to
    /// a temporary file that is unlinked at once, so nothing stays behind whatever happens.
    convenience init(bytes: [UInt8], path: String, maxEntries: Int = ImportLimits().maxEntries) throws(ImportError) {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("segue-zip-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        guard fd >= 0 else {
            throw ImportError.unreadableZip(file: path, reason: "no temporary space to read it (\(String(cString: strerror(errno))))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                close(fd)
                throw ImportError.unreadableZip(file: path, reason: "no temporary space to read it")
            }
            done += n
        }
        try self.init(fd: fd, path: path, maxEntries: maxEntries)
    }

    /// Reads the central directory of the archive open at `fd` (closed when this is released, or on error).
    private init(fd: Int32, path: String, maxEntries: Int) throws(ImportError) {
        self.path = path
        // The size from the end offset (reads use pread, so the offset does not matter).
        let end = lseek(fd, 0, SEEK_END)
        guard end >= 22 else {
            close(fd)
            throw ImportError.unreadableZip(file: path, reason: "too short to be a ZIP archive")
        }
        do {
            let fileSize = UInt64(end)
            let directory = try Self.locateDirectory(fd: fd, fileSize: fileSize, path: path, maxEntries: maxEntries)
            self.entries = try Self.readDirectory(fd: fd, directory, path: path)
            self.fileSize = fileSize
            self.directoryOffset = directory.offset
            self.fd = fd
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// The bytes of `entry`, inflated and checked.
    /// - Parameter limit: the most bytes the entry may inflate to.
    /// - Throws: `ImportError.entryTooLarge` past `limit`; `.unreadableZip` for a corrupt, truncated,
    ///   encrypted or unsupported entry.
    func contents(of entry: Entry, limit: Int) throws(ImportError) -> [UInt8] {
        let display = "\(path):\(entry.path)"
        func bad(_ reason: String) -> ImportError { .unreadableZip(file: display, reason: reason) }
        guard entry.flags & 1 == 0 else { throw bad("the entry is encrypted") }
        guard entry.uncompressedSize <= UInt64(limit) else {
            throw ImportError.entryTooLarge(archive: path, entry: entry.path, limit: limit)
        }
        // The local header repeats the name and carries its own extra field; the data follows it.
        var header = [UInt8](repeating: 0, count: 30)
        guard fileSize >= 30, entry.localHeaderOffset <= fileSize - 30, try read(into: &header, at: entry.localHeaderOffset),
            Self.u32(header, 0) == 0x0403_4b50
        else { throw bad("the entry's local header is missing") }
        let dataStart = entry.localHeaderOffset + 30 + UInt64(Self.u16(header, 26)) + UInt64(Self.u16(header, 28))
        guard dataStart <= directoryOffset, entry.compressedSize <= directoryOffset - dataStart else {
            throw bad("the entry's data runs past the end of the archive")
        }
        let size = Int(entry.uncompressedSize)
        var output: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else { throw bad("a stored entry's sizes disagree") }
            output = [UInt8](repeating: 0, count: size)
            guard try read(into: &output, at: dataStart) else { throw bad("the entry is truncated") }
        case 8:
            // Deflate shrinks by at most about 1032:1: a larger claim is a lie, and would only make
            // this allocate what the data cannot fill.
            guard entry.uncompressedSize / 1_100 <= entry.compressedSize + 1 else {
                throw bad("the entry claims to inflate to far more than its data could hold")
            }
            output = try inflate(from: dataStart, compressedSize: entry.compressedSize, size: size, bad: bad)
        default:
            throw bad("compression method \(entry.method) is not supported (only stored and deflate)")
        }
        let crc = output.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: CSegueZlib.crc32(0, $0.baseAddress, UInt32($0.count))) }
        guard crc == entry.crc32 else { throw bad("the entry's checksum does not match (the archive is damaged)") }
        return output
    }

    // MARK: - Inflating

    /// Inflates exactly `size` bytes from the raw deflate stream at `offset`; the stream must end
    /// within `compressedSize` bytes and produce no more and no less than `size`.
    private func inflate(
        from offset: UInt64, compressedSize: UInt64, size: Int, bad: (String) -> ImportError
    ) throws(ImportError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw bad("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        // One byte more than declared, so that a stream that would write past its size is seen.
        var output = [UInt8](repeating: 0, count: size + 1)
        var input = [UInt8](repeating: 0, count: 1 << 16)
        var consumed: UInt64 = 0
        var produced = 0
        var ended = false
        while !ended {
            let chunk = Int(min(UInt64(input.count), compressedSize - consumed))
            guard chunk > 0 else { throw bad("the entry's compressed data ends too early (the archive is truncated)") }
            guard try read(into: &input, count: chunk, at: offset + consumed) else { throw bad("the entry is truncated") }
            consumed += UInt64(chunk)
            let status: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
                output.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_in = inBuffer.baseAddress
                    stream.avail_in = UInt32(chunk)
                    var status = Z_OK
                    // Drain this chunk: inflate until it needs more input, ends, or fails.
                    while status == Z_OK && stream.avail_in > 0 {
                        stream.next_out = outBuffer.baseAddress! + produced
                        stream.avail_out = UInt32(outBuffer.count - produced)
                        guard stream.avail_out > 0 else { return Z_BUF_ERROR }
                        status = CSegueZlib.inflate(&stream, Z_NO_FLUSH)
                        produced = outBuffer.count - Int(stream.avail_out)
                    }
                    return status
                }
            }
            switch status {
            case Z_STREAM_END: ended = true
            case Z_OK: continue  // all of the chunk taken; the loop reads the next one
            case Z_BUF_ERROR where produced == output.count: throw bad("the entry inflates past its declared size")
            default: throw bad("the entry's compressed data is corrupt")
            }
        }
        guard produced == size else { throw bad("the entry inflates to \(produced) bytes, not the \(size) it declares") }
        output.removeLast()
        return output
    }

    // MARK: - Reading the directory

    private struct Directory {
        var offset: UInt64
        var size: UInt64
        var count: Int
    }

    /// Finds the end-of-central-directory record (and its ZIP64 twin) in the last 64 KiB of the file.
    private static func locateDirectory(fd: Int32, fileSize: UInt64, path: String, maxEntries: Int) throws(ImportError) -> Directory {
        func bad(_ reason: String) -> ImportError { .unreadableZip(file: path, reason: reason) }
        let tailSize = Int(min(fileSize, 22 + 65_535 + 20))
        var tail = [UInt8](repeating: 0, count: tailSize)
        guard try pread(fd, into: &tail, count: tailSize, at: fileSize - UInt64(tailSize)) else { throw bad("the file could not be read") }
        var at = tailSize - 22
        while at >= 0 && u32(tail, at) != 0x0605_4b50 { at -= 1 }
        guard at >= 0 else { throw bad("no end record: the archive is cut short or not a ZIP") }
        let endOffset = fileSize - UInt64(tailSize - at)
        guard u16(tail, at + 4) == 0 && u16(tail, at + 6) == 0 else { throw bad("archives split over several disks are not supported") }
        var count = UInt64(u16(tail, at + 10))
        var size = UInt64(u32(tail, at + 12))
        var offset = UInt64(u32(tail, at + 16))
        var directoryEnd = endOffset
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the record points at the ZIP64 end record.
            guard at >= 20, u32(tail, at - 20) == 0x0706_4b50 else { throw bad("the ZIP64 end record is missing") }
            let recordOffset = u64(tail, at - 20 + 8)
            var record = [UInt8](repeating: 0, count: 56)
            guard endOffset >= 76, recordOffset <= endOffset - 76, try pread(fd, into: &record, count: 56, at: recordOffset),
                u32(record, 0) == 0x0606_4b50
            else { throw bad("the ZIP64 end record is missing") }
            count = u64(record, 32)
            size = u64(record, 40)
            offset = u64(record, 48)
            directoryEnd = recordOffset
        }
        guard count <= UInt64(maxEntries) else {
            throw ImportError.tooManyEntries(archive: path, limit: maxEntries)
        }
        guard offset <= directoryEnd, size <= directoryEnd - offset else { throw bad("the central directory lies outside the file") }
        guard size <= UInt64(maxDirectoryBytes) else { throw bad("the central directory is larger than \(maxDirectoryBytes >> 20) MiB") }
        return Directory(offset: offset, size: size, count: Int(count))
    }

    private static func readDirectory(fd: Int32, _ directory: Directory, path: String) throws(ImportError) -> [Entry] {
        func bad(_ reason: String) -> ImportError { .unreadableZip(file: path, reason: reason) }
        var bytes = [UInt8](repeating: 0, count: Int(directory.size))
        guard try pread(fd, into: &bytes, count: bytes.count, at: directory.offset) else { throw bad("the central directory could not be read") }
        var entries: [Entry] = []
        entries.reserveCapacity(directory.count)
        var at = 0
        for index in 0..<directory.count {
            guard at + 46 <= bytes.count, u32(bytes, at) == 0x0201_4b50 else { throw bad("central directory entry \(index + 1) is damaged") }
            let nameLength = Int(u16(bytes, at + 28))
            let extraLength = Int(u16(bytes, at + 30))
            let commentLength = Int(u16(bytes, at + 32))
            let next = at + 46 + nameLength + extraLength + commentLength
            guard next <= bytes.count else { throw bad("central directory entry \(index + 1) runs past the directory") }
            let flags = u16(bytes, at + 8)
            let nameBytes = bytes[(at + 46)..<(at + 46 + nameLength)]
            // Bit 11: UTF-8 names; others are usually ASCII (CP437 otherwise, read here as UTF-8 with replacement).
            let name = String(decoding: nameBytes, as: UTF8.self)
            var entry = Entry(
                path: name, isDirectory: name.hasSuffix("/") || name.hasSuffix("\\"), method: u16(bytes, at + 10), flags: flags,
                crc32: u32(bytes, at + 16), compressedSize: UInt64(u32(bytes, at + 20)), uncompressedSize: UInt64(u32(bytes, at + 24)),
                localHeaderOffset: UInt64(u32(bytes, at + 42)))
            try readZIP64Sizes(bytes, extra: (at + 46 + nameLength)..<(at + 46 + nameLength + extraLength), into: &entry, bad: bad)
            entries.append(entry)
            at = next
        }
        return entries
    }

    /// Replaces the 32-bit fields that are all ones with the ZIP64 extra field's values, in its order.
    private static func readZIP64Sizes(
        _ bytes: [UInt8], extra: Range<Int>, into entry: inout Entry, bad: (String) -> ImportError
    ) throws(ImportError) {
        let wants = [entry.uncompressedSize, entry.compressedSize, entry.localHeaderOffset].map { $0 == 0xFFFF_FFFF }
        guard wants.contains(true) else { return }
        var at = extra.lowerBound
        while at + 4 <= extra.upperBound {
            let id = u16(bytes, at)
            let length = Int(u16(bytes, at + 2))
            guard at + 4 + length <= extra.upperBound else { break }
            if id == 0x0001 {
                var field = at + 4
                func next() throws(ImportError) -> UInt64 {
                    guard field + 8 <= at + 4 + length else { throw bad("entry '\(entry.path)' has a short ZIP64 field") }
                    defer { field += 8 }
                    return u64(bytes, field)
                }
                if wants[0] { entry.uncompressedSize = try next() }
                if wants[1] { entry.compressedSize = try next() }
                if wants[2] { entry.localHeaderOffset = try next() }
                return
            }
            at += 4 + length
        }
        throw bad("entry '\(entry.path)' lacks its ZIP64 sizes")
    }

    // MARK: - Bytes

    private func read(into buffer: inout [UInt8], count: Int? = nil, at offset: UInt64) throws(ImportError) -> Bool {
        try Self.pread(fd, into: &buffer, count: count ?? buffer.count, at: offset)
    }

    /// Reads exactly `count` bytes at `offset`; false at the end of the file.
    private static func pread(_ fd: Int32, into buffer: inout [UInt8], count: Int, at offset: UInt64) throws(ImportError) -> Bool {
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }

    private static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { UInt32(u16(b, at)) | UInt32(u16(b, at + 2)) << 16 }
    private static func u64(_ b: [UInt8], _ at: Int) -> UInt64 { UInt64(u32(b, at)) | UInt64(u32(b, at + 4)) << 32 }
}
