import Foundation

/// The bytes of one history file: mapped from disk when it is a plain file (no copy, no page faults
/// for a private buffer), or inflated into memory from a ZIP entry.
final class FileBytes: @unchecked Sendable {
    private let base: UnsafeRawPointer?
    let count: Int
    private let mapped: Bool
    private let storage: [UInt8]

    init(_ bytes: [UInt8]) {
        storage = bytes
        base = nil
        count = bytes.count
        mapped = false
    }

    /// Maps the file at `path` read-only.
    init(mapping path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ImportError.fileNotFound(path: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ImportError.fileNotFound(path: path) }
        let size = Int(info.st_size)
        storage = []
        count = size
        guard size > 0 else {
            base = nil
            mapped = false
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), p != MAP_FAILED else {
            throw ImportError.unreadableZip(file: path, reason: "cannot map the file")
        }
        madvise(p, size, MADV_SEQUENTIAL)
        base = UnsafeRawPointer(p)
        mapped = true
    }

    deinit {
        if mapped, let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    func withBuffer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if mapped, let base {
            return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count))
        }
        return try storage.withUnsafeBufferPointer(body)
    }
}
