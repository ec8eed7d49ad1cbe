import SegueModel

/// One listen from a history that is not Spotify's own: what Last.fm, ListenBrainz, Apple Music and
/// YouTube Music exports have in common.
///
/// Sources disagree on which moment they record: Last.fm, ListenBrainz and YouTube give the start,
/// Apple Music the end. With a known duration one gives the other (`startTime`, `endTime`).
public struct Listen: Sendable, Equatable {
    public var source: PlaySource
    /// Seconds since 1970 UTC, as the source recorded it.
    public var time: Int64
    /// Whether `time` is when the listen started (else when it ended).
    public var timeIsStart: Bool
    /// How long it played, when the source says.
    public var durationMs: Int?
    public var artist: String
    public var title: String
    public var album: String?
    /// `spotify:track:…`, when the source knows it.
    public var spotifyURI: String?
    /// MusicBrainz recording id, when the source knows it.
    public var recordingMBID: String?
    public var isrc: String?

    public init(
        source: PlaySource, time: Int64, timeIsStart: Bool, durationMs: Int? = nil, artist: String,
        title: String, album: String? = nil, spotifyURI: String? = nil, recordingMBID: String? = nil,
        isrc: String? = nil
    ) {
        self.source = source
        self.time = time
        self.timeIsStart = timeIsStart
        self.durationMs = durationMs
        self.artist = artist
        self.title = title
        self.album = album
        self.spotifyURI = spotifyURI
        self.recordingMBID = recordingMBID
        self.isrc = isrc
    }

    /// When the listen started, when the source says or the duration tells.
    public var startTime: Int64? {
        if timeIsStart { return time }
        return durationMs.map { time - Int64($0 / 1000) }
    }

    /// When the listen ended, when the source says or the duration tells.
    public var endTime: Int64? {
        if !timeIsStart { return time }
        return durationMs.map { time + Int64($0 / 1000) }
    }

    /// The day a listen belongs to is that of its end when known, else of its start.
    public var dayTime: Int64 { endTime ?? time }
}

/// One file of listens, parsed: every record is a listen or a rejection with its reason.
///
/// The listens are kept as columns over one table of interned names (a history repeats the same
/// few thousand names hundreds of thousands of times), so a reader that works on bytes can add a
/// listen without making a `String`; `listens` rebuilds them as values.
public struct ParsedListens {
    public var file: String
    public var format: HistoryFormat
    /// Records read (rows or objects), headers not counted.
    public var records = 0
    /// Rejected records per reason.
    public var rejections: [String: Int] = [:]
    /// The first rejected records (at most 20), to find them in the file.
    public var examples: [RejectedRecord] = []
    /// ISRCs and MusicBrainz recording ids that were not valid (`RecordingIdentifier`): dropped,
    /// their listens kept.
    public var droppedIdentifiers = 0

    /// Every name, URI and id the listens use (append-only: copies of this value may share it).
    let strings = StringInterner()
    // One element per listen; names are ids in `strings` (`StringInterner.none`: no value).
    private(set) var sources: [PlaySource] = []
    private(set) var times: [Int64] = []
    private(set) var timeIsStart: [Bool] = []
    /// Milliseconds, or -1 when the source does not say.
    private(set) var durations: [Int32] = []
    private(set) var artists: [Int32] = []
    private(set) var titles: [Int32] = []
    private(set) var albums: [Int32] = []
    private(set) var spotifyURIs: [Int32] = []
    private(set) var recordingMBIDs: [Int32] = []
    private(set) var isrcs: [Int32] = []

    init(file: String, format: HistoryFormat) {
        self.file = file
        self.format = format
    }

    public var rejected: Int { rejections.values.reduce(0, +) }

    /// How many listens were read.
    public var count: Int { times.count }

    /// The listens, as values.
    public var listens: [Listen] { (0..<count).map(listen(at:)) }

    public func listen(at i: Int) -> Listen {
        func text(_ id: Int32) -> String? { id == StringInterner.none ? nil : strings[id] }
        return Listen(
            source: sources[i], time: times[i], timeIsStart: timeIsStart[i],
            durationMs: durations[i] < 0 ? nil : Int(durations[i]), artist: text(artists[i]) ?? "",
            title: text(titles[i]) ?? "", album: text(albums[i]), spotifyURI: text(spotifyURIs[i]),
            recordingMBID: text(recordingMBIDs[i]), isrc: text(isrcs[i]))
    }

    mutating func reject(_ record: Int, _ reason: String) {
        rejections[reason, default: 0] += 1
        if examples.count < 20 { examples.append(RejectedRecord(record: record, reason: reason)) }
    }

    /// Adds a listen (its duration, when given, is at most `ListenRules.maxDurationMs`).
    mutating func append(_ listen: Listen) {
        func id(_ text: String?) -> Int32 { text.map { strings.intern($0) } ?? StringInterner.none }
        append(
            source: listen.source, time: listen.time, timeIsStart: listen.timeIsStart,
            durationMs: listen.durationMs.map { Int32(clamping: $0) } ?? -1, artist: id(listen.artist),
            title: id(listen.title), album: id(listen.album), spotifyURI: id(listen.spotifyURI),
            recordingMBID: id(listen.recordingMBID), isrc: id(listen.isrc))
    }

    /// Adds a listen whose names are ids in `strings` (artist and title must not be `none`).
    mutating func append(
        source: PlaySource, time: Int64, timeIsStart: Bool, durationMs: Int32, artist: Int32, title: Int32,
        album: Int32, spotifyURI: Int32 = StringInterner.none, recordingMBID: Int32 = StringInterner.none,
        isrc: Int32 = StringInterner.none
    ) {
        let recordingMBID = identifier(recordingMBID, RecordingIdentifier.mbid)
        let isrc = identifier(isrc, RecordingIdentifier.isrc)
        sources.append(source)
        times.append(time)
        self.timeIsStart.append(timeIsStart)
        durations.append(durationMs)
        artists.append(artist)
        titles.append(title)
        albums.append(album)
        spotifyURIs.append(spotifyURI)
        recordingMBIDs.append(recordingMBID)
        isrcs.append(isrc)
    }

    /// The id of the identifier `id` names, normalised by `normalise` (`none`, counted in
    /// `droppedIdentifiers`, when it is not valid).
    private mutating func identifier(_ id: Int32, _ normalise: (String?) -> String?) -> Int32 {
        guard id != StringInterner.none else { return id }
        // Longer text is no identifier; it is not copied out of the table to find that out.
        guard strings.bytes(of: id).count <= 64, let valid = normalise(strings[id]) else {
            droppedIdentifiers += 1
            return StringInterner.none
        }
        return valid == strings[id] ? id : strings.intern(valid)
    }

    /// The id of a name given as bytes: trimmed of surrounding white space (as `ListenRules.name`),
    /// `StringInterner.none` when nothing is left.
    mutating func name(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        var lo = 0
        var hi = bytes.count
        @inline(__always) func asciiSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        while lo < hi, asciiSpace(bytes[lo]) { lo += 1 }
        while hi > lo, asciiSpace(bytes[hi - 1]) { hi -= 1 }
        guard lo < hi else { return StringInterner.none }
        if bytes[lo] >= 0x80 || bytes[hi - 1] >= 0x80 {
            // Other white space (no-break, ideographic…) is Unicode's to judge.
            guard let trimmed = ListenRules.name(String(decoding: UnsafeBufferPointer(rebasing: bytes[lo..<hi]), as: UTF8.self))
            else { return StringInterner.none }
            return strings.intern(trimmed)
        }
        return strings.intern(UnsafeBufferPointer(rebasing: bytes[lo..<hi]))
    }
}

/// Rules every source's records pass before they become listens.
enum ListenRules {
    /// Last.fm started scrobbling in 2002; anything earlier is a placeholder date (lastfm-to-csv writes
    /// 1 January 1970 for the track that was playing when the export ran).
    static let earliest: Int64 = 1_009_843_200  // 2002-01-01
    /// A day ahead of now covers every time zone mistake; later is a wrong clock.
    static func latest(now: Int64) -> Int64 { now + 86_400 }
    /// Longer text is not a name.
    static let maxNameBytes = 1024
    /// Longer than a day is not one listen.
    static let maxDurationMs = 86_400_000

    /// The text trimmed of surrounding spaces, or nil when empty; the reason when it cannot be a name.
    static func name(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingSpaces
        return trimmed.isEmpty ? nil : trimmed
    }

    static func checkTime(_ time: Int64, now: Int64) -> String? {
        if time < earliest { return "time before 2002 (a placeholder date)" }
        if time > latest(now: now) { return "time in the future" }
        return nil
    }

    /// `checkNames` for names interned in `strings`.
    static func checkNames(artist: Int32, title: Int32, in strings: StringInterner) -> String? {
        guard artist != StringInterner.none else { return "no artist name" }
        guard title != StringInterner.none else { return "no track name" }
        let a = strings.bytes(of: artist)
        let t = strings.bytes(of: title)
        if a.count > maxNameBytes || t.count > maxNameBytes { return "a name longer than 1,024 bytes" }
        if a.contains(0) || t.contains(0) { return "a name with a NUL character" }
        return nil
    }

    static func checkNames(artist: String?, title: String?) -> String? {
        guard artist != nil else { return "no artist name" }
        guard title != nil else { return "no track name" }
        if artist!.utf8.count > maxNameBytes || title!.utf8.count > maxNameBytes { return "a name longer than 1,024 bytes" }
        if artist!.utf8.contains(0) || title!.utf8.contains(0) { return "a name with a NUL character" }
        return nil
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line ends.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
