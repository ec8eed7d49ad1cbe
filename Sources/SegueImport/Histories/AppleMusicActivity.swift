import SegueModel

/// Apple Music's privacy export, `Apple Music Play Activity.csv` (inside "Apple Media Services
/// information"). One row per event; the columns vary between export years, so they are found by their
/// header names. A play is a song row (`Content Specific Type` Song, where the column exists) whose
/// `Event Type` is PLAY_END or empty, with `Artist Name`, `Content Name` (`Song Name` in some years),
/// `Event End Timestamp` (UTC) and `Play Duration Milliseconds`.
enum AppleMusicActivity {
    struct Columns {
        var artist: Int
        var title: Int
        var album: Int?
        var end: Int?
        var start: Int?
        var duration: Int?
        var eventType: Int?
        var contentType: Int?
        var isrc: Int?

        init?(header: [String]) {
            let names = header.map { $0.trimmingSpaces.lowercased() }
            func column(_ candidates: String...) -> Int? { candidates.lazy.compactMap { names.firstIndex(of: $0) }.first }
            guard let artist = column("artist name"), let title = column("content name", "song name") else { return nil }
            self.artist = artist
            self.title = title
            album = column("album name", "container album name")
            end = column("event end timestamp")
            start = column("event start timestamp")
            duration = column("play duration milliseconds")
            eventType = column("event type")
            contentType = column("content specific type")
            isrc = column("isrc")
            if end == nil, start == nil { return nil }
        }
    }

    /// Whether a header row is Apple's play activity.
    static func isHeader(_ fields: [String]) -> Bool {
        let names = Set(fields.map { $0.trimmingSpaces.lowercased() })
        return names.contains("artist name") && (names.contains("event end timestamp") || names.contains("event start timestamp"))
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, file: String, now: Int64) throws(ImportError) -> ParsedListens {
        var out = ParsedListens(file: file, format: .appleMusic)
        var reader = CSVReader(bytes)
        do {
            guard let (_, header) = try reader.next() else { return out }
            guard let columns = Columns(header: header) else {
                throw ImportError.wrongShape(
                    file: file, record: nil,
                    reason: "line 1 lacks the columns of Apple Music's play activity (Artist Name, Content Name, Event End Timestamp)")
            }
            while let (line, fields) = try reader.next() {
                read(fields, line: line, columns, into: &out, now: now)
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

    private static func read(_ f: [String], line: Int, _ c: Columns, into out: inout ParsedListens, now: Int64) {
        let index = out.records
        out.records += 1
        func value(_ i: Int?) -> String? { i.flatMap { $0 < f.count ? ListenRules.name(f[$0]) : nil } }
        if let type = value(c.contentType), type.lowercased() != "song" {
            out.reject(index, "not a song (\(type.prefix(40)))")
            return
        }
        if let event = value(c.eventType), event != "PLAY_END" {
            out.reject(index, "not the end of a play (\(event.prefix(40)))")
            return
        }
        let artist = value(c.artist)
        let title = value(c.title)
        if let problem = ListenRules.checkNames(artist: artist, title: title) {
            out.reject(index, problem)
            return
        }
        var duration: Int?
        if let text = value(c.duration) {
            guard let ms = Int(text) else {
                out.reject(index, "Play Duration Milliseconds is not a number")
                return
            }
            guard ms > 0 else {
                out.reject(index, "a play duration of zero or less")
                return
            }
            guard ms <= ListenRules.maxDurationMs else {
                out.reject(index, "a play duration longer than a day")
                return
            }
            duration = ms
        }
        let time: Int64
        let isStart: Bool
        if let text = value(c.end) {
            guard let t = SpotifyTime.parseISO8601(text) else {
                out.reject(index, "Event End Timestamp is not an ISO 8601 time")
                return
            }
            (time, isStart) = (t, false)
        } else if let text = value(c.start) {
            guard let t = SpotifyTime.parseISO8601(text) else {
                out.reject(index, "Event Start Timestamp is not an ISO 8601 time")
                return
            }
            (time, isStart) = (t, true)
        } else {
            out.reject(index, "no event time")
            return
        }
        if let problem = ListenRules.checkTime(time, now: now) {
            out.reject(index, problem)
            return
        }
        out.append(
            Listen(
                source: .apple, time: time, timeIsStart: isStart, durationMs: duration, artist: artist!, title: title!,
                album: value(c.album), isrc: value(c.isrc)))
    }
}
