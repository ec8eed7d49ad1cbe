import Foundation
import Synchronization

/// Per-session limits on stored uploads (bytes and files), enforced as bytes arrive, so one
/// session cannot fill the disk that every other session shares.
///
/// What a session has on disk is measured when an upload starts; the bytes of its uploads still
/// streaming are counted here, so two uploads at once cannot both take the last free megabyte.
final class UploadQuota: Sendable {
    /// Stored upload bytes one session may hold (export uploads waiting for import, library files).
    let maxBytes: Int
    /// Stored upload files one session may hold.
    let maxFiles: Int
    private let streaming = Mutex<[String: (bytes: Int, files: Int)]>([:])

    init(maxBytes: Int, maxFiles: Int) {
        self.maxBytes = maxBytes
        self.maxFiles = maxFiles
    }

    /// `512 MB`, or `300 KB` under a megabyte.
    static func describe(bytes: Int) -> String {
        bytes >= 1024 * 1024 ? "\(bytes / (1024 * 1024)) MB" : "\(max(1, bytes / 1024)) KB"
    }

    /// What the files under `folders` hold (partial uploads and upload metadata left out).
    static func stored(in folders: [String]) -> (bytes: Int, files: Int) {
        var bytes = 0
        var files = 0
        for folder in folders {
            guard let walk = FileManager.default.enumerator(atPath: folder) else { continue }
            while let relative = walk.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                guard walk.fileAttributes?[.type] as? FileAttributeType == .typeRegular,
                    name != "upload.partial", name != "upload.json"
                else { continue }
                bytes += (walk.fileAttributes?[.size] as? NSNumber)?.intValue ?? 0
                files += 1
            }
        }
        return (bytes, files)
    }

    /// Takes a place for one more file of `session`, which holds `stored` already.
    /// - Throws: `APIError.overQuota` when the session holds `maxFiles` files.
    func begin(session: String, stored: (bytes: Int, files: Int)) throws -> Upload {
        try streaming.withLock { open in
            let current = open[session, default: (0, 0)]
            guard stored.files + current.files < maxFiles else {
                throw APIError.overQuota(
                    "you have \(maxFiles) uploaded files stored, the most one session may keep: delete some (or your data) first")
            }
            open[session] = (current.bytes, current.files + 1)
        }
        return Upload(quota: self, session: session, storedBytes: stored.bytes)
    }

    /// One upload in progress: its bytes count against the session's limit as they arrive.
    final class Upload: @unchecked Sendable {
        private let quota: UploadQuota
        private let session: String
        private let storedBytes: Int
        private var counted = 0
        private var ended = false

        fileprivate init(quota: UploadQuota, session: String, storedBytes: Int) {
            self.quota = quota
            self.session = session
            self.storedBytes = storedBytes
        }

        /// Counts `bytes` more.
        /// - Throws: `APIError.overQuota` when the session's stored and streaming uploads would pass `maxBytes`.
        func add(_ bytes: Int) throws {
            let limit = quota.maxBytes
            let stored = storedBytes
            try quota.streaming.withLock { open in
                let current = open[session, default: (0, 0)]
                guard stored + current.bytes + bytes <= limit else {
                    throw APIError.overQuota(
                        "this upload would take your stored uploads past \(UploadQuota.describe(bytes: limit)), the most one session may keep: delete some (or your data) first"
                    )
                }
                open[session] = (current.bytes + bytes, current.files)
            }
            counted += bytes
        }

        /// Gives the place back (the file is stored by now, or deleted): called once, when the upload ends either way.
        func end() {
            guard !ended else { return }
            ended = true
            let counted = self.counted
            quota.streaming.withLock { open in
                let current = open[session, default: (0, 0)]
                let left = (bytes: current.bytes - counted, files: current.files - 1)
                open[session] = left.files <= 0 ? nil : left
            }
        }
    }
}
