import Foundation
import SegueTestSupport
import Testing

@testable import SegueImport

@Suite struct ZipArchiveTests {
    /// A deflated and a stored entry come back byte for byte.
    @Test func readsDeflatedAndStoredEntries() throws {
        let dir = try Fixtures.folder()
        let text = Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        let url = dir.appendingPathComponent("a.zip")
        try Fixtures.zip([("MyData/a.json", text), ("MyData/empty.json", Data())], at: url)
        let archive = try ZipArchive(path: url.path)
        #expect(archive.entries.map(\.path).sorted() == ["MyData/a.json", "MyData/empty.json"])
        for entry in archive.entries {
            let bytes = try archive.contents(of: entry, limit: 1 << 20)
            #expect(bytes == (entry.path.hasSuffix("a.json") ? [UInt8](text) : []))
        }
        let stored = try storedZip(["x.json": Array("[1,2,3]".utf8)])
        let path = try Fixtures.write(Data(stored), to: dir, "s.zip").path
        let s = try ZipArchive(path: path)
        #expect(try s.contents(of: s.entries[0], limit: 100) == Array("[1,2,3]".utf8))
    }

    /// Found by the zip fuzz target: a deflate stream that does not end within the file made
    /// ZIPFoundation read empty chunks for ever; the reader now says the entry is truncated.
    @Test func aTruncatedDeflateStreamIsAnErrorNotAHang() throws {
        let finding = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fuzz/corpus/zip/truncated-deflate-hang.zip").standardized
        let archive = try ZipArchive(path: finding.path)
        let history = try #require(archive.entries.first { $0.path.hasSuffix(".json") })
        #expect(throws: ImportError.self) { _ = try archive.contents(of: history, limit: 1 << 20) }

        // The same by construction: a real deflated entry cut short (sizes in both headers shrunk).
        let dir = try Fixtures.folder()
        let url = dir.appendingPathComponent("t.zip")
        try Fixtures.zip([("a.json", Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }))], at: url)
        var bytes = [UInt8](try Data(contentsOf: url))
        let original = try ZipArchive(path: url.path).entries[0].compressedSize
        let shorter = UInt32(original / 2)
        for signature: [UInt8] in [[0x50, 0x4B, 0x03, 0x04], [0x50, 0x4B, 0x01, 0x02]] {
            let at = try #require(bytes.indices.first { bytes[$0..<min($0 + 4, bytes.count)].elementsEqual(signature) })
            let field = signature[2] == 3 ? at + 18 : at + 20
            for k in 0..<4 { bytes[field + k] = UInt8(truncatingIfNeeded: shorter >> (8 * k)) }
        }
        let cut = try Fixtures.write(Data(bytes), to: dir, "cut.zip")
        let damaged = try ZipArchive(path: cut.path)
        #expect(throws: ImportError.self) { _ = try damaged.contents(of: damaged.entries[0], limit: 1 << 20) }
    }

    /// An archive whose directory claims millions of entries is refused from its end record, before
    /// the directory is read; one with a few more than the limit, genuinely listed, too.
    @Test func refusesArchivesWithMoreEntriesThanAnExport() throws {
        let dir = try Fixtures.folder()
        // ZIP64 end record claiming 5,000,000 entries (and a directory that is not there).
        var zip64: [UInt8] = []
        zip64 += le32(0x0606_4b50) + le64(44) + le16(45) + le16(45) + le32(0) + le32(0)
        zip64 += le64(5_000_000) + le64(5_000_000) + le64(0) + le64(0)
        zip64 += le32(0x0706_4b50) + le32(0) + le64(0) + le32(1)
        zip64 += le32(0x0605_4b50) + le16(0) + le16(0) + le16(0xFFFF) + le16(0xFFFF) + le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) + le16(0)
        let claimed = try Fixtures.write(Data(zip64), to: dir, "claims.zip")
        #expect(throws: ImportError.tooManyEntries(archive: claimed.path, limit: ImportLimits().maxEntries)) {
            _ = try ZipArchive(path: claimed.path)
        }
        var many: [String: [UInt8]] = [:]
        for i in 0...ImportLimits().maxEntries { many["f\(i).txt"] = [] }
        let listed = try Fixtures.write(Data(try storedZip(many)), to: dir, "many.zip")
        #expect(throws: ImportError.self) { _ = try ZipArchive(path: listed.path) }
        // Through the importer: one plain sentence, nothing stored.
        var skipped: [SkippedFile] = []
        let error = try #require(throws: ImportError.self) {
            _ = try HistorySource(limits: ImportLimits()).files(at: listed.path, skipped: &skipped)
        }
        #expect(error.description.contains("has more than 10,000 files"))
    }

    /// Apple's privacy export is a ZIP holding another ZIP ("Apple Media Services information.zip")
    /// holding the Play Activity CSV: read one level deep, with the inner entries under the same
    /// limits; a ZIP inside that one is skipped with its reason, and a broken inner ZIP is one
    /// sentence naming both archives.
    @Test func readsAZipInsideAZipOneLevelDeep() throws {
        let dir = try Fixtures.folder()
        let csv = Data(
            "Artist Name,Content Name,Content Specific Type,Event End Timestamp,Event Type,Play Duration Milliseconds\nAurora,Runaway,Song,2021-06-02T10:04:08Z,PLAY_END,248000\n"
                .utf8)
        let deepest = dir.appendingPathComponent("deepest.zip")
        try Fixtures.zip([("x.csv", csv)], at: deepest)
        let inner = dir.appendingPathComponent("inner.zip")
        try Fixtures.zip(
            [
                ("Apple_Media_Services/Apple Music Activity/Apple Music Play Activity.csv", csv),
                ("Apple_Media_Services/deeper.zip", try Data(contentsOf: deepest)),
            ], at: inner)
        let outer = dir.appendingPathComponent("privacy.zip")
        try Fixtures.zip([("Apple Media Services information.zip", try Data(contentsOf: inner)), ("readme.txt", Data("hi".utf8))], at: outer)
        var skipped: [SkippedFile] = []
        let files = try HistorySource(limits: ImportLimits()).files(at: outer.path, skipped: &skipped)
        #expect(
            files.map(\.name) == [
                "\(outer.path):Apple Media Services information.zip:Apple_Media_Services/Apple Music Activity/Apple Music Play Activity.csv"
            ])
        #expect(try files.first?.load().withBuffer { Data($0) } == csv)
        #expect(skipped.map(\.reason).sorted() == ["a ZIP inside a ZIP inside a ZIP", "not a JSON or CSV file"])
        // Inner entries count against the limits too.
        let tight = ImportLimits(maxEntryBytes: 1 << 20, maxTotalBytes: csv.count + 10, maxEntries: 100)
        #expect(throws: ImportError.self) { _ = try HistorySource(limits: tight).files(at: outer.path, skipped: &skipped) }
        // Garbage named .zip inside: one sentence naming both.
        let broken = dir.appendingPathComponent("broken.zip")
        try Fixtures.zip([("Apple Media Services information.zip", Data("PK\u{3}\u{4} not really".utf8))], at: broken)
        let error = try #require(throws: ImportError.self) { _ = try HistorySource(limits: ImportLimits()).files(at: broken.path, skipped: &skipped) }
        #expect(error.description.contains("\(broken.path):Apple Media Services information.zip"), "\(error)")
    }

    /// Sizes and offsets that point outside the file, and method/encryption the reader does not do.
    @Test func refusesEntriesThatPointOutsideTheFile() throws {
        let dir = try Fixtures.folder()
        var bytes = try storedZip(["a.json": Array("[]".utf8)])
        // The central entry's local header offset (at +42 of the directory entry) past the end.
        let at = try #require(bytes.indices.first { bytes[$0..<min($0 + 4, bytes.count)].elementsEqual([0x50, 0x4B, 0x01, 0x02]) })
        for k in 0..<4 { bytes[at + 42 + k] = 0xFF }
        bytes[at + 45] = 0x7F
        let url = try Fixtures.write(Data(bytes), to: dir, "far.zip")
        let archive = try ZipArchive(path: url.path)
        #expect(throws: ImportError.self) { _ = try archive.contents(of: archive.entries[0], limit: 100) }
        #expect(throws: ImportError.self) { _ = try ZipArchive(path: try Fixtures.write(Data("PK\u{5}\u{6}".utf8), to: dir, "short.zip").path) }
    }
}

private func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
private func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
private func le32(_ v: Int) -> [UInt8] { le32(UInt32(truncatingIfNeeded: v)) }
private func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

/// A ZIP of stored entries, written by hand (so that tests can build shapes no library writes).
private func storedZip(_ files: [String: [UInt8]]) throws -> [UInt8] {
    var out: [UInt8] = []
    var directory: [UInt8] = []
    for (name, data) in files.sorted(by: { $0.key < $1.key }) {
        let crc = crc32(data)
        let offset = out.count
        let nameBytes = Array(name.utf8)
        out += le32(0x0403_4b50) + le16(20) + le16(0) + le16(0) + le32(0) + le32(crc) + le32(data.count) + le32(data.count)
        out += le16(nameBytes.count) + le16(0) + nameBytes + data
        directory += le32(0x0201_4b50) + le16(20) + le16(20) + le16(0) + le16(0) + le32(0) + le32(crc)
        directory += le32(data.count) + le32(data.count) + le16(nameBytes.count) + le16(0) + le16(0) + le16(0) + le16(0)
        directory += le32(0) + le32(offset) + nameBytes
    }
    let directoryOffset = out.count
    let count = min(files.count, 0xFFFF)
    out += directory + le32(0x0605_4b50) + le16(0) + le16(0) + le16(count) + le16(count) + le32(directory.count) + le32(directoryOffset) + le16(0)
    return out
}

private func crc32(_ data: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}
