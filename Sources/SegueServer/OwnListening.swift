import Foundation
import SegueModel
import SegueStore

/// The visitor's own listening on the Live page: what their scrobblers say is playing now, and what they
/// played today in their time zone. Only the ListenBrainz users whose listens join the visitor's profile
/// count (on a single-user install every user does, as `ListenBrainzController` files them), so one visitor
/// never sees another's listens.
struct OwnListening: Encodable, Equatable {
    /// A track, with the time of day it was played when it was.
    struct Track: Encodable, Equatable {
        var track: String
        var artist: String
        /// Seconds since 1970; nil for what is playing now.
        var listenedAt: Int64?
        /// The listen's time of day in the visitor's time zone ("14:05").
        var time: String?

        enum CodingKeys: String, CodingKey {
            case track, artist, time
            case listenedAt = "listened_at"
        }
    }

    /// Whether any of the visitor's ListenBrainz users has sent a listen or is playing something.
    var hasScrobbles: Bool
    var playingNow: Track?
    /// Today in the visitor's time zone ("2026-12-07").
    var day: String
    var timeZone: String
    /// The profile's music plays that ended today, and their minutes (as Explore counts them).
    var playsToday: Int
    var minutesToday: Int
    /// Today's latest listens, newest first (at most `recentCount`).
    var recentToday: [Track]

    /// How many of today's listens the page lists.
    static let recentCount = 5

    enum CodingKeys: String, CodingKey {
        case day
        case hasScrobbles = "has_scrobbles"
        case playingNow = "playing_now"
        case timeZone = "time_zone"
        case playsToday = "plays_today"
        case minutesToday = "minutes_today"
        case recentToday = "recent_today"
    }

    /// The track metadata of a `playing_now` submission, as stored.
    private struct Metadata: Decodable {
        var artistName: String?
        var trackName: String?

        enum CodingKeys: String, CodingKey {
            case artistName = "artist_name"
            case trackName = "track_name"
        }
    }

    /// The listening of the visitor whose profile is `profileName`, as of `nowMillis`.
    static func of(profileName: String, deps: ServerDependencies, timeZone: TimeZone, nowMillis: Int64) throws -> OwnListening {
        let single = deps.configuration.singleUserProfile
        let users = try deps.listens.users().filter { single != nil ? profileName == single : $0.profile == profileName }
        let today = CalendarDay(time: nowMillis / 1000, timeZone: timeZone)
        let dayStart = today.startTime(in: timeZone)
        let dayEnd = today.next.startTime(in: timeZone)
        var playing: Track?
        var recent: [Track] = []
        var hasScrobbles = false
        for user in users {
            if playing == nil, let json = try deps.listens.playingNow(userID: user.id, nowMillis: nowMillis),
                let metadata = try? JSONDecoder().decode(Metadata.self, from: Data(json.utf8)), let track = metadata.trackName
            {
                playing = Track(track: track, artist: metadata.artistName ?? "")
            }
            let listens = try deps.listens.listens(userID: user.id, minTs: dayStart - 1, maxTs: dayEnd, count: recentCount)
            recent += listens.map {
                Track(
                    track: $0.track, artist: $0.artist, listenedAt: $0.listenedAt,
                    time: clockTime($0.listenedAt, timeZone))
            }
            let sent = try !listens.isEmpty || deps.listens.listenCount(userID: user.id) > 0
            hasScrobbles = hasScrobbles || sent
        }
        hasScrobbles = hasScrobbles || playing != nil
        recent.sort { ($0.listenedAt ?? 0, $0.track) > ($1.listenedAt ?? 0, $1.track) }
        var stats = ListeningStats()
        if hasScrobbles {
            stats = try deps.stats(TimeRange(from: today, to: today, timeZone: timeZone), timeZone: timeZone, profileName: profileName)
        }
        return OwnListening(
            hasScrobbles: hasScrobbles, playingNow: playing, day: "\(today)", timeZone: timeZone.identifier, playsToday: stats.musicPlays,
            minutesToday: Int((Double(stats.milliseconds) / 60_000).rounded()), recentToday: Array(recent.prefix(recentCount)))
    }

    /// What `own-listening.mustache` shows: the card's contents (the page's script draws the same from the JSON).
    struct View {
        struct Recent {
            let time: String
            let name: String
        }

        let hasScrobbles: Bool
        /// Whether visitors here can have a scrobbling token of their own (on Settings).
        let singleUser: Bool
        let playingNow: String?
        let playsToday: Int
        let plays: String
        let minutesToday: Int
        let minutes: String
        let hasRecent: Bool
        let recent: [Recent]
    }

    /// The card's contents for `own-listening.mustache`.
    /// - Parameter singleUser: whether visitors here can have a scrobbling token of their own (on Settings).
    func view(singleUser: Bool) -> View {
        View(
            hasScrobbles: hasScrobbles, singleUser: singleUser, playingNow: playingNow.map(Self.name), playsToday: playsToday,
            plays: playsToday == 1 ? "play" : "plays", minutesToday: minutesToday, minutes: minutesToday == 1 ? "minute" : "minutes",
            hasRecent: !recentToday.isEmpty, recent: recentToday.map { View.Recent(time: $0.time ?? "", name: Self.name($0)) })
    }

    /// "14:05": the time of day of `seconds` in `timeZone`.
    static func clockTime(_ seconds: Int64, _ timeZone: TimeZone) -> String {
        let local = seconds + Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        let minuteOfDay = ((local % 86_400) + 86_400) % 86_400 / 60
        return String(format: "%02d:%02d", Int(minuteOfDay / 60), Int(minuteOfDay % 60))
    }

    static func name(_ t: Track) -> String { t.artist.isEmpty ? t.track : "\(t.track) — \(t.artist)" }
}
