import SegueModel
import SegueStore

/// Every member a Spotify streaming-history record can carry, in either export format, decoded with
/// explicit keys (a misspelt key must not silently lose a field). Text members are ids in the
/// parse's `StringInterner` (`none` for null, absent or empty), so a record costs no allocation.
struct SpotifyRecord {
    typealias ID = Int32
    static let none = StringInterner.none

    // Extended streaming history
    /// The parsed `ts`; `tsUnparsable` is set instead when it did not parse (to reject the record).
    var ts: Int64?
    var tsUnparsable = false
    var msPlayed: Int64?
    var trackName = none
    var albumArtistName = none
    var albumName = none
    var trackURI = none
    var episodeName = none
    var episodeShowName = none
    var episodeURI = none
    var audiobookTitle = none
    var audiobookURI = none
    var audiobookChapterURI = none
    var audiobookChapterTitle = none
    var reasonStart = none
    var reasonEnd = none
    var shuffle: Bool?
    var skipped: Bool?
    var offline: Bool?
    var offlineTimestamp: Int64?
    var incognito: Bool?
    var platform = none
    var country = none
    // Account data
    var endTime: Int64?
    var endTimeUnparsable = false
    var artistName = none
    var accountTrackName = none
    var podcastName = none
    var accountEpisodeName = none
    var audiobookName = none
    var chapterName = none
    /// The first member whose value had the wrong type, to reject the record with a reason.
    var typeError: StaticString?

    var hasExtendedKeys = false
    var hasAccountKeys = false
    /// Whether the record has a `spotify_track_uri` or `spotify_episode_uri` key at all (null or
    /// not). Spotify's 2020-era `endsong_N.json` files have neither: their tracks are known by
    /// artist and name, as in account data.
    var hasURIKeys = false

    /// Reads one object from the scanner, interning its text in `strings`.
    static func read(_ scanner: inout JSONScanner, strings: StringInterner) throws -> SpotifyRecord {
        var r = SpotifyRecord()
        try scanner.members { key, value, s in
            func str(_ error: StaticString) -> ID {
                switch value {
                case .null, .nested: return none
                case .string(let start, let end, let escaped):
                    if !escaped { return strings.intern(UnsafeBufferPointer(start: s.base + start, count: end - start)) }
                    return strings.intern(s.string(value) ?? "")
                default:
                    if r.typeError == nil { r.typeError = error }
                    return none
                }
            }
            func int(_ error: StaticString) -> Int64? {
                switch value {
                case .integer(let v): return v
                // A whole number past Int64 (the scanner reads it as a double) is out of every
                // field's range: the field's range check names it.
                case .double(let d) where d.isFinite && d == d.rounded(): return Int64(exactly: d) ?? (d < 0 ? .min : .max)
                case .null: return nil
                default:
                    if r.typeError == nil { r.typeError = error }
                    return nil
                }
            }
            func bool(_ error: StaticString) -> Bool? {
                switch value {
                case .bool(let b): return b
                case .null: return nil
                default:
                    if r.typeError == nil { r.typeError = error }
                    return nil
                }
            }
            func time(_ parse: (UnsafeBufferPointer<UInt8>) -> Int64?, _ error: StaticString) -> (Int64?, Bool)? {
                switch value {
                case .null, .nested: return nil
                case .string:
                    // Parsed straight from the bytes: no String for the most frequent field.
                    if let bytes = s.rawBytes(value) {
                        let t = parse(bytes)
                        return (t, t == nil)
                    }
                    var text = s.string(value) ?? ""
                    let t = text.withUTF8 { parse($0) }
                    return (t, t == nil)
                default:
                    if r.typeError == nil { r.typeError = error }
                    return nil
                }
            }
            switch key.count {
            case 2 where key.equals("ts"):
                r.hasExtendedKeys = true
                if let (t, bad) = time(SpotifyTime.parseISO8601, "ts is not a string") {
                    r.ts = t
                    r.tsUnparsable = bad
                }
            case 9 where key.equals("ms_played"):
                r.msPlayed = int("ms_played is not an integer")
                r.hasExtendedKeys = true
            case 26 where key.equals("master_metadata_track_name"):
                r.trackName = str("master_metadata_track_name is not a string")
            case 33 where key.equals("master_metadata_album_artist_name"):
                r.albumArtistName = str("master_metadata_album_artist_name is not a string")
            case 32 where key.equals("master_metadata_album_album_name"):
                r.albumName = str("master_metadata_album_album_name is not a string")
            case 17 where key.equals("spotify_track_uri"):
                r.hasURIKeys = true
                r.trackURI = str("spotify_track_uri is not a string")
            case 12 where key.equals("episode_name"): r.episodeName = str("episode_name is not a string")
            case 17 where key.equals("episode_show_name"): r.episodeShowName = str("episode_show_name is not a string")
            case 19 where key.equals("spotify_episode_uri"):
                r.hasURIKeys = true
                r.episodeURI = str("spotify_episode_uri is not a string")
            case 15 where key.equals("audiobook_title"): r.audiobookTitle = str("audiobook_title is not a string")
            case 13 where key.equals("audiobook_uri"): r.audiobookURI = str("audiobook_uri is not a string")
            case 21 where key.equals("audiobook_chapter_uri"):
                r.audiobookChapterURI = str("audiobook_chapter_uri is not a string")
            case 23 where key.equals("audiobook_chapter_title"):
                r.audiobookChapterTitle = str("audiobook_chapter_title is not a string")
            case 12 where key.equals("reason_start"): r.reasonStart = str("reason_start is not a string")
            case 10 where key.equals("reason_end"): r.reasonEnd = str("reason_end is not a string")
            case 7 where key.equals("shuffle"): r.shuffle = bool("shuffle is not a boolean")
            case 7 where key.equals("skipped"):
                // Older exports wrote 0/1 or null here.
                if case .integer(let v) = value { r.skipped = v != 0 } else { r.skipped = bool("skipped is not a boolean") }
            case 7 where key.equals("offline"): r.offline = bool("offline is not a boolean")
            case 17 where key.equals("offline_timestamp"): r.offlineTimestamp = int("offline_timestamp is not an integer")
            case 14 where key.equals("incognito_mode"): r.incognito = bool("incognito_mode is not a boolean")
            case 8 where key.equals("platform"): r.platform = str("platform is not a string")
            case 12 where key.equals("conn_country"): r.country = str("conn_country is not a string")
            case 7 where key.equals("endTime"):
                r.hasAccountKeys = true
                if let (t, bad) = time(SpotifyTime.parseAccountTime, "endTime is not a string") {
                    r.endTime = t
                    r.endTimeUnparsable = bad
                }
            case 8 where key.equals("msPlayed"):
                r.msPlayed = int("msPlayed is not an integer")
                r.hasAccountKeys = true
            case 10 where key.equals("artistName"): r.artistName = str("artistName is not a string")
            case 9 where key.equals("trackName"): r.accountTrackName = str("trackName is not a string")
            case 11 where key.equals("podcastName"): r.podcastName = str("podcastName is not a string")
            case 11 where key.equals("episodeName"): r.accountEpisodeName = str("episodeName is not a string")
            case 13 where key.equals("audiobookName"): r.audiobookName = str("audiobookName is not a string")
            case 11 where key.equals("chapterName"): r.chapterName = str("chapterName is not a string")
            default: break
            }
        }
        return r
    }

    /// A record that counts, as interned ids and numbers.
    struct RecordPlay {
        var kind: PlayKind
        var endTime: Int64
        var msPlayed: Int32
        var title = none
        var creator = none
        var album = none
        var uri = none
        var reasonStart = none
        var reasonEnd = none
        var platform = none
        var country = none
        var flags: UInt8 = 0
        var offlineTimestamp = PlayBatch.noTimestamp
    }

    /// Maps the record to a play, or gives the reason it cannot count.
    func play() -> Result<RecordPlay, Rejection> {
        if let typeError { return .failure(Rejection(typeError.description)) }
        if hasExtendedKeys && !hasAccountKeys { return extendedPlay() }
        if hasAccountKeys && !hasExtendedKeys { return accountPlay() }
        if ts != nil || tsUnparsable { return extendedPlay() }
        if endTime != nil || endTimeUnparsable { return accountPlay() }
        return .failure(Rejection("no ts or endTime"))
    }

    private func extendedPlay() -> Result<RecordPlay, Rejection> {
        if tsUnparsable { return .failure(Rejection("ts is not an ISO 8601 UTC time")) }
        guard let end = ts else { return .failure(Rejection("missing ts")) }
        guard let ms = msPlayed else { return .failure(Rejection("missing ms_played")) }
        guard ms >= 0 && ms < 86_400_000 else { return .failure(Rejection("ms_played out of range")) }
        var play = RecordPlay(kind: .music, endTime: end, msPlayed: Int32(ms))
        play.reasonStart = reasonStart
        play.reasonEnd = reasonEnd
        play.platform = platform
        play.country = country
        play.flags = PlayFlags(shuffle: shuffle, skipped: skipped, offline: offline, incognito: incognito).rawValue
        if let t = offlineTimestamp, t != 0 {
            // Older exports give seconds, newer ones milliseconds; 0 means unknown.
            play.offlineTimestamp = t > 100_000_000_000 ? t / 1000 : t
        }
        if trackName != Self.none, albumArtistName != Self.none {
            // A null URI is a local file (or something else without one); an export without URI
            // keys at all knows its tracks by artist and name.
            guard trackURI != Self.none || !hasURIKeys else {
                return .failure(Rejection("track without spotify_track_uri (local file?)"))
            }
            play.title = trackName
            play.creator = albumArtistName
            play.album = albumName
            play.uri = trackURI
            return .success(play)
        }
        if episodeURI != Self.none || episodeName != Self.none {
            play.kind = .episode
            play.title = episodeName
            play.creator = episodeShowName
            play.uri = episodeURI
            return .success(play)
        }
        if audiobookChapterURI != Self.none || audiobookTitle != Self.none || audiobookURI != Self.none {
            play.kind = .audiobookChapter
            play.title = audiobookChapterTitle
            play.creator = audiobookTitle
            play.uri = audiobookChapterURI != Self.none ? audiobookChapterURI : audiobookURI
            return .success(play)
        }
        if trackName != Self.none { return .failure(Rejection("track without artist")) }
        return .failure(Rejection("no track, episode or audiobook"))
    }

    private func accountPlay() -> Result<RecordPlay, Rejection> {
        if endTimeUnparsable { return .failure(Rejection("endTime is not 'YYYY-MM-DD HH:MM'")) }
        guard let end = endTime else { return .failure(Rejection("missing endTime")) }
        guard let ms = msPlayed else { return .failure(Rejection("missing msPlayed")) }
        guard ms >= 0 && ms < 86_400_000 else { return .failure(Rejection("msPlayed out of range")) }
        var play = RecordPlay(kind: .music, endTime: end, msPlayed: Int32(ms))
        if accountTrackName != Self.none, artistName != Self.none {
            play.title = accountTrackName
            play.creator = artistName
            return .success(play)
        }
        if accountEpisodeName != Self.none {
            play.kind = .episode
            play.title = accountEpisodeName
            play.creator = podcastName
            return .success(play)
        }
        if chapterName != Self.none || audiobookName != Self.none {
            play.kind = .audiobookChapter
            play.title = chapterName != Self.none ? chapterName : audiobookName
            play.creator = audiobookName
            return .success(play)
        }
        if accountTrackName != Self.none { return .failure(Rejection("track without artistName")) }
        return .failure(Rejection("no trackName, episodeName or chapterName"))
    }
}

/// Why a record was not imported.
struct Rejection: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Parsing of the two timestamp shapes Spotify uses, without Foundation's slow date formatters.
enum SpotifyTime {
    /// `2019-11-05T14:28:00Z`, also with fractional seconds or a `+00:00` suffix.
    static func parseISO8601(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parseISO8601($0) }
    }

    static func parseISO8601(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "), b[13] == UInt8(ascii: ":"),
            b[16] == UInt8(ascii: ":"),
            let y = digits(b, 0, 4), let mo = digits(b, 5, 2), let d = digits(b, 8, 2),
            let h = digits(b, 11, 2), let mi = digits(b, 14, 2), let s = digits(b, 17, 2)
        else { return nil }
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, b[i] &- 0x30 < 10 { i += 1 }
        }
        var offset = 0
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count,
                let oh = digits(b, i + 1, 2), let om = digits(b, i + 4, 2)
            {
                offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
                i += 6
            }
        }
        guard i == b.count else { return nil }
        return time(y, mo, d, h, mi, s).map { $0 - Int64(offset) }
    }

    /// `2024-05-06 18:43` (UTC, to the minute).
    static func parseAccountTime(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parseAccountTime($0) }
    }

    static func parseAccountTime(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        do {
            guard b.count == 16 || b.count == 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
                b[10] == UInt8(ascii: " "), b[13] == UInt8(ascii: ":"),
                let y = digits(b, 0, 4), let mo = digits(b, 5, 2), let d = digits(b, 8, 2),
                let h = digits(b, 11, 2), let mi = digits(b, 14, 2)
            else { return nil }
            var s = 0
            if b.count == 19 {
                guard b[16] == UInt8(ascii: ":"), let sec = digits(b, 17, 2) else { return nil }
                s = sec
            }
            return time(y, mo, d, h, mi, s)
        }
    }

    private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ n: Int) -> Int? {
        var v = 0
        for k in at..<(at + n) {
            let d = b[k] &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }

    static func time(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int) -> Int64? {
        guard (1...12).contains(mo), d >= 1, d <= CalendarDay.daysIn(year: y, month: mo), h < 24, mi < 60, s < 61 else {
            return nil
        }
        let days = CalendarDay(year: y, month: mo, day: d).daysSinceEpoch
        return days * 86_400 + Int64(h * 3600 + mi * 60 + s)
    }
}
