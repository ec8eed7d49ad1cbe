import Foundation
import NIOHTTP1
import SegueHTTP

/// A client of the Subsonic API (and OpenSubsonic servers: Navidrome, Gonic, Airsonic, supysonic)
/// for what pushing a playlist needs: ping, search3, getPlaylists, getPlaylist, createPlaylist and
/// updatePlaylist.
///
/// Every call is a POST with a form-encoded body, so credentials never travel in a URL (where proxies
/// and server logs keep them). Servers with API 1.13 or later get a salted token (`t` = md5(password +
/// salt), `s` = salt, a fresh salt per call); older ones, and accounts a server cannot check by token
/// (error 41, LDAP users), get the password in the body. Answers are
/// read as JSON (`f=json`), bounded in size and time, and every failure is one `PlayerError` naming the
/// server and the call.
public struct SubsonicClient: Sendable {
    /// How the client proves who it is.
    public enum Authentication: Sendable, Equatable {
        /// `t` and `s` (API 1.13 and later).
        case token
        /// `p` in the POST body (older servers, such as supysonic's 1.12.0).
        case password
    }

    /// The server's base address as given (no trailing slash), used in messages.
    public let server: String
    /// The API version the server reported.
    public let apiVersion: SubsonicVersion
    public let authentication: Authentication
    private let base: URL
    /// The account the playlists belong to.
    public let user: String
    private let password: String
    private let options: Options

    /// Limits and the injected salt source.
    public struct Options: Sendable {
        public var clientName = "segue"
        /// For connecting and for each whole exchange.
        public var timeout: Duration = .seconds(30)
        /// Larger answers are refused (a getPlaylist of 5,000 songs is about 3 MB).
        public var maxAnswerBytes = 16 << 20
        /// A new salt for each token (randomness is injected so tests can fix it).
        public var salt: @Sendable () -> String = SubsonicClient.randomSalt

        public init() {}
    }

    /// Connects to a server: asks its API version (an unauthenticated ping, which every Subsonic server
    /// answers with its version, even as an error), picks the authentication it supports, then checks
    /// the credentials with an authenticated ping.
    /// - Throws: `PlayerError`: a bad address, no answer, not a Subsonic server, wrong credentials.
    public static func connect(server: String, user: String, password: String, options: Options = Options()) async throws(PlayerError)
        -> SubsonicClient
    {
        let base = try validatedBase(server)
        let name = base.absoluteString
        let probe = try await exchange(
            base: base, name: name, method: "ping", form: [("v", "1.1.0"), ("c", options.clientName), ("f", "json")], options: options)
        guard let versionText = probe.version, let version = SubsonicVersion(versionText) else {
            if probe.status == "failed", let error = probe.error {
                throw PlayerError.failed(server: name, method: "ping", code: error.code ?? 0, message: error.message ?? "no message")
            }
            throw PlayerError.notSubsonic(server: name, method: "ping", detail: "it reports no API version")
        }
        let client = SubsonicClient(
            server: name, apiVersion: version, authentication: version >= SubsonicVersion(1, 13, 0) ? .token : .password, base: base,
            user: user, password: password, options: options)
        do {
            _ = try await client.call("ping", [])
        } catch .failed(_, _, let code, _) where code == 41 && client.authentication == .token {
            // "Token authentication not supported" (LDAP accounts): the password, still in the POST body.
            let fallback = SubsonicClient(
                server: name, apiVersion: version, authentication: .password, base: base, user: user, password: password, options: options)
            _ = try await fallback.call("ping", [])
            return fallback
        }
        return client
    }

    /// Songs whose fields match `query` (how much of a song a server searches differs: Navidrome all
    /// words in title, artist and album; supysonic a substring of the title).
    public func search3(_ query: String, count: Int = 40) async throws(PlayerError) -> [SubsonicSong] {
        let r = try await call("search3", [("query", query), ("songCount", String(count)), ("artistCount", "0"), ("albumCount", "0")])
        return r.searchResult3?.song ?? []
    }

    /// The user's playlists (without their songs).
    public func playlists() async throws(PlayerError) -> [SubsonicPlaylist] {
        try await call("getPlaylists", []).playlists?.playlist ?? []
    }

    /// One playlist with its songs in order.
    public func playlist(id: String) async throws(PlayerError) -> SubsonicPlaylist {
        guard let playlist = try await call("getPlaylist", [("id", id)]).playlist else {
            throw PlayerError.notSubsonic(server: server, method: "getPlaylist", detail: "the answer has no playlist")
        }
        return playlist
    }

    /// Creates a playlist; returns it when the server answers with it (API 1.14 and later; older
    /// servers answer with nothing, and the caller finds it with `playlists()`).
    public func createPlaylist(name: String, songIDs: [String]) async throws(PlayerError) -> SubsonicPlaylist? {
        try await call("createPlaylist", [("name", name)] + songIDs.map { ("songId", $0) }).playlist
    }

    /// Replaces a playlist's songs in place (the id stays, so apps that sync by id keep it): removes
    /// the first `removing` entries and appends `songIDs`, in one `updatePlaylist`, which also
    /// renames it when `name` is given.
    public func replaceSongs(playlistID: String, removing: Int, songIDs: [String], renamingTo name: String? = nil) async throws(PlayerError) {
        var form = [("playlistId", playlistID)]
        if let name { form.append(("name", name)) }
        form += (0..<max(0, removing)).map { ("songIndexToRemove", String($0)) }
        form += songIDs.map { ("songIdToAdd", $0) }
        _ = try await call("updatePlaylist", form)
    }

    /// One authenticated call; `status="failed"` becomes `PlayerError.failed`.
    func call(_ method: String, _ parameters: [(String, String)]) async throws(PlayerError) -> SubsonicResponse {
        var form: [(String, String)] = [("u", user), ("v", apiVersion.description), ("c", options.clientName), ("f", "json")]
        switch authentication {
        case .token:
            let salt = options.salt()
            form += [("t", SubsonicClient.token(password: password, salt: salt)), ("s", salt)]
        case .password:
            form.append(("p", password))
        }
        let response = try await Self.exchange(base: base, name: server, method: method, form: form + parameters, options: options)
        guard response.status == "ok" else {
            throw PlayerError.failed(
                server: server, method: method, code: response.error?.code ?? 0, message: response.error?.message ?? "status \(response.status)")
        }
        return response
    }

    /// `md5(password + salt)` in lowercase hex, as the API defines the token.
    static func token(password: String, salt: String) -> String { MD5.hex(Array((password + salt).utf8)) }

    /// Twelve random hex digits.
    public static func randomSalt() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<12).map { _ in String(Int.random(in: 0..<16, using: &generator), radix: 16) }.joined()
    }

    /// An http(s) address without credentials, query or fragment.
    static func validatedBase(_ text: String) throws(PlayerError) -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { throw PlayerError.invalidServerURL(text, reason: "it is not an http:// or https:// address") }
        guard components.user == nil && components.password == nil else {
            throw PlayerError.invalidServerURL(
                text, reason: "a user name or password in the address would travel in every URL; give them with --user and --password-file")
        }
        guard components.query == nil && components.fragment == nil else {
            throw PlayerError.invalidServerURL(text, reason: "it has a query or fragment; give the server's base address only")
        }
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix("/rest") { path.removeLast(5) }
        var clean = components
        clean.path = path
        guard let url = clean.url else { throw PlayerError.invalidServerURL(text, reason: "it is not a valid address") }
        return url
    }

    /// Sends one form-encoded POST to `base/rest/method` and decodes the envelope.
    private static func exchange(base: URL, name: String, method: String, form: [(String, String)], options: Options) async throws(PlayerError)
        -> SubsonicResponse
    {
        let url = base.appendingPathComponent("rest").appendingPathComponent(method)
        let body = Array(formEncoded(form).utf8)
        let answer: HTTPFetch.Response
        do {
            answer = try await HTTPFetch.send(
                .POST, url, headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")], body: body,
                timeout: options.timeout, maxBody: options.maxAnswerBytes)
        } catch let failure as HTTPFetch.Failure {
            switch failure {
            case .bodyTooLarge: throw PlayerError.answerTooLarge(server: name, method: method, limit: options.maxAnswerBytes)
            case .timedOut: throw PlayerError.unreachable(server: name, detail: "no complete answer to \(method) within \(options.timeout)")
            case .closedEarly: throw PlayerError.unreachable(server: name, detail: "the connection closed before a complete answer to \(method)")
            case .unsupportedURL: throw PlayerError.invalidServerURL(name, reason: "it is not an http:// or https:// address")
            }
        } catch {
            throw PlayerError.unreachable(server: name, detail: "\(error)")
        }
        let decoded: SubsonicResponse?
        let problem: String
        do {
            decoded = try JSONDecoder().decode(SubsonicEnvelope.self, from: answer.data).response
            problem = ""
        } catch let error as DecodingError {
            decoded = nil
            problem = describe(error)
        } catch {
            decoded = nil
            problem = "the body is not JSON"
        }
        // Some servers put a Subsonic error behind a 401 or 404: the error says more than the status.
        if let decoded, answer.status == 200 || decoded.status == "failed" { return decoded }
        guard answer.status == 200 else { throw PlayerError.httpStatus(server: name, method: method, status: answer.status) }
        throw PlayerError.notSubsonic(server: name, method: method, detail: problem)
    }

    /// A decoding error as a short phrase naming the field.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty: return "the body is not JSON"
        case .dataCorrupted(let context): return "\(path(context.codingPath)) is not valid"
        case .keyNotFound(let key, let context):
            let inside = path(context.codingPath)
            return key.stringValue == "subsonic-response"
                ? "it has no subsonic-response object" : "\(inside.isEmpty ? "" : inside + ".")\(key.stringValue) is missing"
        case .typeMismatch(_, let context): return "\(path(context.codingPath)) has the wrong type"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) is null"
        @unknown default: return "it cannot be read"
        }
    }

    /// `application/x-www-form-urlencoded`: everything but unreserved characters percent-encoded.
    static func formEncoded(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        func encode(_ s: String) -> String {
            // alphanumerics includes non-ASCII letters; keep only ASCII unencoded.
            var out = ""
            for scalar in s.unicodeScalars {
                if scalar.isASCII, allowed.contains(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    for byte in String(scalar).utf8 { out += String(format: "%%%02X", byte) }
                }
            }
            return out
        }
        return pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}

/// A Subsonic API version such as 1.16.1.
public struct SubsonicVersion: Sendable, Comparable, CustomStringConvertible {
    public var major: Int, minor: Int, patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses "1.16.1" or "1.12"; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil && $0! >= 0 && $0! < 1000 }) else { return nil }
        self.init(parts[0]!, parts[1]!, parts.count == 3 ? parts[2]! : 0)
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (a: SubsonicVersion, b: SubsonicVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }
}
