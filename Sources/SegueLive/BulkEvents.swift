import Foundation

/// One event of `POST /api/v1/events`: a platform's user played a track at a time.
public struct BulkEvent: Sendable, Equatable {
    public var eventID: String?
    public var user: String
    public var track: String
    public var artist: String?
    public var album: String?
    /// Event time, milliseconds since 1970 UTC.
    public var timeMilliseconds: Int64

    public init(eventID: String? = nil, user: String, track: String, artist: String? = nil, album: String? = nil, timeMilliseconds: Int64) {
        self.eventID = eventID
        self.user = user
        self.track = track
        self.artist = artist
        self.album = album
        self.timeMilliseconds = timeMilliseconds
    }
}

/// A `POST /api/v1/events` body: NDJSON (one object a line) or a JSON array of
/// `{event_id?, user_id, track, artist?, album?, ts}`, validated all or nothing.
///
/// `ts` is epoch seconds (fractions allowed), epoch milliseconds (any number of magnitude 10¹¹ or
/// more, which as seconds would be past the year 5000) or an ISO 8601 time with a zone. Times
/// before 2002-10-01 or more than an hour ahead are refused, as for ListenBrainz listens.
public enum BulkEventBatch {
    public static let maxEvents = 10_000
    /// Longest `user_id` and `event_id`, and longest `track`, `artist` or `album`, in characters.
    public static let maxIDLength = 256
    public static let maxTextLength = 1_024

    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// A malformed event or document; `index` is the event's position (0-based) when known.
        case invalid(index: Int?, field: String?, message: String)
        /// More than `maxEvents` events.
        case tooMany(count: Int)

        public var description: String {
            switch self {
            case .invalid(let index, _, let message): index.map { "Event \($0): \(message)" } ?? message
            case .tooMany(let count): "The request holds \(count) events; at most \(BulkEventBatch.maxEvents) are accepted in one."
            }
        }
    }

    /// Parses and validates a body. - Parameter now: the current time, milliseconds since 1970.
    public static func parse(_ body: Data, now: Int64) throws(Failure) -> [BulkEvent] {
        let bytes = [UInt8](body)
        let read = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(Failure) -> [EventJSONReader.Item] in try topLevelValues(buffer) }
        }
        let items = try read.get()
        let dates = ISODates()
        var events: [BulkEvent] = []
        events.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            events.append(try event(item, index: index, now: now, dates: dates))
        }
        return events
    }

    /// Every top-level value of the body, syntax checked before any event is validated.
    private static func topLevelValues(_ buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> [EventJSONReader.Item] {
        var reader = EventJSONReader(buffer)
        reader.skipSpace()
        guard let first = reader.peek() else {
            throw .invalid(index: nil, field: nil, message: "The body holds no events: send NDJSON or a JSON array of events.")
        }
        var items: [EventJSONReader.Item] = []
        if first == UInt8(ascii: "[") {
            do throws(EventJSONReader.SyntaxError) {
                try reader.expect(UInt8(ascii: "["))
                if !reader.consume(UInt8(ascii: "]")) {
                    repeat {
                        items.append(try reader.item())
                    } while reader.consume(UInt8(ascii: ","))
                    try reader.expect(UInt8(ascii: "]"))
                }
                reader.skipSpace()
                guard reader.atEnd else { throw EventJSONReader.SyntaxError() }
            } catch {
                throw .invalid(index: nil, field: nil, message: "The body is not valid JSON (a JSON array of events was expected).")
            }
            guard items.count <= maxEvents else { throw .tooMany(count: items.count) }
        } else {
            // NDJSON: one value a line; blank lines are allowed.
            var lines: [(Int, Int)] = []
            var start = 0
            for i in 0...buffer.count where i == buffer.count || buffer[i] == UInt8(ascii: "\n") {
                if buffer[start..<i].contains(where: { !EventJSONReader.isSpace($0) }) { lines.append((start, i)) }
                start = i + 1
            }
            guard lines.count <= maxEvents else { throw .tooMany(count: lines.count) }
            items.reserveCapacity(lines.count)
            for (index, (from, to)) in lines.enumerated() {
                var line = EventJSONReader(buffer, from: from, to: to)
                do throws(EventJSONReader.SyntaxError) {
                    items.append(try line.item())
                    line.skipSpace()
                    guard line.atEnd else { throw EventJSONReader.SyntaxError() }
                } catch {
                    throw .invalid(index: index, field: nil, message: "Line \(index + 1) is not valid JSON (NDJSON: one event object a line).")
                }
            }
        }
        guard !items.isEmpty else { throw .invalid(index: nil, field: nil, message: "The body holds no events.") }
        return items
    }

    private static func event(_ item: EventJSONReader.Item, index: Int, now: Int64, dates: ISODates) throws(Failure) -> BulkEvent {
        guard case .object(let fields) = item else {
            throw .invalid(index: index, field: nil, message: "An event must be a JSON object.")
        }
        func fail(_ field: String, _ message: String) -> Failure { .invalid(index: index, field: field, message: "The field \(field) \(message).") }
        typealias Value = EventJSONReader.Value

        /// A string, or an integer written as its decimal digits (platforms often number users).
        func identifier(_ field: String, _ value: Value?, required: Bool) throws(Failure) -> String? {
            switch value {
            case nil, .null:
                if required { throw fail(field, "is required") }
                return nil
            case .string(let s):
                guard !s.isEmpty else { throw fail(field, "must not be empty") }
                // Bytes first: counting characters is only needed for long text.
                guard s.utf8.count <= maxIDLength || s.count <= maxIDLength else { throw fail(field, "is longer than \(maxIDLength) characters") }
                guard !s.utf8.contains(0) else { throw fail(field, "contains a NUL character") }
                return s
            case .number(_, let integer?) where abs(integer) < 9_000_000_000_000_000:
                return String(integer)
            default: throw fail(field, "must be a string or an integer")
            }
        }
        func text(_ field: String, _ value: Value?, required: Bool) throws(Failure) -> String? {
            switch value {
            case nil, .null:
                if required { throw fail(field, "is required") }
                return nil
            case .string(let s):
                // A visible ASCII byte settles "not blank" without Foundation's trimming.
                let visible = s.utf8.contains { $0 > 0x20 && $0 < 0x7F }
                guard visible || !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    if required { throw fail(field, "must not be empty") }
                    return nil
                }
                guard s.utf8.count <= maxTextLength || s.count <= maxTextLength else {
                    throw fail(field, "is longer than \(maxTextLength) characters")
                }
                guard !s.utf8.contains(0) else { throw fail(field, "contains a NUL character") }
                return s
            default: throw fail(field, "must be a string")
            }
        }

        let user = try identifier("user_id", fields.userID, required: true)!
        let eventID = try identifier("event_id", fields.eventID, required: false)
        let track = try text("track", fields.track, required: true)!
        let artist = try text("artist", fields.artist, required: false)
        let album = try text("album", fields.album, required: false)

        let millis: Int64
        switch fields.ts {
        case nil, .null: throw fail("ts", "is required (epoch seconds, epoch milliseconds or ISO 8601)")
        case .number(let value, _):
            guard value.isFinite, abs(value) < 1e15 else { throw fail("ts", "\(value) is not a time") }
            millis = abs(value) >= 1e11 ? Int64(value.rounded()) : Int64((value * 1000).rounded())
        case .string(let s):
            guard let date = dates.parse(s) else {
                throw fail("ts", "'\(s.prefix(40))' is not an ISO 8601 time with a zone (like 2024-05-06T21:04:05Z)")
            }
            millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        default: throw fail("ts", "must be a number (epoch seconds or milliseconds) or an ISO 8601 string")
        }
        guard millis >= ListenBrainzSubmission.earliestListen * 1000 else { throw fail("ts", "is before 2002-10-01, the earliest time accepted") }
        guard millis <= now + 3_600_000 else { throw fail("ts", "is more than an hour in the future") }
        return BulkEvent(eventID: eventID, user: user, track: track, artist: artist, album: album, timeMilliseconds: millis)
    }
}

/// ISO 8601 parsing with and without fractional seconds (one pair of formatters per request, made
/// at the first ISO time: most platforms send numbers, and a Kafka message is a request of its own).
private final class ISODates {
    lazy var plain: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f
    }()
    lazy var fractional: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()

    func parse(_ text: String) -> Date? {
        plain.date(from: text) ?? fractional.date(from: text)
    }
}
