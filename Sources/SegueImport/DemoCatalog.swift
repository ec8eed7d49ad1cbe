import Foundation
import SegueModel

/// One generated play before it is written as JSON.
struct DemoPlay {
    enum Item {
        case track(Int)
        case episode(Int)
        case chapter(Int)
        case localFile
        case unknown
    }
    var endTime: Int64
    var ms: Int
    var item: Item
    var reasonStart: String
    var reasonEnd: String
    var shuffle: Bool?
    var skipped: Bool?
    var offline: Bool
    var offlineTimestamp: Int64?
    var platform: String
    var country: String
}

/// Invented artists, albums and tracks with names in many scripts, and how popular each artist is
/// over the years (a rise and fall around a peak, plus a few evergreen favourites).
struct DemoCatalog {
    struct Artist {
        var name: String
        var peak: Double
        var width: Double
        var weight: Double
        var albums: [Int]
    }
    struct Album {
        var name: String
        var artist: Int
        var tracks: [Int]
    }
    struct Track {
        var name: String
        var album: Int
        var uri: String
        var durationMs: Int
    }
    var artists: [Artist] = []
    var albums: [Album] = []
    var tracks: [Track] = []
    var shows: [(show: String, episodes: [String])] = []
    var audiobook = (title: "The Long Way Round: A Memoir", chapters: (1...24).map { "Chapter \($0)" })

    static let latin = ["ka", "lo", "mi", "ra", "ve", "son", "tri", "na", "bel", "dor", "an", "el", "is", "mar", "qu", "zo", "ly", "ten", "ro", "sa"]
    static let special: [String] = [
        "Sigrún & the Northern Lights", "Les Étoiles Tièdes", "Café Ñandú", "夜の図書館", "블루 아워", "Звёздный Пёс",
        "Ωμέγα Νύχτα", "نور الليل", "Mötley <Brass> Band", "O'Brien \"Big\" Quartet", "東京スカイライン", "Ария Ветра",
        "Zoë & Chloé", "北京夏天", "Ngọc Lan Trio", "Åsa Örn", "Dvořák Kids", "Seoul Nights 서울의 밤",
        "The Exceptionally Long Name Orchestra of the Southern Hemisphere and Friends",
    ]
    static let words = [
        "Night", "Gold", "Rain", "Echo", "Summer", "Paper", "Glass", "Heart", "River", "Neon", "Ghost", "Fire", "Blue",
        "Wild", "Silver", "Midnight", "Dream", "Ocean", "Static", "Velvet", "Satellite", "Honey", "Thunder", "Lights",
    ]
    static let foreignTitles = ["さよなら", "사랑해", "Любовь", "Été", "Canción", "Ελπίδα", "夏の夜", "Nocturne in Blue", "¿Dónde?", "Déjà vu"]

    init(rng: inout SplitMix64) {
        let artistCount = 320
        for a in 0..<artistCount {
            let name: String
            if a < Self.special.count {
                name = Self.special[a]
            } else {
                let syllables = (0..<rng.int(in: 2...3)).map { _ in Self.latin[rng.int(in: 0...(Self.latin.count - 1))] }
                var word = syllables.joined()
                word = word.prefix(1).uppercased() + word.dropFirst()
                let forms = ["\(word)", "The \(word)s", "\(word) \(Self.words[rng.int(in: 0...(Self.words.count - 1))])", "DJ \(word)"]
                name = forms[rng.int(in: 0...3)] + (a % 97 == 0 ? " \(a)" : "")
            }
            // Zipf-like weights: a handful of favourites, a long tail.
            let weight = 1.0 / Foundation.pow(Double(a % 200) + 4, 0.8) * (a < 40 ? 2 : 1)
            let evergreen = a % 17 == 5
            artists.append(
                Artist(
                    name: name, peak: rng.unit() * 1.2 - 0.1, width: evergreen ? 10 : 0.05 + rng.unit() * 0.25,
                    weight: weight, albums: []))
            for _ in 0..<rng.int(in: 1...4) {
                let albumIndex = albums.count
                let title = Self.title(&rng)
                albums.append(Album(name: title, artist: a, tracks: []))
                artists[a].albums.append(albumIndex)
                for _ in 0..<rng.int(in: 6...12) {
                    let trackIndex = tracks.count
                    tracks.append(
                        Track(
                            name: Self.title(&rng), album: albumIndex, uri: "spotify:track:" + Self.base62(&rng),
                            durationMs: rng.int(in: 95_000...420_000)))
                    albums[albumIndex].tracks.append(trackIndex)
                }
            }
        }
        for s in ["Deep Work Radio", "Die Morgenlage", "Historia en 10 minutos", "宇宙の話"] {
            shows.append((s, (1...300).map { "Episode \($0): " + Self.title(&rng) }))
        }
        preparePopularity()
    }

    static func title(_ rng: inout SplitMix64) -> String {
        let r = rng.unit()
        if r < 0.1 { return foreignTitles[rng.int(in: 0...(foreignTitles.count - 1))] }
        let a = words[rng.int(in: 0...(words.count - 1))]
        let b = words[rng.int(in: 0...(words.count - 1))]
        if r < 0.5 { return "\(a) \(b)" }
        if r < 0.7 { return "\(a) of the \(b)" }
        if r < 0.8 { return "\(a) (\(b) Remix)" }
        return a
    }

    static func base62(_ rng: inout SplitMix64) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return String((0..<22).map { _ in alphabet[Int(rng.next() % 62)] })
    }

    /// Picks what is played next around time `t` (advanced past the play) at `when` (0…1 of the span).
    func pick(at when: Double, rng: inout SplitMix64, t: inout Int64) -> DemoPlay {
        let r = rng.unit()
        let platforms = ["android", "ios", "windows", "osx", "linux", "web_player"]
        let platform = platforms[Int(rng.next() % UInt64(platforms.count))]
        let country = ["DE", "US", "JP", "FR", "KR", "BR"][Int(rng.next() % 6)]
        var play = DemoPlay(
            endTime: 0, ms: 0, item: .unknown, reasonStart: "trackdone", reasonEnd: "trackdone",
            shuffle: rng.unit() < 0.4, skipped: false, offline: false, offlineTimestamp: nil, platform: platform,
            country: country)
        if r < 0.04 {
            let show = Int(rng.next() % UInt64(shows.count))
            play.item = .episode(show * 1000 + Int(rng.next() % 300))
            play.ms = rng.int(in: 60_000...3_000_000)
        } else if r < 0.045 {
            play.item = .chapter(Int(rng.next() % UInt64(audiobook.chapters.count)))
            play.ms = rng.int(in: 120_000...1_800_000)
        } else if r < 0.047 {
            play.item = .localFile
            play.ms = rng.int(in: 60_000...240_000)
        } else if r < 0.049 {
            play.item = .unknown
            play.ms = 0
        } else {
            let artist = chooseArtist(when: when, rng: &rng)
            let albumIndex = artists[artist].albums[Int(rng.next() % UInt64(artists[artist].albums.count))]
            let album = albums[albumIndex]
            // Earlier tracks of an album are played more.
            let position = min(album.tracks.count - 1, Int(Double(album.tracks.count) * rng.unit() * rng.unit()))
            let track = album.tracks[position]
            play.item = .track(track)
            let duration = tracks[track].durationMs
            let s = rng.unit()
            if s < 0.18 {
                play.ms = rng.int(in: 0...29_999)
                play.reasonEnd = "fwdbtn"
            } else if s < 0.22 {
                play.ms = rng.int(in: 30_000...max(30_000, duration))
                play.reasonEnd = ["endplay", "backbtn", "logout"][Int(rng.next() % 3)]
            } else {
                play.ms = duration
            }
        }
        if rng.unit() < 0.05 {
            play.offline = true
            play.offlineTimestamp = (t - 3600) * (rng.unit() < 0.5 ? 1000 : 1)
        }
        if rng.unit() < 0.02 {
            play.shuffle = nil
            play.skipped = nil
        }
        t += Int64(play.ms / 1000) + Int64(rng.int(in: 1...40))
        // A session ends now and then; the next starts hours later.
        if rng.unit() < 0.03 { t += Int64(rng.int(in: 3600...6 * 3600)) }
        play.endTime = t
        return play
    }

    /// Popularity sampled on 240 points of the span, as cumulative weights for a binary search.
    private var cumulative: [[Double]] = []
    static let buckets = 240

    mutating func preparePopularity() {
        cumulative = (0..<Self.buckets).map { b in
            let when = (Double(b) + 0.5) / Double(Self.buckets)
            var total = 0.0
            return artists.map { a in
                let d = (when - a.peak) / a.width
                total += a.weight * (0.03 + Foundation.exp(-0.5 * d * d))
                return total
            }
        }
    }

    private func chooseArtist(when: Double, rng: inout SplitMix64) -> Int {
        let row = cumulative[min(Self.buckets - 1, max(0, Int(when * Double(Self.buckets))))]
        let x = rng.unit() * row[row.count - 1]
        var lo = 0
        var hi = row.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if row[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
