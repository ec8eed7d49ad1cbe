import Foundation
import ZIPFoundation

/// Builds small Spotify exports on disk for tests.
public enum Fixtures {
    /// A fresh temporary folder.
    public static func folder(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("segue-tests-\(name.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// One extended-history record; pass nil to write JSON null, and leave keys out with `omit`.
    public static func extended(
        ts: String, ms: Int, track: String? = "Song", artist: String? = "Artist", album: String? = "Album",
        uri: String? = "spotify:track:1", episode: String? = nil, show: String? = nil, episodeURI: String? = nil,
        omit: Set<String> = [], extra: [String: Any] = [:]
    ) -> [String: Any] {
        var r: [String: Any] = [
            "ts": ts, "platform": "linux", "ms_played": ms, "conn_country": "DE", "ip_addr": "192.0.2.1",
            "master_metadata_track_name": track ?? NSNull(), "master_metadata_album_artist_name": artist ?? NSNull(),
            "master_metadata_album_album_name": album ?? NSNull(), "spotify_track_uri": uri ?? NSNull(),
            "episode_name": episode ?? NSNull(), "episode_show_name": show ?? NSNull(),
            "spotify_episode_uri": episodeURI ?? NSNull(), "reason_start": "trackdone", "reason_end": "trackdone",
            "shuffle": false, "skipped": NSNull(), "offline": false, "offline_timestamp": NSNull(),
            "incognito_mode": false,
        ]
        for k in omit { r[k] = nil }
        for (k, v) in extra { r[k] = v }
        return r
    }

    public static func account(end: String, artist: String, track: String, ms: Int) -> [String: Any] {
        ["endTime": end, "artistName": artist, "trackName": track, "msPlayed": ms]
    }

    public static func json(_ records: [[String: Any]], bom: Bool = false) throws -> Data {
        var data = try JSONSerialization.data(withJSONObject: records, options: [.prettyPrinted])
        if bom { data = Data([0xEF, 0xBB, 0xBF]) + data }
        return data
    }

    @discardableResult
    public static func write(_ data: Data, to folder: URL, _ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url
    }

    /// A ZIP with the given entries (path → bytes).
    public static func zip(_ entries: [(String, Data)], at url: URL) throws {
        let archive = try Archive(url: url, accessMode: .create)
        for (path, data) in entries {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) {
                position, size in data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }
}
