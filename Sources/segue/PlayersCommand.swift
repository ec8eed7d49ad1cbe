import ArgumentParser
import Foundation
import SeguePlayers

/// `segue players`: the Subsonic servers and watched folders playlists can be pushed to
/// (`segue playlist … --push NAME`, and "Send to" on the Playlists page).
struct PlayersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "players", abstract: "Players to push playlists to: Subsonic servers (Navidrome, Gonic, Airsonic…) and watched folders.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a Subsonic server (checked by signing in) or a watched playlist folder.",
            discussion: """
                Credentials are kept in the data folder's players.json, readable by its owner only. The password is read \
                from --password-file (never from the command line, where other users' `ps` sees it); servers with API 1.13 \
                or later get a salted token, older ones the password in the POST body, never in a URL.
                """)
        @OptionGroup var store: StoreOptions
        @Argument(help: "A name for it: letters, digits, '-' or '_'.") var name: String
        @Option(help: "The Subsonic server's address, e.g. https://music.example/navidrome.") var subsonic: String?
        @Option(help: "The account on the Subsonic server.") var user: String?
        @Option(help: "A file holding the account's password (one line).") var passwordFile: String?
        @Option(help: "The local folder that is the server's music folder (so tracks match by path).") var libraryRoot: String?
        @Option(help: "A watched playlist folder to write NAME.m3u8 into, instead of a server.") var folder: String?
        @Option(help: "For --folder: FROM=TO rewrites the start of each path as the folder's reader sees the music.") var pathMap: String?

        func validate() throws {
            guard (subsonic == nil) != (folder == nil) else { throw ValidationError("give either --subsonic URL or --folder PATH") }
            if subsonic != nil, user == nil || passwordFile == nil { throw ValidationError("--subsonic needs --user and --password-file") }
            if folder != nil, user != nil || passwordFile != nil || libraryRoot != nil {
                throw ValidationError("--user, --password-file and --library-root are for --subsonic")
            }
            if pathMap != nil, folder == nil { throw ValidationError("--path-map is for --folder") }
        }

        func run() async throws {
            let path = PlayerRegistry.path(inDataDirectory: store.dataDirectory)
            let player: PlayerRegistry.Player
            if let folder {
                let absolute = PlayersCommand.absolute(folder)
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isFolder), isFolder.boolValue else {
                    throw PlayerError.folderUnavailable(path: absolute, detail: "it is not an existing folder")
                }
                player = .folder(name: name, path: absolute, pathMapping: try pathMap.map { text throws(PlayerError) in try PathMapping(text) })
            } else if let subsonic, let user, let passwordFile {
                let password = try PlayersCommand.password(from: passwordFile)
                let client = try await SubsonicClient.connect(server: subsonic, user: user, password: password)
                printError(
                    "Signed in to \(client.server) (Subsonic API \(client.apiVersion), \(client.authentication == .token ? "token" : "password in the POST body"))."
                )
                player = .init(name: name, url: client.server, user: user, password: password, libraryRoot: libraryRoot.map(PlayersCommand.absolute))
            } else {
                throw ValidationError("give either --subsonic URL or --folder PATH")
            }
            try PlayerRegistry.update(at: path) { (registry: inout PlayerRegistry) throws(PlayerError) in try registry.add(player) }
            print("Added \(name): \(player.destination).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the players: name, where, and the playlists pushed there.")
        @OptionGroup var store: StoreOptions
        @Option(help: "text or json.") var format: ImportCommand.ReportFormat = .text

        func run() throws {
            let registry = try PlayerRegistry.load(from: PlayerRegistry.path(inDataDirectory: store.dataDirectory))
            if format == .json {
                // Never the password.
                return try LibraryCommand.printJSON(
                    registry.players.map { p -> [String: Any] in
                        var row: [String: Any] = ["name": p.name, "pushed": p.pushed.keys.sorted()]
                        if let folder = p.folder {
                            row["folder"] = folder
                            if let m = p.pathMapping { row["path_map"] = "\(m.from)=\(m.to)" }
                        } else {
                            row["subsonic"] = p.url
                            row["user"] = p.user
                            if let root = p.libraryRoot { row["library_root"] = root }
                        }
                        return row
                    })
            }
            if registry.players.isEmpty { return printError("No players yet; `segue players add` adds one.") }
            for p in registry.players {
                let pushed = p.pushed.keys.sorted()
                print([p.name, p.destination, pushed.isEmpty ? "" : "pushed: " + pushed.joined(separator: ", ")].joined(separator: "\t"))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget a player and its credentials (its playlists stay on the server).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The player's name.") var name: String

        func run() throws {
            let path = PlayerRegistry.path(inDataDirectory: store.dataDirectory)
            try PlayerRegistry.update(at: path) { (registry: inout PlayerRegistry) throws(PlayerError) in try registry.remove(name) }
            print("Removed \(name).")
        }
    }

    /// The first line of a password file: at most 4 KiB, not empty.
    static func password(from path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError("--password-file \(path) cannot be read") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 4097)) ?? Data()
        guard data.count <= 4096 else { throw ValidationError("--password-file \(path) is larger than 4 KiB; it should hold one line") }
        guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("--password-file \(path) is not UTF-8 text") }
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let password = line.hasSuffix("\r") ? String(line.dropLast()) : line
        guard !password.isEmpty else { throw ValidationError("--password-file \(path) is empty") }
        return password
    }

    static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let full = expanded.hasPrefix("/") ? expanded : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded)
        return (full as NSString).standardizingPath
    }
}
