import Foundation
import SegueModel

/// YouTube Music in a Google Takeout, `watch-history.json`: one JSON array of entries
/// `{header, title: "Watched <title>", titleUrl, subtitles: [{name: "<artist> - Topic", url}], time}`.
/// Entries whose `header` is "YouTube Music" are music; `time` is when playback started. Removed videos
/// have no subtitles (and a URL for a title); there is no album and no duration.
enum YouTubeMusicHistory {
    static func parse(_ data: Data, file: String, now: Int64) throws(ImportError) -> ParsedListens {
        var out = ParsedListens(file: file, format: .youtubeMusic)
        let array: [Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [Any] else {
                throw ImportError.wrongShape(file: file, record: nil, reason: "is not a JSON array of watch-history entries")
            }
            array = parsed
        } catch let error as ImportError {
            throw error
        } catch {
            throw ImportError.malformedJSON(file: file, offset: 0, reason: JSONText.reason(error))
        }
        for element in array {
            let index = out.records
            out.records += 1
            guard let entry = element as? [String: Any] else {
                out.reject(index, "not a JSON object")
                continue
            }
            guard let header = entry["header"] as? String, header == "YouTube Music" else {
                out.reject(index, "not YouTube Music (a YouTube video)")
                continue
            }
            guard var title = entry["title"] as? String else {
                out.reject(index, "no title")
                continue
            }
            if title.hasPrefix("Watched ") { title.removeFirst("Watched ".count) }
            guard let subtitles = entry["subtitles"] as? [Any], let first = subtitles.first as? [String: Any],
                var artist = first["name"] as? String
            else {
                out.reject(index, "a removed video (no channel)")
                continue
            }
            if artist.hasSuffix(" - Topic") { artist.removeLast(" - Topic".count) }
            if title.hasPrefix("https://") || title.hasPrefix("http://") {
                out.reject(index, "a removed video (its title is a link)")
                continue
            }
            let name = ListenRules.name(artist)
            let track = ListenRules.name(title)
            if let problem = ListenRules.checkNames(artist: name, title: track) {
                out.reject(index, problem)
                continue
            }
            guard let text = entry["time"] as? String, let time = SpotifyTime.parseISO8601(text) else {
                out.reject(index, "time is missing or not an ISO 8601 time")
                continue
            }
            if let problem = ListenRules.checkTime(time, now: now) {
                out.reject(index, problem)
                continue
            }
            out.append(Listen(source: .youtube, time: time, timeIsStart: true, artist: name!, title: track!))
        }
        return out
    }
}
