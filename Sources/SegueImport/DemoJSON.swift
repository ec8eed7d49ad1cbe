import SegueModel

/// Writes demo plays the way Spotify formats its history files (pretty-printed, one array).
enum DemoJSON {
    static func write(_ plays: some Collection<DemoPlay>, catalog: DemoCatalog, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + plays.count * 760)
        out.append(contentsOf: "[\n".utf8)
        var first = true
        for p in plays {
            if !first { out.append(contentsOf: ",\n".utf8) }
            first = false
            var track: DemoCatalog.Track?
            var albumName: String?
            var artistName: String?
            var episode: (String, String, String)?
            var chapter: (String, String, String)?
            switch p.item {
            case .track(let t):
                let tr = catalog.tracks[t]
                track = tr
                albumName = catalog.albums[tr.album].name
                artistName = catalog.artists[catalog.albums[tr.album].artist].name
            case .episode(let code):
                let show = catalog.shows[code / 1000]
                let ep = code % 1000
                episode = (show.episodes[ep], show.show, "spotify:episode:ep\(code)x\(ep * 7919 % 100_000)")
            case .chapter(let c):
                chapter = (catalog.audiobook.title, catalog.audiobook.chapters[c], "spotify:chapter:ch\(c)")
            case .localFile:
                albumName = "Home Recordings"
                artistName = "Local Artist"
                track = DemoCatalog.Track(name: "demo take 3.mp3", album: 0, uri: "", durationMs: p.ms)
            case .unknown: break
            }
            out.append(contentsOf: "  {\n    \"ts\": \"".utf8)
            out.append(contentsOf: iso(p.endTime).utf8)
            out.append(contentsOf: "\",\n    \"platform\": ".utf8)
            string(p.platform, &out)
            out.append(contentsOf: ",\n    \"ms_played\": \(p.ms),\n    \"conn_country\": ".utf8)
            string(p.country, &out)
            out.append(contentsOf: ",\n    \"ip_addr\": \"203.0.113.\(p.endTime % 250)\"".utf8)
            field("master_metadata_track_name", track?.name, &out)
            field("master_metadata_album_artist_name", artistName, &out)
            field("master_metadata_album_album_name", albumName, &out)
            field("spotify_track_uri", (track?.uri).flatMap { $0.isEmpty ? nil : $0 }, &out)
            field("episode_name", episode?.0, &out)
            field("episode_show_name", episode?.1, &out)
            field("spotify_episode_uri", episode?.2, &out)
            field("audiobook_title", chapter?.0, &out)
            field("audiobook_uri", chapter.map { _ in "spotify:audiobook:demo1" }, &out)
            field("audiobook_chapter_uri", chapter?.2, &out)
            field("audiobook_chapter_title", chapter?.1, &out)
            field("reason_start", p.reasonStart, &out)
            field("reason_end", p.reasonEnd, &out)
            bool("shuffle", p.shuffle, &out)
            bool("skipped", p.skipped, &out)
            bool("offline", p.offline, &out)
            out.append(contentsOf: ",\n    \"offline_timestamp\": ".utf8)
            out.append(contentsOf: (p.offlineTimestamp.map { String($0) } ?? "null").utf8)
            bool("incognito_mode", false, &out)
            out.append(contentsOf: "\n  }".utf8)
        }
        out.append(contentsOf: "\n]".utf8)
    }

    private static func field(_ key: String, _ value: String?, _ out: inout [UInt8]) {
        out.append(contentsOf: ",\n    \"\(key)\": ".utf8)
        if let value { string(value, &out) } else { out.append(contentsOf: "null".utf8) }
    }

    private static func bool(_ key: String, _ value: Bool?, _ out: inout [UInt8]) {
        out.append(contentsOf: ",\n    \"\(key)\": \(value.map { $0 ? "true" : "false" } ?? "null")".utf8)
    }

    static func string(_ s: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0..<0x20: out.append(contentsOf: "\\u00\(b < 16 ? "0" : "")\(String(b, radix: 16))".utf8)
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func iso(_ t: Int64) -> String {
        let day = CalendarDay(daysSinceEpoch: t >= 0 ? t / 86_400 : (t - 86_399) / 86_400)
        let s = Int(t - day.daysSinceEpoch * 86_400)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(day)T\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))Z"
    }
}
