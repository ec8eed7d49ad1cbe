import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The players a data folder knows (`players.json`, mode 0600: it holds passwords, which token auth
/// needs in the clear), and the server id each pushed playlist got, so the next push replaces it.
public struct PlayerRegistry: Sendable, Equatable, Codable {
    /// One Subsonic server and an account on it, or a watched playlist folder (`folder` set; then
    /// `url`, `user` and `password` are empty).
    public struct Player: Sendable, Equatable, Codable {
        public var name: String
        public var url: String
        public var user: String
        public var password: String
        /// The local folder the server's music folder mirrors, for matching by path.
        public var libraryRoot: String?
        /// Playlist name -> the server's playlist id.
        public var pushed: [String: String]
        /// A watched folder to write `NAME.m3u8` into, instead of a Subsonic server.
        public var folder: String?
        /// How the folder's reader sees the library's paths (watched folders).
        public var pathMapping: PathMapping?
        /// Playlist name -> the latest push of it here.
        public var lastPushes: [String: PushRecord]?

        public init(
            name: String, url: String, user: String, password: String, libraryRoot: String? = nil, pushed: [String: String] = [:],
            folder: String? = nil, pathMapping: PathMapping? = nil
        ) {
            self.name = name
            self.url = url
            self.user = user
            self.password = password
            self.libraryRoot = libraryRoot
            self.pushed = pushed
            self.folder = folder
            self.pathMapping = pathMapping
        }

        /// A watched folder as a named player.
        public static func folder(name: String, path: String, pathMapping: PathMapping?) -> Player {
            Player(name: name, url: "", user: "", password: "", folder: path, pathMapping: pathMapping)
        }

        /// Where it sends playlists, for lists and messages (never the password).
        public var destination: String {
            if let folder { return "folder \(folder)" + (pathMapping.map { " (paths \($0.from) -> \($0.to))" } ?? "") }
            return "Subsonic \(url) as \(user)" + (libraryRoot.map { " (library \($0))" } ?? "")
        }
    }

    /// When a playlist was last pushed to a player, and how it went.
    public struct PushRecord: Sendable, Equatable, Codable {
        /// Milliseconds since 1970.
        public var millis: Int64
        public var matched: Int
        /// "Artist – Title" of each track the player did not have.
        public var missing: [String]

        public init(millis: Int64, matched: Int, missing: [String]) {
            self.millis = millis
            self.matched = matched
            self.missing = missing
        }
    }

    public var players: [Player] = []

    public init(players: [Player] = []) { self.players = players }

    /// `players.json` in the data folder.
    public static func path(inDataDirectory directory: String) -> String {
        (directory as NSString).appendingPathComponent("players.json")
    }

    /// Reads the file; a missing file is an empty registry.
    public static func load(from path: String) throws(PlayerError) -> PlayerRegistry {
        guard FileManager.default.fileExists(atPath: path) else { return PlayerRegistry() }
        do {
            return try JSONDecoder().decode(PlayerRegistry.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw PlayerError.registry(path: path, detail: "it is not a players file Segue wrote (\(error.localizedDescription))")
        }
    }

    /// Writes the file readable by its owner only: a new file created with mode 0600, then renamed over the old.
    public func save(to path: String) throws(PlayerError) {
        let data: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            data = try encoder.encode(self)
        } catch {
            throw PlayerError.registry(path: path, detail: "it cannot be encoded (\(error))")
        }
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = path + ".\(getpid()).tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw PlayerError.registry(path: path, detail: String(cString: strerror(errno))) }
        let written = data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        let synced = fsync(fd) == 0
        close(fd)
        guard written, synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw PlayerError.registry(path: path, detail: reason)
        }
    }

    /// Adds a player.
    /// - Throws: `.invalidPlayerName`, `.duplicatePlayer`.
    public mutating func add(_ player: Player) throws(PlayerError) {
        try Self.checkName(player.name)
        guard !players.contains(where: { $0.name == player.name }) else { throw PlayerError.duplicatePlayer(player.name) }
        players.append(player)
    }

    /// Removes a player. - Throws: `.unknownPlayer`.
    public mutating func remove(_ name: String) throws(PlayerError) {
        guard players.contains(where: { $0.name == name }) else { throw PlayerError.unknownPlayer(name) }
        players.removeAll { $0.name == name }
    }

    /// The player named `name`. - Throws: `.unknownPlayer`.
    public func player(_ name: String) throws(PlayerError) -> Player {
        guard let p = players.first(where: { $0.name == name }) else { throw PlayerError.unknownPlayer(name) }
        return p
    }

    /// Names are 1–64 of A–Z, a–z, 0–9, '-' and '_'; `folder` is the watched-folder target's prefix.
    static func checkName(_ name: String) throws(PlayerError) {
        guard (1...64).contains(name.count), name != "folder",
            name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") })
        else { throw PlayerError.invalidPlayerName(name) }
    }
}
