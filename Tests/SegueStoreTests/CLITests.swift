import Foundation
import SegueTestSupport
import Testing

/// Runs the built `segue` executable the way a person does.
@Suite struct CLITests {
    static let executable: String = {
        // Tests/SegueStoreTests/CLITests.swift → package root → the build folder of this test run.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = bundle.appendingPathComponent("segue").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return root.appendingPathComponent(".build/debug/segue").path
    }()

    struct Run {
        var status: Int32
        var out: String
        var err: String
    }

    func segue(_ args: [String]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.executable)
        p.arguments = args
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    @Test func importTopAndStatsFromTheCommandLine() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.executable), "build the segue product first")
        let dir = try Fixtures.folder()
        let data = dir.appendingPathComponent("data").path
        let zip = dir.appendingPathComponent("demo.zip").path
        #expect(try segue(["demo", "export", "--records", "3000", zip]).status == 0)
        let imported = try segue(["import", "--data", data, "--format", "json", zip])
        #expect(imported.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(imported.out.utf8)) as? [String: Any])
        #expect((report["total"] as? [String: Any])?["records"] as? Int == 3000)

        let top = try segue(["top", "--data", data, "--kind", "albums", "--metric", "minutes", "--limit", "5", "--format", "json"])
        #expect(top.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(top.out.utf8)) as? [[String: Any]])
        #expect(rows.count == 5)
        #expect(rows.map { $0["rank"] as? Int } == [1, 2, 3, 4, 5])
        let minutes = rows.compactMap { $0["minutes"] as? Double }
        #expect(minutes == minutes.sorted(by: >))
        #expect(rows.allSatisfy { $0["artist"] is String && $0["uri"] == nil })

        let csv = try segue(["top", "--data", data, "--kind", "tracks", "--from", "2020-01-01", "--to", "2020-12-31", "--format", "csv"])
        #expect(csv.out.hasPrefix("rank,name,artist,album,uri,streams,minutes\n"))
        let table = try segue(["top", "--data", data])
        #expect(table.status == 0 && table.out.contains("Streams"))
        let stats = try segue(["stats", "--data", data, "--tz", "Europe/Berlin"])
        #expect(stats.status == 0 && stats.out.contains("By weekday"))
    }

    @Test func badInputExitsNonZeroNamingTheFile() throws {
        let dir = try Fixtures.folder()
        let data = dir.appendingPathComponent("data").path
        let bad = try Fixtures.write(Data("[{\"ts\": }]".utf8), to: dir, "Streaming_History_Audio_2020.json")
        let run = try segue(["import", "--data", data, bad.path])
        #expect(run.status != 0)
        #expect(run.err.contains(bad.path) && run.err.contains("byte 8"))
        #expect(run.err.contains("Nothing was imported"))
        let badDate = try segue(["top", "--data", data, "--from", "2020-13-01"])
        #expect(badDate.status != 0 && badDate.err.contains("2020-13-01"))
        let noProfile = try segue(["top", "--data", data, "--profile", "nobody"])
        #expect(noProfile.status != 0 && noProfile.err.contains("nobody"))
    }

    @Test func usersGetTokensOnce() throws {
        let data = try Fixtures.folder().appendingPathComponent("data").path
        let added = try segue(["users", "add", "ana", "--data", data])
        let token = added.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(added.status == 0 && token.count == 32)
        let again = try segue(["users", "add", "ana", "--data", data])
        #expect(again.status != 0 && again.err.contains("exists"))
        #expect(try segue(["users", "show", "ana", "--data", data]).out.trimmingCharacters(in: .whitespacesAndNewlines) == token)
        #expect(try segue(["users", "show", "bob", "--data", data]).status != 0)
    }
}
