/// The parts of Subsonic's JSON answers (`f=json`) that pushing a playlist reads, decoded into typed
/// structs with explicit keys; everything else a server sends is ignored.
struct SubsonicEnvelope: Decodable {
    var response: SubsonicResponse
    enum CodingKeys: String, CodingKey { case response = "subsonic-response" }
}

struct SubsonicResponse: Decodable {
    var status: String
    var version: String?
    var error: ErrorBody?
    var searchResult3: SearchResult?
    var playlists: PlaylistList?
    var playlist: SubsonicPlaylist?

    struct ErrorBody: Decodable {
        var code: Int?
        var message: String?
    }

    struct SearchResult: Decodable {
        var song: [SubsonicSong]?
    }

    struct PlaylistList: Decodable {
        var playlist: [SubsonicPlaylist]?
    }
}

/// A song as a Subsonic server describes it.
public struct SubsonicSong: Decodable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var artist: String?
    public var album: String?
    /// Whole seconds.
    public var duration: Int?
    /// The file's path as the server reports it (often relative to its music folder); not every server does.
    public var path: String?

    public init(id: String, title: String, artist: String? = nil, album: String? = nil, duration: Int? = nil, path: String? = nil) {
        self.id = id
        self.title = title
        self.artist = artist
        self.album = album
        self.duration = duration
        self.path = path
    }

    enum CodingKeys: String, CodingKey { case id, title, artist, album, duration, path }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeFlexibleID(.id)
        title = try c.decodeIfPresent(String.self, forKey: .title) ?? ""
        artist = try? c.decodeIfPresent(String.self, forKey: .artist)
        album = try? c.decodeIfPresent(String.self, forKey: .album)
        duration = try? c.decodeIfPresent(Int.self, forKey: .duration)
        path = try? c.decodeIfPresent(String.self, forKey: .path)
    }
}

/// A playlist as a Subsonic server describes it; `entry` only in `getPlaylist`.
public struct SubsonicPlaylist: Decodable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var owner: String?
    public var songCount: Int?
    public var entry: [SubsonicSong]?

    enum CodingKeys: String, CodingKey { case id, name, owner, songCount, entry }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeFlexibleID(.id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        owner = try? c.decodeIfPresent(String.self, forKey: .owner)
        songCount = try? c.decodeIfPresent(Int.self, forKey: .songCount)
        entry = try c.decodeIfPresent([SubsonicSong].self, forKey: .entry)
    }
}

extension KeyedDecodingContainer {
    /// Subsonic ids are strings in OpenSubsonic and numbers on some older servers.
    fileprivate func decodeFlexibleID(_ key: Key) throws -> String {
        if let text = try? decode(String.self, forKey: key), !text.isEmpty { return text }
        if let number = try? decode(Int64.self, forKey: key) { return String(number) }
        throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "\(key.stringValue) is missing or empty")
    }
}
