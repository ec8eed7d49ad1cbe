/// Why an import failed. Every case names the file (and the byte offset or record where it applies),
/// and a failed import leaves the store exactly as it was.
public enum ImportError: Error, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    case notZipOrJSON(file: String)
    case unsafeZipEntry(archive: String, entry: String)
    case entryTooLarge(archive: String, entry: String, limit: Int)
    case archiveTooLarge(archive: String, limit: Int)
    case tooManyEntries(archive: String, limit: Int)
    case unreadableZip(file: String, reason: String)
    case malformedJSON(file: String, offset: Int, reason: String)
    case wrongShape(file: String, record: Int?, reason: String)
    case noHistoryFound(path: String)
    /// Someone asked the import to stop; nothing was stored.
    case cancelled

    /// 10000 as "10,000" (whatever the locale: the messages are English).
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n.magnitude))
        var out = n < 0 ? "-" : ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    public var description: String {
        switch self {
        case .fileNotFound(let path): return "\(path): no such file or folder"
        case .notZipOrJSON(let file):
            return
                "\(file): not a ZIP archive, a JSON file or a listening history Segue reads (Spotify, Last.fm, ListenBrainz, Apple Music, YouTube Music)"
        case .unsafeZipEntry(let archive, let entry):
            return "\(archive): entry '\(entry)' has an absolute path or '..': refusing the archive"
        case .entryTooLarge(let archive, let entry, let limit):
            return "\(archive): entry '\(entry)' inflates past \(limit / 1_048_576) MiB: refusing it (zip bomb?)"
        case .archiveTooLarge(let archive, let limit):
            return "\(archive): entries inflate past \(limit / 1_048_576) MiB in all: refusing the archive (zip bomb?)"
        case .tooManyEntries(let archive, let limit):
            return "\(archive) has more than \(Self.grouped(limit)) files; a Spotify export has at most a few hundred: refusing the archive"
        case .unreadableZip(let file, let reason): return "\(file): unreadable ZIP archive: \(reason)"
        case .malformedJSON(let file, let offset, let reason): return "\(file): malformed JSON at byte \(offset): \(reason)"
        case .wrongShape(let file, let record, let reason):
            if let record { return "\(file): record \(record): \(reason)" }
            return "\(file): \(reason)"
        case .noHistoryFound(let path):
            return "\(path): no listening history found (a Spotify, Last.fm, ListenBrainz, Apple Music or YouTube Music export)"
        case .cancelled: return "the import was cancelled; nothing was stored"
        }
    }
}
