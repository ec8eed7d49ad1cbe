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
            case .invalid(let index, _, let message): index.map { "event \($0): \(message)" } ?? message
            case .tooMany(let count): "\(count) events in one request; at most \(BulkEventBatch.maxEvents) are accepted"
            }
        }
    }

    /// Parses and validates a body. - Parameter now: the current time, milliseconds since 1970.
    public static func parse(_ body: Data, now: Int64) throws(Failure) -> [BulkEvent] {
        let bytes = [UInt8](body)
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else {
            throw .invalid(index: nil, field: nil, message: "the body holds no events: send NDJSON or a JSON array of events")
        }
        var items: [Any] = []
        if bytes[first] == UInt8(ascii: "[") {
            guard let array = try? JSONSerialization.jsonObject(with: body) as? [Any] else {
                throw .invalid(index: nil, field: nil, message: "the body is not valid JSON (a JSON array of events was expected)")
            }
            items = array
            guard items.count <= maxEvents else { throw .tooMany(count: items.count) }
        } else {
            var lines: [ArraySlice<UInt8>] = []
            for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            where line.contains(where: { !isSpace($0) }) {
                lines.append(line)
            }
            guard lines.count <= maxEvents else { throw .tooMany(count: lines.count) }
            items.reserveCapacity(lines.count)
            for (index, line) in lines.enumerated() {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed]) else {
                    throw .invalid(index: index, field: nil, message: "line \(index + 1) is not valid JSON (NDJSON: one event object a line)")
                }
                items.append(object)
            }
        }
        guard !items.isEmpty else { throw .invalid(index: nil, field: nil, message: "the body holds no events") }
        let dates = ISODates()
        var events: [BulkEvent] = []
        events.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            events.append(try event(item, index: index, now: now, dates: dates))
        }
        return events
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    private static func event(_ item: Any, index: Int, now: Int64, dates: ISODates) throws(Failure) -> BulkEvent {
        guard let object = item as? [String: Any] else {
            throw .invalid(index: index, field: nil, message: "an event must be a JSON object")
        }
        func fail(_ field: String, _ message: String) -> Failure { .invalid(index: index, field: field, message: "\(field) \(message)") }

        /// A string, or an integer written as its decimal digits (platforms often number users).
        func identifier(_ field: String, required: Bool) throws(Failure) -> String? {
            switch object[field] {
            case nil, is NSNull:
                if required { throw fail(field, "is required") }
                return nil
            case let s as String:
                guard !s.isEmpty else { throw fail(field, "must not be empty") }
                // Bytes first: counting characters is only needed for long text.
                guard s.utf8.count <= maxIDLength || s.count <= maxIDLength else { throw fail(field, "is longer than \(maxIDLength) characters") }
                guard !s.utf8.contains(0) else { throw fail(field, "contains a NUL character") }
                return s
            case let n as NSNumber where !ListenBrainzListen.isBool(n) && n.doubleValue == n.doubleValue.rounded() && abs(n.doubleValue) < 9e15:
                return String(n.int64Value)
            default: throw fail(field, "must be a string or an integer")
            }
        }
        func text(_ field: String, required: Bool) throws(Failure) -> String? {
            switch object[field] {
            case nil, is NSNull:
                if required { throw fail(field, "is required") }
                return nil
            case let s as String:
                // A visible ASCII byte settles "not blank" without Foundation's trimming.
                let visible = s.utf8.contains { $0 > 0x20 && $0 < 0x7F }
                guard visible || !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    if required { throw fail(field, "must not be empty") }
                    return nil
                }
                guard s.utf8.count <= maxTextLength || s.count <= maxTextLength else { throw fail(field, "is longer than \(maxTextLength) characters") }
                guard !s.utf8.contains(0) else { throw fail(field, "contains a NUL character") }
                return s
            default: throw fail(field, "must be a string")
            }
        }

        let user = try identifier("user_id", required: true)!
        let eventID = try identifier("event_id", required: false)
        let track = try text("track", required: true)!
        let artist = try text("artist", required: false)
        let album = try text("album", required: false)

        let millis: Int64
        switch object["ts"] {
        case nil, is NSNull: throw fail("ts", "is required (epoch seconds, epoch milliseconds or ISO 8601)")
        case let n as NSNumber where !ListenBrainzListen.isBool(n):
            let value = n.doubleValue
            guard value.isFinite, abs(value) < 1e15 else { throw fail("ts", "\(n) is not a time") }
            millis = abs(value) >= 1e11 ? Int64(value.rounded()) : Int64((value * 1000).rounded())
        case let s as String:
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

/// ISO 8601 parsing with and without fractional seconds (one pair of formatters per request).
private final class ISODates {
    let plain = ISO8601DateFormatter()
    let fractional = ISO8601DateFormatter()

    init() {
        plain.formatOptions = [.withInternetDateTime]
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    }

    func parse(_ text: String) -> Date? {
        plain.date(from: text) ?? fractional.date(from: text)
    }
}
