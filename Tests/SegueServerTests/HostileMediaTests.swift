import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SegueTestSupport
import Testing

@testable import SegueServer

/// Issue 16 (media part) and issue 17 (part 5) through the real router and worker pool: files that
/// are not what their names say never reach a tool, hostile covers and tags have a clear outcome,
/// and after each the server still answers.
@Suite("Hostile media through the server")
struct HostileMediaTests {
    static func ffmpeg(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        p.arguments = ["-v", "error", "-y", "-nostdin"] + args
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestFailure("ffmpeg could not make a fixture") }
    }

    static func playlist(pointingAt target: String, live: Bool) -> Data {
        Data(("#EXTM3U\n#EXT-X-TARGETDURATION:\(live ? 100000 : 10)\n#EXTINF:5,\n\(target)\n" + (live ? "" : "#EXT-X-ENDLIST\n")).utf8)
    }

    /// An MP3 with an ID3v2.3 tag of the given frames before the audio of `audio`.
    static func mp3(withID3 frames: [(String, Data)], audio: URL) throws -> Data {
        var body = Data()
        for (id, content) in frames {
            body += Data(id.utf8) + withUnsafeBytes(of: UInt32(content.count).bigEndian) { Data($0) } + Data([0, 0]) + content
        }
        let n = body.count
        let size = Data([UInt8(n >> 21 & 0x7F), UInt8(n >> 14 & 0x7F), UInt8(n >> 7 & 0x7F), UInt8(n & 0x7F)])
        return Data("ID3".utf8) + Data([3, 0, 0]) + size + body + (try Data(contentsOf: audio))
    }

    /// A small JPEG whose header claims `side` x `side` pixels.
    static func jpegClaiming(side: Int, in folder: URL) throws -> Data {
        let small = folder.appendingPathComponent("small.jpg")
        try ffmpeg(["-f", "lavfi", "-i", "color=red:s=16x16", "-frames:v", "1", small.path])
        var bytes = [UInt8](try Data(contentsOf: small))
        var i = 2
        while i + 9 < bytes.count {
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if (0xC0...0xC2).contains(bytes[i + 1]) {
                bytes[i + 5] = UInt8(side >> 8)
                bytes[i + 6] = UInt8(side & 0xFF)
                bytes[i + 7] = UInt8(side >> 8)
                bytes[i + 8] = UInt8(side & 0xFF)
                break
            }
            i += 2 + length
        }
        return Data(bytes)
    }

    static func message(_ body: [String: Any]) -> String {
        ((body["error"] as? [String: Any])?["message"] as? String) ?? ""
    }

    func healthy(_ client: some TestClientProtocol) async throws {
        let r = try await client.execute(uri: "/healthz", method: .get, headers: [:], body: nil)
        #expect(r.status == .ok)
    }

    /// Item 3 and 4: an HLS playlist named evil.aif (pointing at another file), and a live one, are
    /// refused at upload with one sentence naming the file; nothing of the other file is served.
    @Test("playlists named as audio are refused at upload (finished and live)")
    func playlistUploadsAreRefused() async throws {
        let server = try TestServer(maxUploadBytes: 1024 * 1024)
        defer { server.cleanUp() }
        let secret = server.folder.appendingPathComponent("secret.mp3")
        try Self.ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=3", secret.path])
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let alice = Browser(client)
                try await alice.start()
                for (name, live) in [("evil.aif", false), ("live.mp3", true)] {
                    let (status, body) = try await alice.libraryUpload(Self.playlist(pointingAt: secret.path, live: live), name: name)
                    #expect(status == .unsupportedMediaType, "\(name): \(status)")
                    let text = Self.message(body)
                    #expect(text.hasPrefix(name + " is not an audio file") && text.count < 160 && !text.contains(secret.path), "\(text)")
                    try await healthy(client)
                }
                #expect(try await alice.libraryTracks().isEmpty)
                #expect(try await alice.request("/api/v1/library/tracks/1/audio").status == .notFound)
                try await healthy(client)
            }
        }
    }

    /// A 16k x 16k cover is refused before decoding and the track still analyses; an ID3 tag of
    /// 100 MB is not read (bounded output) while its audio is analysed; a garbage .mp3 behind a valid ID3 header
    /// fails with one short sentence naming it (API). The server answers after each.
    @Test("a huge cover, a 100 MB tag and a garbage mp3 each end with a clear outcome")
    func hostileCoversAndTags() async throws {
        let server = try TestServer(maxUploadBytes: 128 * 1024 * 1024)
        defer { server.cleanUp() }
        let folder = server.folder.appendingPathComponent("audio")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let plain = folder.appendingPathComponent("plain.mp3")
        try Self.ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=5", "-id3v2_version", "0", plain.path])
        let apic = Data([0]) + Data("image/jpeg".utf8) + Data([0, 3, 0]) + (try Self.jpegClaiming(side: 16384, in: folder))
        let cover = try Self.mp3(withID3: [("TIT2", Data([3]) + Data("Huge Cover".utf8)), ("APIC", apic)], audio: plain)
        let bigTag = try Self.mp3(withID3: [("TXXX", Data([3]) + Data("note\0".utf8) + Data(repeating: 0x61, count: 100 << 20))], audio: plain)
        let garbage = Data("ID3".utf8) + Data([4, 0, 0, 0, 0, 0, 0]) + Data(repeating: 0x42, count: 30_000)
        try await server.withWorkers {
            try await server.app.test(.router) { client in
                let alice = Browser(client)
                try await alice.start()
                var ids: [String: String] = [:]
                for (name, data) in [("huge cover.mp3", cover), ("big tag.mp3", bigTag), ("garbage.mp3", garbage)] {
                    let (status, body) = try await alice.libraryUpload(data, name: name)
                    #expect(status == .created, "\(name): \(status) \(body)")
                    ids[name] = body["id"] as? String
                    try await healthy(client)
                }
                let job = try await alice.analyse(Array(ids.values))
                #expect(job["state"] as? String == "succeeded")
                try await healthy(client)
                let rows = try await alice.libraryTracks()
                func row(_ name: String) -> [String: Any]? { rows.first { $0["upload"] as? String == ids[name] } }
                let huge = try #require(row("huge cover.mp3"))
                #expect(huge["status"] as? String == "done" && huge["title"] as? String == "Huge Cover", "\(huge)")
                let web = server.folder.appendingPathComponent("web")
                let stored = FileManager.default.enumerator(atPath: web.path)?.allObjects as? [String] ?? []
                #expect(stored.contains { $0.hasSuffix("library.sqlite") }, "the session's library is elsewhere: \(stored)")
                let covers = stored.filter { $0.hasSuffix(".png") }
                #expect(covers.isEmpty, "\(covers)")
                // The 100 MB tag is not read; the audio behind it is.
                let bigTag = try #require(row("big tag.mp3"))
                #expect(bigTag["status"] as? String == "done" && bigTag["title"] == nil, "\(bigTag)")
                for name in ["garbage.mp3"] {
                    let failed = try #require(row(name))
                    let reason = failed["error"] as? String ?? ""
                    #expect(failed["status"] as? String == "failed")
                    #expect(reason.hasPrefix(name + " ") && reason.count < 160 && !reason.contains("\n"), "\(reason)")
                    #expect(!reason.contains("ffmpeg") && !reason.contains("@ 0x"), "\(reason)")
                }
                // A failed track is not played; the analysed one is.
                let hugeID = try #require(huge["id"] as? Int)
                let played = try await alice.request("/api/v1/library/tracks/\(hugeID)/audio")
                #expect(played.status == .ok && played.headers[.contentType] == "audio/mpeg")
                // Without its prepared copy (a library analysed before), the request runs no tool: a
                // playback job is queued and the answer is 503 with Retry-After, then the audio.
                let sessions = web.path
                let prepared = (FileManager.default.enumerator(atPath: sessions)?.allObjects as? [String] ?? [])
                    .filter { $0.hasSuffix("library-playback") }
                #expect(prepared.count == 1)
                for folder in prepared { try FileManager.default.removeItem(atPath: (sessions as NSString).appendingPathComponent(folder)) }
                let waiting = try await alice.request("/api/v1/library/tracks/\(hugeID)/audio")
                #expect(waiting.status == .serviceUnavailable && waiting.headers[.retryAfter] == "2")
                var again = waiting.status
                for _ in 0..<120 where again != .ok {
                    try await Task.sleep(for: .milliseconds(250))
                    again = try await alice.request("/api/v1/library/tracks/\(hugeID)/audio").status
                }
                #expect(again == .ok)
                if let failedID = row("garbage.mp3")?["id"] as? Int {
                    #expect(try await alice.request("/api/v1/library/tracks/\(failedID)/audio").status == .conflict)
                }
                try await healthy(client)
            }
        }
    }
}
