import Foundation
import SegueModel
import ZIPFoundation

/// Writes a realistic Spotify "Extended streaming history" export for demos, tests and benchmarks:
/// years of plays in sessions, artists whose popularity rises and fades, skips, podcasts and
/// audiobooks, null fields, names in many scripts, a file with a byte order mark, a video file and
/// the read-me PDF, laid out as Spotify lays out the ZIP.
public struct DemoExport: Sendable {
    public var seed: UInt64
    /// Number of records (plays of any kind) to write.
    public var records: Int
    public var firstDay: CalendarDay
    public var lastDay: CalendarDay
    /// Records per JSON file (Spotify's files hold about 15,000).
    public var recordsPerFile: Int
    /// Whether one file starts with a UTF-8 byte order mark, as Spotify's sometimes do.
    public var byteOrderMark: Bool

    public init(
        seed: UInt64 = 42, records: Int = 60_000, firstDay: CalendarDay = CalendarDay(year: 2016, month: 1, day: 1),
        lastDay: CalendarDay = CalendarDay(year: 2025, month: 12, day: 31), recordsPerFile: Int = 15_000, byteOrderMark: Bool = true
    ) {
        self.byteOrderMark = byteOrderMark
        self.seed = seed
        self.records = records
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.recordsPerFile = recordsPerFile
    }

    static let folder = "Spotify Extended Streaming History"

    /// The files of the export: relative path and content.
    public func files() -> [(path: String, bytes: [UInt8])] {
        var rng = SplitMix64(seed: seed)
        let catalog = DemoCatalog(rng: &rng)
        let plays = generatePlays(catalog: catalog, rng: &rng)
        var result: [(String, [UInt8])] = []
        var start = 0
        var part = 0
        while start < plays.count {
            let end = min(plays.count, start + recordsPerFile)
            let y0 = CalendarDay(time: plays[start].endTime).year
            let y1 = CalendarDay(time: plays[end - 1].endTime).year
            let years = y0 == y1 ? "\(y0)" : "\(y0)-\(y1)"
            var bytes: [UInt8] = part == 1 && byteOrderMark ? [0xEF, 0xBB, 0xBF] : []  // one file with a BOM, as Spotify sometimes writes
            DemoJSON.write(plays[start..<end], catalog: catalog, into: &bytes)
            result.append(("\(Self.folder)/Streaming_History_Audio_\(years)_\(part).json", bytes))
            start = end
            part += 1
        }
        var video: [UInt8] = []
        DemoJSON.write(plays.prefix(3), catalog: catalog, into: &video)
        result.append(("\(Self.folder)/Streaming_History_Video_2019-2025.json", video))
        result.append(("\(Self.folder)/ReadMeFirst_ExtendedStreamingHistory.pdf", Array("%PDF-1.4\n% Segue demo\n".utf8)))
        return result
    }

    /// Writes the export as a ZIP archive.
    public func writeZip(to path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (name, bytes) in files() {
            let data = Data(bytes)
            try archive.addEntry(
                with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    /// Writes the export's files into a folder (as an unzipped export).
    public func writeFolder(to path: String) throws {
        for (name, bytes) in files() {
            let url = URL(fileURLWithPath: path).appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
    }

    private func generatePlays(catalog: DemoCatalog, rng: inout SplitMix64) -> [DemoPlay] {
        let startDay = firstDay.daysSinceEpoch
        let days = max(1, Int(lastDay.daysSinceEpoch - startDay + 1))
        var plays: [DemoPlay] = []
        plays.reserveCapacity(records)
        let perDay = Double(records) / Double(days)
        var day = 0
        var remaining = records
        while remaining > 0 {
            // Walk the days in order; whatever is left after the last one lands on random days.
            let dayIndex = day < days ? day : rng.int(in: 0...(days - 1))
            day += 1
            let when = Double(dayIndex) / Double(days)
            // Busy and quiet days; rounding at random keeps sparse exports (under a play a day) honest.
            let expected = perDay * (0.4 + 1.2 * rng.unit())
            var count = Int(expected) + (rng.unit() < expected - expected.rounded(.down) ? 1 : 0)
            if day > days { count = max(1, count) }
            count = min(remaining, count)
            var t = (startDay + Int64(dayIndex)) * 86_400 + Int64(rng.int(in: 7 * 3600...20 * 3600))
            for _ in 0..<count {
                let play = catalog.pick(at: when, rng: &rng, t: &t)
                plays.append(play)
            }
            remaining -= count
        }
        plays.sort { $0.endTime < $1.endTime }
        // A few exact duplicates, as real exports have.
        if plays.count > 100 {
            for k in stride(from: 50, to: plays.count, by: max(1, plays.count / 20)) { plays[k - 1] = plays[k] }
        }
        return plays
    }
}
