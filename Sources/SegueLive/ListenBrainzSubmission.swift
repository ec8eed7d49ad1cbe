import Foundation

/// A `POST /1/submit-listens` body, validated the way ListenBrainz validates it, so that real
/// scrobblers get the same answers from Segue.
public struct ListenBrainzSubmission: Sendable, Equatable {
    public enum ListenType: String, Sendable {
        case single
        case playingNow = "playing_now"
        case `import`
    }

    public var listenType: ListenType
    public var listens: [ListenBrainzListen]

    /// The earliest `listened_at` ListenBrainz accepts (2002-10-01, Last.fm's start).
    public static let earliestListen: Int64 = 1_033_410_600
    public static let maxListens = 1000
    public static let maxListenBytes = 10_240
    /// The longest duration ListenBrainz accepts (its `MAX_DURATION_LIMIT_IN_SECONDS`: 24 days).
    public static let maxDurationSeconds: Int64 = 2_073_600

    /// A validation failure: ListenBrainz answers these with HTTP 400 and `{"code": 400, "error": message}`.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Parses and validates a request body.
    /// - Parameter now: the current time in seconds since 1970 (listens may be at most an hour ahead).
    public init(body: Data, now: Int64) throws(Invalid) {
        guard let object = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            throw Invalid(message: "Cannot parse JSON document.")
        }
        guard let root = object as? [String: Any] else { throw Invalid(message: "Invalid JSON document submitted.") }
        guard let typeText = root["listen_type"] as? String else { throw Invalid(message: "JSON document must contain the key listen_type.") }
        guard let type = ListenType(rawValue: typeText) else {
            throw Invalid(message: "listen_type must be one of 'single', 'import' or 'playing_now'.")
        }
        guard let payload = root["payload"] as? [Any] else { throw Invalid(message: "JSON document must contain the key payload as a list.") }
        guard !payload.isEmpty else { throw Invalid(message: "JSON document does not contain any listens.") }
        if type != .import && payload.count != 1 {
            throw Invalid(message: "JSON document should contain exactly one listen for listen_type '\(typeText)'.")
        }
        guard payload.count <= Self.maxListens else {
            throw Invalid(message: "Too many listens: at most \(Self.maxListens) per request.")
        }
        var listens: [ListenBrainzListen] = []
        listens.reserveCapacity(payload.count)
        for (index, item) in payload.enumerated() {
            listens.append(try ListenBrainzListen(item, index: index, type: type, now: now))
        }
        listenType = type
        self.listens = listens
    }
}

/// One validated listen.
public struct ListenBrainzListen: Sendable, Equatable {
    /// Seconds since 1970; nil for `playing_now`.
    public var listenedAt: Int64?
    public var artist: String
    public var track: String
    public var release: String?
    public var durationMilliseconds: Int?
    public var spotifyID: String?
    public var recordingMBID: String?
    public var submissionClient: String?
    /// `track_metadata` as sent (normalised JSON), kept for the read API.
    public var trackMetadataJSON: String

    init(_ item: Any, index: Int, type: ListenBrainzSubmission.ListenType, now: Int64) throws(ListenBrainzSubmission.Invalid) {
        typealias Invalid = ListenBrainzSubmission.Invalid
        let at = "listen \(index)"
        guard let listen = item as? [String: Any] else { throw Invalid(message: "\(at): a listen must be a JSON object.") }
        if let size = try? JSONSerialization.data(withJSONObject: listen).count, size > ListenBrainzSubmission.maxListenBytes {
            throw Invalid(message: "\(at): listen is larger than \(ListenBrainzSubmission.maxListenBytes) bytes.")
        }
        switch (type, listen["listened_at"]) {
        case (.playingNow, nil), (.playingNow, is NSNull): listenedAt = nil
        case (.playingNow, _): throw Invalid(message: "\(at): playing_now listens must not have listened_at.")
        case (_, let value as NSNumber) where !Self.isBool(value) && value.doubleValue == value.doubleValue.rounded():
            // Compared as a double first: a number too large for 64 bits must not reach integer arithmetic.
            let seconds = value.doubleValue
            guard seconds >= Double(ListenBrainzSubmission.earliestListen) else {
                throw Invalid(message: "\(at): listened_at \(value) is before 2002-10-01, the earliest date accepted.")
            }
            guard seconds <= Double(now) + 3600 else {
                throw Invalid(message: "\(at): listened_at \(value) is more than an hour in the future.")
            }
            listenedAt = value.int64Value
        case (_, nil): throw Invalid(message: "\(at): JSON document must contain the key listened_at at the top level.")
        default: throw Invalid(message: "\(at): listened_at must be an integer (seconds since 1970).")
        }
        guard let metadata = listen["track_metadata"] as? [String: Any] else {
            throw Invalid(message: "\(at): JSON document must contain the key track_metadata.")
        }
        func text(_ key: String, in object: [String: Any], required: Bool) throws(Invalid) -> String? {
            switch object[key] {
            case nil, is NSNull:
                if required { throw Invalid(message: "\(at): track_metadata.\(key) is required.") }
                return nil
            case let s as String:
                guard !s.contains("\u{0}") else { throw Invalid(message: "\(at): \(key) contains a NUL character.") }
                let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
                if required && trimmed.isEmpty { throw Invalid(message: "\(at): track_metadata.\(key) must not be empty.") }
                return trimmed.isEmpty ? nil : s
            default: throw Invalid(message: "\(at): \(key) must be a string.")
            }
        }
        artist = try text("artist_name", in: metadata, required: true)!
        track = try text("track_name", in: metadata, required: true)!
        release = try text("release_name", in: metadata, required: false)
        var info: [String: Any] = [:]
        switch metadata["additional_info"] {
        case nil, is NSNull: break
        case let object as [String: Any]: info = object
        default: throw Invalid(message: "\(at): additional_info must be an object.")
        }
        let longest = ListenBrainzSubmission.maxDurationSeconds
        if let ms = info["duration_ms"] {
            guard let n = Self.wholeNumber(ms, in: 0...(longest * 1000)) else {
                throw Invalid(
                    message: "\(at): additional_info.duration_ms must be a whole number of milliseconds from 0 to \(longest * 1000) (24 days).")
            }
            durationMilliseconds = Int(n)
        } else if let s = info["duration"] {
            guard let n = Self.wholeNumber(s, in: 0...longest) else {
                throw Invalid(message: "\(at): additional_info.duration must be a whole number of seconds from 0 to \(longest) (24 days).")
            }
            durationMilliseconds = Int(n) * 1000
        }
        spotifyID = try text("spotify_id", in: info, required: false)
        submissionClient = try text("submission_client", in: info, required: false)
        recordingMBID = try text("recording_mbid", in: info, required: false)
        for key in ["recording_mbid", "release_mbid", "release_group_mbid", "track_mbid"] {
            if let value = try text(key, in: info, required: false), UUID(uuidString: value) == nil {
                throw Invalid(message: "\(at): \(key) '\(value)' is not a valid MBID (UUID).")
            }
        }
        for key in ["artist_mbids", "work_mbids"] {
            guard let value = info[key], !(value is NSNull) else { continue }
            guard let list = value as? [Any], list.allSatisfy({ ($0 as? String).flatMap(UUID.init(uuidString:)) != nil }) else {
                throw Invalid(message: "\(at): \(key) must be a list of MBIDs (UUIDs).")
            }
        }
        if let tags = info["tags"], !(tags is NSNull) {
            guard let list = tags as? [Any], list.count <= 50, list.allSatisfy({ ($0 as? String).map { $0.count <= 64 } ?? false }) else {
                throw Invalid(message: "\(at): tags must be a list of at most 50 strings of at most 64 characters.")
            }
        }
        let normalized = (try? JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys])) ?? Data("{}".utf8)
        trackMetadataJSON = String(decoding: normalized, as: UTF8.self)
    }

    /// The integer `value` holds when it is a JSON number without a fraction inside `range`; nil for
    /// booleans, fractions, strings and numbers outside it (checked before any integer conversion).
    static func wholeNumber(_ value: Any, in range: ClosedRange<Int64>) -> Int64? {
        guard let n = value as? NSNumber, !isBool(n) else { return nil }
        let d = n.doubleValue
        guard d.isFinite, d == d.rounded(), d >= Double(range.lowerBound), d <= Double(range.upperBound) else { return nil }
        let whole = n.int64Value
        return range.contains(whole) ? whole : nil
    }

    /// JSON booleans arrive as NSNumber too; ListenBrainz refuses them where integers belong.
    static func isBool(_ n: NSNumber) -> Bool {
        type(of: n) == type(of: NSNumber(value: true))
    }
}
