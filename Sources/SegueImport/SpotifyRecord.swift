import SegueModel

/// Every member a Spotify streaming-history record can carry, in either export format, decoded with
/// explicit keys (a misspelt key must not silently lose a field).
struct SpotifyRecord {
    // Extended streaming history
    /// The parsed `ts`; `tsText` is set instead when it did not parse (to reject the record).
    var ts: Int64?
    var tsUnparsable = false
    var msPlayed: Int64?
    var trackName: String?
    var albumArtistName: String?
    var albumName: String?
    var trackURI: String?
    var episodeName: String?
    var episodeShowName: String?
    var episodeURI: String?
    var audiobookTitle: String?
    var audiobookURI: String?
    var audiobookChapterURI: String?
    var audiobookChapterTitle: String?
    var reasonStart: String?
    var reasonEnd: String?
    var shuffle: Bool?
    var skipped: Bool?
    var offline: Bool?
    var offlineTimestamp: Int64?
    var incognito: Bool?
    var platform: String?
    var country: String?
    // Account data
    var endTime: Int64?
    var endTimeUnparsable = false
    var artistName: String?
    var accountTrackName: String?
    var podcastName: String?
    var accountEpisodeName: String?
    var audiobookName: String?
    var chapterName: String?
    /// The first member whose value had the wrong type, to reject the record with a reason.
    var typeError: String?

    var hasExtendedKeys = false
    var hasAccountKeys = false

    /// Reads one object from the scanner.
    static func read(_ scanner: inout JSONScanner) throws -> SpotifyRecord {
        var r = SpotifyRecord()
        try scanner.members { key, value, s in
            func str(_ name: String) -> String? {
                switch value {
                case .null, .nested: return nil
                case .string: return s.string(value)
                default:
                    if r.typeError == nil { r.typeError = "\(name) is not a string" }
                    return nil
                }
            }
            func int(_ name: String) -> Int64? {
                switch value {
                case .integer(let v): return v
                case .double(let d) where d.isFinite && d == d.rounded(): return Int64(d)
                case .null: return nil
                default:
                    if r.typeError == nil { r.typeError = "\(name) is not an integer" }
                    return nil
                }
            }
            func bool(_ name: String) -> Bool? {
                switch value {
                case .bool(let b): return b
                case .null: return nil
                default:
                    if r.typeError == nil { r.typeError = "\(name) is not a boolean" }
                    return nil
                }
            }
            switch key.count {
            case 2 where key.equals("ts"):
                r.hasExtendedKeys = true
                // Parsed straight from the bytes: no String for the most frequent field.
                if let bytes = s.rawBytes(value) {
                    r.ts = SpotifyTime.parseISO8601(bytes)
                    r.tsUnparsable = r.ts == nil
                } else if let text = str("ts") {
                    r.ts = SpotifyTime.parseISO8601(text)
                    r.tsUnparsable = r.ts == nil
                }
            case 9 where key.equals("ms_played"): r.msPlayed = int("ms_played"); r.hasExtendedKeys = true
            case 26 where key.equals("master_metadata_track_name"): r.trackName = str("master_metadata_track_name")
            case 33 where key.equals("master_metadata_album_artist_name"):
                r.albumArtistName = str("master_metadata_album_artist_name")
            case 32 where key.equals("master_metadata_album_album_name"):
                r.albumName = str("master_metadata_album_album_name")
            case 17 where key.equals("spotify_track_uri"): r.trackURI = str("spotify_track_uri")
            case 12 where key.equals("episode_name"): r.episodeName = str("episode_name")
            case 17 where key.equals("episode_show_name"): r.episodeShowName = str("episode_show_name")
            case 19 where key.equals("spotify_episode_uri"): r.episodeURI = str("spotify_episode_uri")
            case 15 where key.equals("audiobook_title"): r.audiobookTitle = str("audiobook_title")
            case 13 where key.equals("audiobook_uri"): r.audiobookURI = str("audiobook_uri")
            case 21 where key.equals("audiobook_chapter_uri"): r.audiobookChapterURI = str("audiobook_chapter_uri")
            case 23 where key.equals("audiobook_chapter_title"): r.audiobookChapterTitle = str("audiobook_chapter_title")
            case 12 where key.equals("reason_start"): r.reasonStart = str("reason_start")
            case 10 where key.equals("reason_end"): r.reasonEnd = str("reason_end")
            case 7 where key.equals("shuffle"): r.shuffle = bool("shuffle")
            case 7 where key.equals("skipped"):
                // Older exports wrote 0/1 or null here.
                if case .integer(let v) = value { r.skipped = v != 0 } else { r.skipped = bool("skipped") }
            case 7 where key.equals("offline"): r.offline = bool("offline")
            case 17 where key.equals("offline_timestamp"): r.offlineTimestamp = int("offline_timestamp")
            case 14 where key.equals("incognito_mode"): r.incognito = bool("incognito_mode")
            case 8 where key.equals("platform"): r.platform = str("platform")
            case 12 where key.equals("conn_country"): r.country = str("conn_country")
            case 7 where key.equals("endTime"):
                r.hasAccountKeys = true
                if let text = str("endTime") {
                    r.endTime = SpotifyTime.parseAccountTime(text)
                    r.endTimeUnparsable = r.endTime == nil
                }
            case 8 where key.equals("msPlayed"): r.msPlayed = int("msPlayed"); r.hasAccountKeys = true
            case 10 where key.equals("artistName"): r.artistName = str("artistName")
            case 9 where key.equals("trackName"): r.accountTrackName = str("trackName")
            case 11 where key.equals("podcastName"): r.podcastName = str("podcastName")
            case 11 where key.equals("episodeName"): r.accountEpisodeName = str("episodeName")
            case 13 where key.equals("audiobookName"): r.audiobookName = str("audiobookName")
            case 11 where key.equals("chapterName"): r.chapterName = str("chapterName")
            default: break
            }
        }
        return r
    }

    /// Maps the record to a play, or gives the reason it cannot count.
    func play() -> Result<Play, Rejection> {
        if let typeError { return .failure(Rejection(typeError)) }
        if hasExtendedKeys && !hasAccountKeys { return extendedPlay() }
        if hasAccountKeys && !hasExtendedKeys { return accountPlay() }
        if ts != nil || tsUnparsable { return extendedPlay() }
        if endTime != nil || endTimeUnparsable { return accountPlay() }
        return .failure(Rejection("no ts or endTime"))
    }

    private func extendedPlay() -> Result<Play, Rejection> {
        if tsUnparsable { return .failure(Rejection("ts is not an ISO 8601 UTC time")) }
        guard let end = ts else { return .failure(Rejection("missing ts")) }
        guard let ms = msPlayed else { return .failure(Rejection("missing ms_played")) }
        guard ms >= 0 && ms < 86_400_000 else { return .failure(Rejection("ms_played out of range")) }
        var offlineSeconds = offlineTimestamp
        if let t = offlineSeconds {
            // Older exports give seconds, newer ones milliseconds; 0 means unknown.
            offlineSeconds = t == 0 ? nil : (t > 100_000_000_000 ? t / 1000 : t)
        }
        var play = Play(
            kind: .music, endTime: end, msPlayed: Int(ms), title: "", creator: "",
            reasonStart: reasonStart.nonEmpty, reasonEnd: reasonEnd.nonEmpty, shuffle: shuffle, skipped: skipped,
            offline: offline, offlineTimestamp: offlineSeconds, incognito: incognito, platform: platform.nonEmpty,
            country: country.nonEmpty)
        if let name = trackName.nonEmpty, let artist = albumArtistName.nonEmpty {
            guard let uri = trackURI.nonEmpty else { return .failure(Rejection("track without spotify_track_uri (local file?)")) }
            play.title = name
            play.creator = artist
            play.album = albumName.nonEmpty
            play.uri = uri
            return .success(play)
        }
        if episodeURI.nonEmpty != nil || episodeName.nonEmpty != nil {
            play.kind = .episode
            play.title = episodeName ?? ""
            play.creator = episodeShowName ?? ""
            play.uri = episodeURI.nonEmpty
            return .success(play)
        }
        if audiobookChapterURI.nonEmpty != nil || audiobookTitle.nonEmpty != nil || audiobookURI.nonEmpty != nil {
            play.kind = .audiobookChapter
            play.title = audiobookChapterTitle ?? ""
            play.creator = audiobookTitle ?? ""
            play.uri = audiobookChapterURI.nonEmpty ?? audiobookURI.nonEmpty
            return .success(play)
        }
        if trackName.nonEmpty != nil { return .failure(Rejection("track without artist")) }
        return .failure(Rejection("no track, episode or audiobook"))
    }

    private func accountPlay() -> Result<Play, Rejection> {
        if endTimeUnparsable { return .failure(Rejection("endTime is not 'YYYY-MM-DD HH:MM'")) }
        guard let end = endTime else { return .failure(Rejection("missing endTime")) }
        guard let ms = msPlayed else { return .failure(Rejection("missing msPlayed")) }
        guard ms >= 0 && ms < 86_400_000 else { return .failure(Rejection("msPlayed out of range")) }
        if let track = accountTrackName.nonEmpty, let artist = artistName.nonEmpty {
            return .success(Play(kind: .music, endTime: end, msPlayed: Int(ms), title: track, creator: artist))
        }
        if let episode = accountEpisodeName.nonEmpty {
            return .success(Play(kind: .episode, endTime: end, msPlayed: Int(ms), title: episode, creator: podcastName ?? ""))
        }
        if let chapter = chapterName.nonEmpty ?? audiobookName.nonEmpty {
            return .success(
                Play(kind: .audiobookChapter, endTime: end, msPlayed: Int(ms), title: chapter, creator: audiobookName ?? ""))
        }
        if accountTrackName.nonEmpty != nil { return .failure(Rejection("track without artistName")) }
        return .failure(Rejection("no trackName, episodeName or chapterName"))
    }
}

/// Why a record was not imported.
struct Rejection: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

extension Optional where Wrapped == String {
    /// nil for nil and for the empty string.
    var nonEmpty: String? {
        switch self {
        case .some(let s) where !s.isEmpty: return s
        default: return nil
        }
    }
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
        return text.withUTF8 { b -> Int64? in
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

    private static func time(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int) -> Int64? {
        guard (1...12).contains(mo), d >= 1, d <= CalendarDay.daysIn(year: y, month: mo), h < 24, mi < 60, s < 61 else {
            return nil
        }
        let days = CalendarDay(year: y, month: mo, day: d).daysSinceEpoch
        return days * 86_400 + Int64(h * 3600 + mi * 60 + s)
    }
}
