import Foundation
import NIOHTTP1
import SegueHTTP
import SegueTestSupport

/// Where the repository is (for .local/supysonic and the hostile server's script).
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let supysonic = root + "/.local/supysonic"
}

struct TestServerError: Error, CustomStringConvertible {
    var description: String
}

/// A child process serving HTTP on 127.0.0.1, stopped with `stop()`.
final class ServerProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let folder: String

    init(process: Process, port: Int, folder: String) {
        self.process = process
        self.port = port
        self.folder = folder
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Waits until `path` answers HTTP (any status), up to `seconds`.
    func waitUntilListening(path: String = "/", seconds: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard process.isRunning else {
                throw TestServerError(description: "the server process exited (status \(process.terminationStatus)); see \(folder)")
            }
            if (try? await HTTPFetch.send(.GET, URL(string: url + path)!, timeout: .seconds(2))) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestServerError(description: "nothing answered on \(url) within \(seconds) s")
    }

    /// Ends the server with SIGKILL: children of the test process inherit a signal mask that blocks
    /// SIGTERM, so `terminate()` would leave them running (and `waitUntilExit` waiting).
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    static func temporaryFolder(_ prefix: String) throws -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs a command to its end without holding a thread of the test's cooperative pool (the
    /// machine has two cores; a blocked pool thread stalls every other test).
    static func run(_ executable: String, _ arguments: [String], in folder: String, environment: [String: String] = [:]) async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let errorFile = folder + "/stderr-\(UUID().uuidString.prefix(8)).txt"
        _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
        let errors = FileHandle(forWritingAtPath: errorFile)
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        p.standardError = errors
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            p.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try p.run() } catch {
                p.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try? errors?.close()
        let message = (try? String(contentsOfFile: errorFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: errorFile)
        guard status == 0 else {
            throw TestServerError(description: "\(executable) \(arguments.joined(separator: " ")) failed (status \(status)): \(message)")
        }
    }
}

/// The hostile "Subsonic server" (hostile_subsonic.py) in one of its modes.
enum HostileSubsonic {
    static func start(_ mode: String) async throws -> ServerProcess {
        let folder = try ServerProcess.temporaryFolder("segue-hostile")
        let port = try LoopbackPort.free()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("hostile_subsonic.py").path
        p.arguments = ["python3", script, mode, String(port), folder + "/requests.jsonl"]
        try p.run()
        let server = ServerProcess(process: p, port: port, folder: folder)
        do { try await server.waitUntilListening(path: "/ready") } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// The requests the server saw: (method, target, body).
    static func requests(_ server: ServerProcess) throws -> [(method: String, target: String, body: String)] {
        let text = (try? String(contentsOfFile: server.folder + "/requests.jsonl", encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] ?? [:]
            return (object["method"] ?? "", object["target"] ?? "", object["body"] ?? "")
        }
    }
}

/// A real Subsonic server: supysonic (API 1.12.0) on waitress, over a folder of generated songs
/// (FLAC made by ffmpeg, tagged), with one user.
enum Supysonic {
    /// One song to generate: `relativePath` under the music folder.
    struct Song {
        var artist: String
        var title: String
        var album: String
        var seconds: Int
        var relativePath: String
        var frequency: Int = 440
    }

    static let user = "alice"
    static let password = "s3cret & sound"

    /// Generates `songs` into `<folder>/music`, scans them into a fresh supysonic, and serves it.
    /// - Returns: the server; its `folder + "/music"` is the music folder.
    static func start(songs: [Song]) async throws -> ServerProcess {
        guard FileManager.default.fileExists(atPath: supysonicPackage) else {
            throw TestServerError(description: "supysonic is not installed in \(Repository.supysonic): run scripts/setup.sh")
        }
        let folder = try ServerProcess.temporaryFolder("segue-supysonic")
        do {
            return try await serve(songs: songs, in: folder)
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw error
        }
    }

    private static func serve(songs: [Song], in folder: String) async throws -> ServerProcess {
        let music = folder + "/music"
        try FileManager.default.createDirectory(atPath: music, withIntermediateDirectories: true)
        for song in songs { try await generate(song, into: music, scratch: folder) }
        let conf = """
            [base]
            database_uri = sqlite:///\(folder)/supysonic.db
            [webapp]
            cache_dir = \(folder)/cache
            mount_webui = no
            log_level = WARNING
            [daemon]
            socket = \(folder)/daemon.sock
            """
        try conf.write(toFile: folder + "/supysonic.conf", atomically: true, encoding: .utf8)
        let environment = ["PYTHONPATH": Repository.supysonic, "HOME": folder]
        let cli = "import sys; from supysonic.cli import main; sys.argv[0] = 'supysonic-cli'; main()"
        try await ServerProcess.run(
            "/usr/bin/env", ["python3", "-c", cli, "user", "add", user, "-p", password], in: folder, environment: environment)
        try await ServerProcess.run("/usr/bin/env", ["python3", "-c", cli, "folder", "add", "music", music], in: folder, environment: environment)
        try await ServerProcess.run(
            "/usr/bin/env", ["python3", "-c", cli, "folder", "scan", "--foreground", "music"], in: folder, environment: environment)
        let port = try LoopbackPort.free()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-m", "supysonic.server", "-S", "waitress", "-h", "127.0.0.1", "-p", String(port)]
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        let server = ServerProcess(process: p, port: port, folder: folder)
        do { try await server.waitUntilListening() } catch {
            server.stop()
            throw error
        }
        return server
    }

    private static var supysonicPackage: String { Repository.supysonic + "/supysonic/__init__.py" }

    /// A tagged FLAC of a sine tone, `seconds` long.
    static func generate(_ song: Song, into music: String, scratch: String) async throws {
        let path = music + "/" + song.relativePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try await ServerProcess.run(
            "/usr/bin/env",
            [
                "ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=\(song.frequency):duration=\(song.seconds)",
                "-metadata", "artist=\(song.artist)", "-metadata", "title=\(song.title)", "-metadata", "album=\(song.album)", path,
            ], in: scratch)
    }
}

/// The built `segue` executable, run the way a person runs it.
enum SegueCLI {
    static let executable: String = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = bundle.appendingPathComponent("segue").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return Repository.root + "/.build/debug/segue"
    }()

    struct Run {
        var status: Int32
        var out: String
        var err: String
    }

    /// Runs `segue arguments` to its end (outputs through files, without holding a pool thread).
    static func run(_ arguments: [String], scratch: String) async throws -> Run {
        let tag = UUID().uuidString.prefix(8)
        let outPath = scratch + "/out-\(tag).txt"
        let errPath = scratch + "/err-\(tag).txt"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = FileHandle(forWritingAtPath: outPath)
        let err = FileHandle(forWritingAtPath: errPath)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardOutput = out
        p.standardError = err
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            p.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try p.run() } catch {
                p.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try? out?.close()
        try? err?.close()
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        return Run(
            status: status, out: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            err: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}
