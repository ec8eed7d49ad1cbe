import Foundation

/// Bounds that keep a hostile archive from exhausting memory.
public struct ImportLimits: Sendable {
    /// Largest inflated size of one entry.
    public var maxEntryBytes: Int
    /// Largest inflated size of all history entries together.
    public var maxTotalBytes: Int
    /// Most entries (files and folders) one archive may have. A Spotify export has at most a few hundred;
    /// `ZipArchive` refuses more from the archive's end record, before reading its directory.
    public var maxEntries: Int

    public init(maxEntryBytes: Int = 512 << 20, maxTotalBytes: Int = 4 << 30, maxEntries: Int = 10_000) {
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxEntries = maxEntries
    }
}

/// One candidate history file: where it is and how to read its bytes (never extracted to disk).
struct HistoryFile {
    /// `history`: named as history (a Spotify file name, or a file the user named): it must parse.
    /// `candidate`: found by walking a folder or archive; its content decides, and a file that is
    /// not listening history is skipped.
    enum Role { case history, candidate }
    var name: String
    var role: Role
    var load: () throws -> FileBytes
}

/// Finds history files in ZIPs, folders and single files.
struct HistorySource {
    var limits: ImportLimits

    /// What a file name says about its content: `candidate` files (other JSON, JSON lines and CSV)
    /// are recognised by their content (`HistoryFormat.sniff`).
    enum NameClass { case history, video, candidate, other }

    static func classify(name: String) -> NameClass {
        let base = (name.split(separator: "/").last.map(String.init) ?? name).lowercased()
        if base.hasSuffix(".csv") || base.hasSuffix(".jsonl") || base.hasSuffix(".ndjson") { return .candidate }
        guard base.hasSuffix(".json") else { return .other }
        if base.hasPrefix("streaming_history_video") { return .video }
        if base.hasPrefix("streaming_history_audio") || base.hasPrefix("endsong") { return .history }
        if base.hasPrefix("streaminghistory_music") || base.hasPrefix("streaminghistory_podcast")
            || base.hasPrefix("streaminghistory_audiobook")
        {
            return .history
        }
        if base.hasPrefix("streaminghistory"), base.dropFirst(16).first?.isNumber == true { return .history }
        return .candidate
    }

    /// Collects the files under `path` (a ZIP, a folder or a JSON file), sorted by name.
    func files(at path: String, skipped: inout [SkippedFile]) throws -> [HistoryFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError.fileNotFound(path: path)
        }
        if isDirectory.boolValue { return try folderFiles(path, skipped: &skipped) }
        let kind = try Self.sniffKind(path)
        switch kind {
        case .zip: return try zipFiles(path, skipped: &skipped)
        case .json:
            if Self.classify(name: path) == .video {
                skipped.append(SkippedFile(file: path, reason: "video history"))
                return []
            }
            // Named explicitly: it must be history, whatever its name.
            return [HistoryFile(name: path, role: .history, load: { try FileBytes(mapping: path) })]
        case .other:
            // A CSV or JSON lines history named explicitly.
            guard Self.sniffFormat(path) != nil else { throw ImportError.notZipOrJSON(file: path) }
            return [HistoryFile(name: path, role: .history, load: { try FileBytes(mapping: path) })]
        }
    }

    /// The history format of the file at `path` from its first bytes, or nil.
    static func sniffFormat(_ path: String) -> HistoryFormat? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return HistoryFormat.sniff([UInt8]((try? handle.read(upToCount: HistoryFormat.sniffBytes)) ?? Data()))
    }

    enum FileKind { case zip, json, other }

    static func sniffKind(_ path: String) throws -> FileKind {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportError.fileNotFound(path: path) }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 64)) ?? Data())
        if head.count >= 4, head[0] == 0x50, head[1] == 0x4B, head[2] == 0x03 || head[2] == 0x05 { return .zip }
        var i = 0
        if head.count >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { i = 3 }
        while i < head.count, [0x20, 0x0A, 0x0D, 0x09].contains(head[i]) { i += 1 }
        if i < head.count, head[i] == UInt8(ascii: "[") || head[i] == UInt8(ascii: "{") { return .json }
        return .other
    }

    private func folderFiles(_ root: String, skipped: inout [SkippedFile]) throws -> [HistoryFile] {
        let base = URL(fileURLWithPath: root)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw ImportError.fileNotFound(path: root)
        }
        var paths: [String] = []
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            paths.append(url.path)
        }
        var result: [HistoryFile] = []
        for path in paths.sorted() {
            switch Self.classify(name: path) {
            case .history: result.append(HistoryFile(name: path, role: .history, load: { try FileBytes(mapping: path) }))
            case .candidate: result.append(HistoryFile(name: path, role: .candidate, load: { try FileBytes(mapping: path) }))
            case .video: skipped.append(SkippedFile(file: path, reason: "video history"))
            case .other:
                if (try? Self.sniffKind(path)) == .zip {
                    result += try zipFiles(path, skipped: &skipped)
                } else {
                    skipped.append(SkippedFile(file: path, reason: "not a JSON or CSV file"))
                }
            }
        }
        return result
    }

    private func zipFiles(_ path: String, skipped: inout [SkippedFile]) throws -> [HistoryFile] {
        var declaredTotal = 0
        return try zipFiles(try ZipArchive(path: path, maxEntries: limits.maxEntries), nested: false, total: &declaredTotal, skipped: &skipped)
    }

    /// The history files of `archive`. A ZIP inside it (Apple's privacy export holds its data in
    /// "Apple Media Services information.zip") is read too, one level deep; its entries count
    /// against the same limits as the outer ones (`total`: declared bytes so far).
    private func zipFiles(_ archive: ZipArchive, nested: Bool, total declaredTotal: inout Int, skipped: inout [SkippedFile]) throws -> [HistoryFile] {
        let path = archive.path
        var entries: [ZipArchive.Entry] = []
        for entry in archive.entries {
            if Self.isUnsafe(entryPath: entry.path) { throw ImportError.unsafeZipEntry(archive: path, entry: entry.path) }
            guard !entry.isDirectory else { continue }
            entries.append(entry)
        }
        entries.sort { $0.path < $1.path }
        var result: [HistoryFile] = []
        let limits = self.limits
        func count(_ entry: ZipArchive.Entry) throws {
            let declared = Int(clamping: entry.uncompressedSize)
            if declared > limits.maxEntryBytes {
                throw ImportError.entryTooLarge(archive: path, entry: entry.path, limit: limits.maxEntryBytes)
            }
            declaredTotal += declared
            if declaredTotal > limits.maxTotalBytes {
                throw ImportError.archiveTooLarge(archive: path, limit: limits.maxTotalBytes)
            }
        }
        for entry in entries {
            let display = "\(path):\(entry.path)"
            let role: HistoryFile.Role
            switch Self.classify(name: entry.path) {
            case .history: role = .history
            case .candidate: role = .candidate
            case .video:
                skipped.append(SkippedFile(file: display, reason: "video history"))
                continue
            case .other where entry.path.lowercased().hasSuffix(".zip"):
                guard !nested else {
                    skipped.append(SkippedFile(file: display, reason: "a ZIP inside a ZIP inside a ZIP"))
                    continue
                }
                // Its inflated bytes count like any entry's (the reader holds them to the declared size).
                try count(entry)
                let inner = try ZipArchive(
                    bytes: try archive.contents(of: entry, limit: limits.maxEntryBytes), path: display, maxEntries: limits.maxEntries)
                result += try zipFiles(inner, nested: true, total: &declaredTotal, skipped: &skipped)
                continue
            case .other:
                skipped.append(SkippedFile(file: display, reason: "not a JSON or CSV file"))
                continue
            }
            try count(entry)
            // The reader checks the inflated size against the declared one, so the totals above hold.
            result.append(HistoryFile(name: display, role: role) { FileBytes(try archive.contents(of: entry, limit: limits.maxEntryBytes)) })
        }
        return result
    }

    /// Absolute paths, Windows drive paths and any `..` component.
    static func isUnsafe(entryPath: String) -> Bool {
        if entryPath.hasPrefix("/") || entryPath.hasPrefix("\\") { return true }
        let scalars = Array(entryPath.unicodeScalars.prefix(2))
        if scalars.count == 2, scalars[1] == ":", scalars[0].properties.isAlphabetic { return true }
        return entryPath.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..")
    }
}
