import SegueModel

/// Last.fm scrobbles as the community exporters write them (Last.fm has no export of its own):
///
/// - lastfm-to-csv (benjaminbenben): no header; `artist,album,track,date`, the date as
///   `19 Oct 2017 17:54` in UTC; the track playing during the export has no date.
/// - ghan.nl's exporter: header `uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid`,
///   every field quoted, CRLF; `uts` is epoch seconds.
///
/// A scrobble's time is when the listen started; scrobbles carry no duration.
enum LastfmCSV {
    /// Columns of one shape: where each value is, and how the time is written.
    struct Layout {
        var artist: Int
        var album: Int?
        var track: Int
        var time: Int
        var epochSeconds: Bool
        var mbid: Int?
        var hasHeader: Bool
    }

    static let headerless = Layout(artist: 0, album: 1, track: 2, time: 3, epochSeconds: false, mbid: nil, hasHeader: false)

    /// The layout a first row announces: a header naming the columns, or a headerless row of four
    /// fields whose last is a date.
    static func layout(firstRow fields: [String]) -> Layout? {
        let names = fields.map { $0.trimmingSpaces.lowercased() }
        if let artist = names.firstIndex(of: "artist"), let track = names.firstIndex(of: "track") {
            if let uts = names.firstIndex(of: "uts") {
                return Layout(
                    artist: artist, album: names.firstIndex(of: "album"), track: track, time: uts, epochSeconds: true,
                    mbid: names.firstIndex(of: "track_mbid"), hasHeader: true)
            }
            if let date = names.firstIndex(where: { $0 == "date" || $0 == "utc_time" }) {
                return Layout(
                    artist: artist, album: names.firstIndex(of: "album"), track: track, time: date, epochSeconds: false,
                    mbid: names.firstIndex(of: "track_mbid"), hasHeader: true)
            }
        }
        if fields.count == 4, parseDate(fields[3]) != nil || fields[3].isEmpty { return headerless }
        return nil
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, file: String, now: Int64) throws(ImportError) -> ParsedListens {
        var out = ParsedListens(file: file, format: .lastfmCSV)
        var reader = CSVReader(bytes)
        var layout: Layout?
        do {
            while let line = try reader.nextRow() {
                guard let shape = layout else {
                    guard let found = Self.layout(firstRow: reader.fields.indices.map(reader.string)) else {
                        throw ImportError.wrongShape(
                            file: file, record: nil,
                            reason:
                                "line \(line) is neither a Last.fm export header (uts, artist, track, …) nor a scrobble (artist, album, track, date)"
                        )
                    }
                    layout = found
                    if found.hasHeader { continue }
                    read(reader, line: line, shape: found, into: &out, now: now)
                    continue
                }
                read(reader, line: line, shape: shape, into: &out, now: now)
            }
        } catch let failure as CSVReader.Failure {
            throw ImportError.wrongShape(file: file, record: nil, reason: "line \(failure.line) \(failure.reason)")
        } catch let error as ImportError {
            throw error
        } catch {
            throw ImportError.wrongShape(file: file, record: nil, reason: "\(error)")
        }
        return out
    }

    /// One row, read from its bytes: names are interned as they are, without a `String` per field.
    private static func read(_ r: CSVReader, line: Int, shape: Layout, into out: inout ParsedListens, now: Int64) {
        let index = out.records
        out.records += 1
        let needed = max(shape.artist, shape.track, shape.time, shape.album ?? 0, shape.mbid ?? 0)
        guard r.fields.count > needed else {
            out.reject(index, "line \(line) has \(r.fields.count) fields, fewer than the header's")
            return
        }
        let artist = r.withField(shape.artist) { out.name($0) }
        let title = r.withField(shape.track) { out.name($0) }
        if let problem = ListenRules.checkNames(artist: artist, title: title, in: out.strings) {
            out.reject(index, problem)
            return
        }
        let parsedTime: Int64?? = r.withField(shape.time) { raw in
            var lo = 0
            var hi = raw.count
            while lo < hi, raw[lo] == 0x20 || (raw[lo] >= 0x09 && raw[lo] <= 0x0D) { lo += 1 }
            while hi > lo, raw[hi - 1] == 0x20 || (raw[hi - 1] >= 0x09 && raw[hi - 1] <= 0x0D) { hi -= 1 }
            let text = UnsafeBufferPointer(rebasing: raw[lo..<hi])
            if text.isEmpty { return nil }
            if shape.epochSeconds, let seconds = epochSeconds(text) { return .some(seconds) }
            let string = String(decoding: text, as: UTF8.self).trimmingSpaces
            if string.isEmpty { return nil }
            return .some(shape.epochSeconds ? Int64(string) : parseDate(string))
        }
        guard let maybeTime = parsedTime else {
            out.reject(index, "no date (the track playing while the export ran)")
            return
        }
        guard let time = maybeTime else {
            out.reject(index, shape.epochSeconds ? "uts is not a number of seconds" : "date is not like '19 Oct 2017 17:54'")
            return
        }
        if let problem = ListenRules.checkTime(time, now: now) {
            out.reject(index, problem)
            return
        }
        let mbid = shape.mbid.map { m in r.withField(m) { out.name($0) } } ?? StringInterner.none
        let album = shape.album.map { a in r.withField(a) { out.name($0) } } ?? StringInterner.none
        out.append(
            source: .lastfm, time: time, timeIsStart: true, durationMs: -1, artist: artist, title: title, album: album,
            recordingMBID: mbid)
    }

    /// Decimal digits (at most 18, an optional sign first) as a number; nil for anything else, which
    /// the caller then reads as `Int64(String)` would.
    @inline(__always)
    static func epochSeconds(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        if let first = text.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            i = 1
        }
        guard i < text.count, text.count - i <= 18 else { return nil }
        var value: Int64 = 0
        while i < text.count {
            let d = text[i] &- 0x30
            guard d < 10 else { return nil }
            value = value * 10 + Int64(d)
            i += 1
        }
        return negative ? -value : value
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// `19 Oct 2017 17:54` (also `19 Oct 2017, 17:54`, as Last.fm's pages write it), in UTC.
    static func parseDate(_ text: String) -> Int64? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," })
        guard parts.count == 4, let day = Int(parts[0]), let month = months.firstIndex(of: parts[1].lowercased()),
            parts[2].count == 4, let year = Int(parts[2])
        else { return nil }
        let clock = parts[3].split(separator: ":")
        guard clock.count == 2 || clock.count == 3, let hour = Int(clock[0]), let minute = Int(clock[1]) else { return nil }
        let second = clock.count == 3 ? Int(clock[2]) : 0
        guard let second else { return nil }
        return SpotifyTime.time(year, month + 1, day, hour, minute, second)
    }
}
