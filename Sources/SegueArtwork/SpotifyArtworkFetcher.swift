import Foundation
import NIOHTTP1
import SegueHTTP

/// Fetches album covers and artist images from the Spotify Web API (client-credentials flow) for the
/// entities on screen, into a folder of images named after them (what `ArtworkLibrary` reads).
///
/// Track covers come in batches of 50 ids; artists and albums by search. Every answer is cached on
/// disk (an image, or a note that there is none), so a second render asks nothing. A `429` is
/// honoured by waiting for `Retry-After`. Without credentials nothing is asked and rendering uses
/// generated artwork: everything works offline.
public final class SpotifyArtworkFetcher: @unchecked Sendable {
    public struct Credentials: Sendable {
        public var clientID: String
        public var clientSecret: String

        public init(clientID: String, clientSecret: String) {
            self.clientID = clientID
            self.clientSecret = clientSecret
        }

        /// From `SPOTIFY_CLIENT_ID` and `SPOTIFY_CLIENT_SECRET`, when both are set.
        public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Credentials? {
            guard let id = env["SPOTIFY_CLIENT_ID"], !id.isEmpty, let secret = env["SPOTIFY_CLIENT_SECRET"], !secret.isEmpty else {
                return nil
            }
            return Credentials(clientID: id, clientSecret: secret)
        }
    }

    /// An entity whose picture is wanted: its display name (the file name) and how to find it.
    public enum Wanted: Sendable, Equatable {
        case track(name: String, uri: String)
        case artist(name: String)
        case album(name: String, artist: String)

        var fileName: String {
            switch self {
            case .track(let name, _), .artist(let name), .album(let name, _): return name
            }
        }
    }

    public enum FetchError: Error, CustomStringConvertible {
        case authentication(Int)
        case http(Int, String)

        public var description: String {
            switch self {
            case .authentication(let status):
                return "Spotify refused the client credentials (HTTP \(status)): check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET"
            case .http(let status, let url): return "Spotify answered HTTP \(status) for \(url)"
            }
        }
    }

    let credentials: Credentials
    let apiBase: URL
    let accountsBase: URL
    let cache: URL
    let sleep: @Sendable (Double) async -> Void
    private var token: (value: String, expires: Date)?
    /// Requests made (for tests and logs).
    public private(set) var requests = 0

    /// - Parameters:
    ///   - apiBase, accountsBase: the Web API and accounts hosts (a local stand-in in tests).
    ///   - cache: the folder for images and negative answers.
    ///   - sleep: how to wait for `Retry-After` (injected so tests need not wait).
    public init(
        credentials: Credentials, cache: URL, apiBase: URL = URL(string: "https://api.spotify.com")!,
        accountsBase: URL = URL(string: "https://accounts.spotify.com")!,
        sleep: @escaping @Sendable (Double) async -> Void = { try? await Task.sleep(for: .seconds($0)) }
    ) {
        self.credentials = credentials
        self.cache = cache
        self.apiBase = apiBase
        self.accountsBase = accountsBase
        self.sleep = sleep
    }

    /// The cached image or "none" marker for a name.
    func cached(_ name: String) -> Bool {
        let base = cache.appendingPathComponent(Self.safeFileName(name))
        return ["jpg", "png", "none"].contains { FileManager.default.fileExists(atPath: base.path + "." + $0) }
    }

    /// File names keep the entity's name (the artwork library matches on it), minus path separators.
    static func safeFileName(_ name: String) -> String {
        let cleaned = name.map { "/\\:\0".contains($0) ? "_" : $0 }
        return String(String(cleaned).prefix(120))
    }

    /// Fetches what is not cached yet. Returns how many new images were saved.
    @discardableResult
    public func fetch(_ wanted: [Wanted]) async throws -> Int {
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        let missing = wanted.filter { !cached($0.fileName) }
        guard !missing.isEmpty else { return 0 }
        var imageURLs: [String: String?] = [:]
        // Tracks: their album's cover, 50 ids a request.
        let tracks = missing.compactMap { w -> (String, String)? in
            if case .track(let name, let uri) = w, let id = uri.split(separator: ":").last, uri.hasPrefix("spotify:track:") {
                return (name, String(id))
            }
            return nil
        }
        for start in stride(from: 0, to: tracks.count, by: 50) {
            let batch = Array(tracks[start..<min(tracks.count, start + 50)])
            let json = try await get("/v1/tracks", ["ids": batch.map(\.1).joined(separator: ",")])
            let items = (json["tracks"] as? [Any]) ?? []
            for (i, (name, _)) in batch.enumerated() {
                let item = i < items.count ? items[i] as? [String: Any] : nil
                imageURLs[name] = Self.bestImage((item?["album"] as? [String: Any])?["images"])
            }
        }
        for w in missing {
            switch w {
            case .track(let name, _) where imageURLs[name] == nil: imageURLs[name] = .some(nil)
            case .track: break
            case .artist(let name):
                let json = try await get("/v1/search", ["q": name, "type": "artist", "limit": "5"])
                let items = ((json["artists"] as? [String: Any])?["items"] as? [[String: Any]]) ?? []
                let match = items.first { ($0["name"] as? String)?.lowercased() == name.lowercased() } ?? items.first
                imageURLs[name] = Self.bestImage(match?["images"])
            case .album(let name, let artist):
                let json = try await get("/v1/search", ["q": "album:\(name) artist:\(artist)", "type": "album", "limit": "5"])
                let items = ((json["albums"] as? [String: Any])?["items"] as? [[String: Any]]) ?? []
                imageURLs[name] = Self.bestImage(items.first?["images"])
            }
        }
        var saved = 0
        for (name, url) in imageURLs {
            let base = cache.appendingPathComponent(Self.safeFileName(name))
            guard let url, let remote = URL(string: url) else {
                try Data().write(to: URL(fileURLWithPath: base.path + ".none"))
                continue
            }
            let response = try await send(.GET, remote)
            guard response.status == 200 else { continue }
            let data = response.data
            let ext = data.starts(with: [0x89, 0x50, 0x4E, 0x47]) ? "png" : "jpg"
            try data.write(to: URL(fileURLWithPath: base.path + "." + ext))
            saved += 1
        }
        return saved
    }

    /// The image closest to 300 px wide (covers come at 640, 300 and 64).
    static func bestImage(_ images: Any?) -> String? {
        let list = (images as? [[String: Any]]) ?? []
        return list.min { abs(($0["width"] as? Int ?? 0) - 300) < abs(($1["width"] as? Int ?? 0) - 300) }?["url"] as? String
    }

    private func accessToken() async throws -> String {
        if let token, token.expires > Date() { return token.value }
        let basic = Data("\(credentials.clientID):\(credentials.clientSecret)".utf8).base64EncodedString()
        let response = try await send(
            .POST, accountsBase.appendingPathComponent("api/token"),
            headers: [("Authorization", "Basic \(basic)"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("grant_type=client_credentials".utf8))
        let status = response.status
        guard status == 200, let json = try? JSONSerialization.jsonObject(with: response.data) as? [String: Any],
            let value = json["access_token"] as? String
        else { throw FetchError.authentication(status) }
        let lifetime = (json["expires_in"] as? Double) ?? 3600
        token = (value, Date().addingTimeInterval(lifetime - 60))
        return value
    }

    private func get(_ path: String, _ query: [String: String]) async throws -> [String: Any] {
        var components = URLComponents(url: apiBase.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        let token = try await accessToken()
        let response = try await send(.GET, components.url!, headers: [("Authorization", "Bearer \(token)")])
        guard response.status == 200 else { throw FetchError.http(response.status, components.url!.absoluteString) }
        return (try? JSONSerialization.jsonObject(with: response.data) as? [String: Any]) ?? [:]
    }

    /// Sends a request, waiting and retrying (up to five times) when told `429 Retry-After`.
    private func send(
        _ method: HTTPFetch.Method, _ url: URL, headers: [(String, String)] = [], body: [UInt8]? = nil
    ) async throws -> HTTPFetch.Response {
        var attempt = 0
        while true {
            requests += 1
            let response = try await HTTPFetch.send(method, url, headers: headers, body: body, timeout: .seconds(15))
            if response.status == 429, attempt < 5 {
                let wait = Double(response.header("Retry-After") ?? "") ?? 1
                await sleep(min(wait, 60))
                attempt += 1
                continue
            }
            return response
        }
    }
}
