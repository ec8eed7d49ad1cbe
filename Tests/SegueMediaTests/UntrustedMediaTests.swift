import Foundation
import Testing

@testable import SegueMedia

/// Files from outside reach ffmpeg only through Segue's own sniff, with a forced demuxer, the file
/// protocol alone, a watchdog that kills with SIGKILL and kernel resource limits (issue 16).
@Suite struct UntrustedMediaTests {
    static let ffmpeg = "/usr/bin/ffmpeg"

    static func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "segue-untrusted-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs the real ffmpeg to make a test file.
    static func make(_ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ffmpeg)
        p.arguments = ["-v", "error", "-nostdin", "-y"] + arguments
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw MediaError.ffmpegFailed(status: p.terminationStatus, log: "test fixture") }
    }

    static func sniff(_ bytes: [UInt8]) -> AudioContainer? {
        bytes.withUnsafeBytes { AudioSniffer.sniff($0) }
    }

    /// An HLS playlist that points at another file on disk (issue 16, item 3).
    static func playlist(pointingAt target: String, live: Bool = false) -> Data {
        Data(("#EXTM3U\n#EXT-X-TARGETDURATION:\(live ? 100000 : 10)\n#EXTINF:5,\n\(target)\n" + (live ? "" : "#EXT-X-ENDLIST\n")).utf8)
    }

    // MARK: The sniffer

    @Test func sniffRecognisesEachAcceptedContainerFromRealFiles() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [(String, [String], AudioContainer)] = [
            ("a.mp3", [], .mp3), ("a.flac", [], .flac), ("a.ogg", [], .ogg), ("a.opus", [], .ogg), ("a.wav", [], .wav),
            ("a.aiff", [], .aiff), ("a.m4a", [], .mp4), ("a.aac", [], .aac),
            ("raw.mp3", ["-id3v2_version", "0", "-write_xing", "0"], .mp3),
        ]
        for (name, extra, expected) in cases {
            let path = "\(dir)/\(name)"
            try Self.make(["-f", "lavfi", "-i", "sine=frequency=440:duration=1"] + extra + [path])
            #expect(try AudioSniffer.sniff(file: path) == expected, "\(name)")
        }
    }

    /// Real MP3s do not always start with their first frame: some rippers and tag removers leave zero
    /// padding or a few stray bytes before it. ffmpeg plays them, so the sniffer finds the frames: two
    /// or more MPEG audio frames in a row, each where the one before says it ends.
    @Test func anMP3WhoseFirstFrameIsNotAtByteZeroIsStillAnMP3() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let raw = "\(dir)/raw.mp3"
        try Self.make(["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-id3v2_version", "0", "-write_xing", "0", raw])
        let frames = try Data(contentsOf: URL(fileURLWithPath: raw))
        for (name, lead) in [("padded.mp3", Data(count: 1_000)), ("junk.mp3", Data("\r\n\0garbage".utf8) + Data([0xFF, 0x00, 0xFF, 0xFB]))] {
            let path = "\(dir)/\(name)"
            try (lead + frames).write(to: URL(fileURLWithPath: path))
            #expect(try AudioSniffer.sniff(file: path) == .mp3, "\(name)")
        }
        // One lone frame header in other bytes is not a stream of frames.
        let lone = Array("#EXTM3U\n".utf8) + [0xFF, 0xFB, 0x90, 0x64] + Array(repeating: UInt8(ascii: "a"), count: 2_000)
        #expect(Self.sniff(lone) == nil)
        // Nor are headers that do not chain: the second is not where the first says it ends.
        var unchained = [UInt8](repeating: 0, count: 3_000)
        unchained.replaceSubrange(10..<14, with: [0xFF, 0xFB, 0x90, 0x64])
        unchained.replaceSubrange(300..<304, with: [0xFF, 0xFB, 0x90, 0x64])
        #expect(Self.sniff(unchained) == nil)
    }

    @Test func sniffRefusesPlaylistsTextImagesAndNearMisses() {
        #expect(Self.sniff(Array(Self.playlist(pointingAt: "/srv/music/secret.mp3"))) == nil)
        #expect(Self.sniff(Array("hello, world".utf8)) == nil)
        #expect(Self.sniff(Array("ID3 this is not really an mp3".utf8)) == nil)
        #expect(Self.sniff([]) == nil)
        #expect(Self.sniff([0xFF]) == nil)
        #expect(Self.sniff(Array("RIFF\0\0\0\0AVI ".utf8)) == nil)
        #expect(Self.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) == nil)
        #expect(Self.sniff(Array("ffconcat version 1.0\nfile '/etc/passwd'".utf8)) == nil)
        // A valid ID3v2.4 header; one whose size is not synch-safe is refused.
        #expect(Self.sniff(Array("ID3".utf8) + [4, 0, 0, 0, 0, 0x10, 0]) == .mp3)
        #expect(Self.sniff(Array("ID3".utf8) + [4, 0, 0, 0x80, 0, 0x10, 0]) == nil)
        // MPEG-1 layer III frame header vs. a reserved version and a bad bitrate index.
        #expect(Self.sniff([0xFF, 0xFB, 0x90, 0x64]) == .mp3)
        #expect(Self.sniff([0xFF, 0xEB, 0x90, 0x64]) == nil)
        #expect(Self.sniff([0xFF, 0xFB, 0xF0, 0x64]) == nil)
    }

    @Test func sniffNeverTrapsOnAnyPrefix() {
        var rng = SystemRandomNumberGenerator()
        var found = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...64, using: &rng)  // the fuzz target (scripts/fuzz.sh: sniff) takes long inputs
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Seed some with real magic so the deeper branches run too.
            if length >= 4, Bool.random(using: &rng) {
                let magic = [
                    Array("fLaC".utf8), Array("OggS".utf8), Array("RIFF".utf8), Array("FORM".utf8), Array("ID3".utf8) + [3],
                    [0xFF, 0xF1, 0x50, 0x80],
                ]
                let m = magic.randomElement(using: &rng)!
                for (i, b) in m.enumerated() where i < length { bytes[i] = b }
            }
            if Self.sniff(bytes) != nil { found += 1 }
        }
        #expect(found > 0)
    }

    @Test func sniffRefusesFifosAndFoldersWithoutBlocking() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = "\(dir)/stuck.mp3"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: MediaError.self) { try AudioSniffer.sniff(file: fifo) }
        #expect(throws: MediaError.self) { try AudioSniffer.sniff(file: dir) }
    }

    // MARK: The decoder layer

    /// Item 3: the playlist named evil.aif never makes ffmpeg read another file, even handed to
    /// the decoder directly, and even behind a valid ID3 header (then the forced mp3 demuxer reads it).
    @Test func aPlaylistNeverMakesTheDecoderOpenAnotherFile() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secret = "\(dir)/secret.mp3"
        try Self.make(["-f", "lavfi", "-i", "sine=frequency=440:duration=3", secret])
        let tools = try FFmpegTools.locate()
        let evil = "\(dir)/evil.aif"
        try Self.playlist(pointingAt: secret).write(to: URL(fileURLWithPath: evil))
        do {
            let samples = try AudioDecoder(tools: tools).decodeMono(evil, sampleRate: 8000)
            Issue.record("evil.aif decoded to \(samples.count) samples")
        } catch {
            guard case .notAudio(let file, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(file == "evil.aif")
        }
        let disguised = "\(dir)/disguised.mp3"
        let header: [UInt8] = Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 0]
        try (Data(header) + Self.playlist(pointingAt: secret)).write(to: URL(fileURLWithPath: disguised))
        var samples: [Float] = []
        do { samples = try AudioDecoder(tools: tools).decodeMono(disguised, sampleRate: 8000) } catch {}
        #expect(samples.count < 8000, "the decoder returned \(samples.count) samples: another file's audio")
        #expect(throws: MediaError.self) { try BrowserAudio.transcode(evil, to: "\(dir)/out.mp3", tools: tools) }
        #expect(throws: MediaError.self) { try AudioTags.probe(evil, tools: tools) }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/out.mp3"))
    }

    /// Item 4: a real stuck ffmpeg (reading a FIFO nobody writes; ffmpeg ignores nothing SIGKILL
    /// sends) is killed by the watchdog, and the caller gets a clear timeout.
    @Test func theWatchdogKillsAStuckFFmpegWithSIGKILL() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = "\(dir)/live.mp3"
        #expect(mkfifo(fifo, 0o600) == 0)
        let tools = try FFmpegTools.locate()
        let started = Date()
        let limits = ToolLimits(wallSeconds: 1, cpuSeconds: 10)
        let run = try ToolRun.run(
            tools.ffmpeg, ["-nostdin", "-v", "error"] + FFmpegTools.untrustedInput(fifo, container: .mp3) + ["-f", "null", "-"],
            limits: limits, prlimit: tools.prlimit)
        #expect(run.timedOut)
        #expect(run.status == SIGKILL, "status \(run.status)")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(throws: MediaError.timedOut(file: "live.mp3", seconds: 1)) {
            _ = try tools.runUntrusted(
                tools.ffmpeg, ["-nostdin", "-v", "error"] + FFmpegTools.untrustedInput(fifo, container: .mp3) + ["-f", "null", "-"],
                file: fifo, limits: limits)
        }
    }

    /// The kernel's limits bite: a file-size limit stops a transcode whose output grows past it, an
    /// address-space limit stops a child that needs more; with room to spare the same run works.
    @Test func resourceLimitsOnTheChildBite() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tools = try FFmpegTools.locate()
        #expect(tools.prlimit != nil, "util-linux's prlimit is needed (scripts/setup.sh)")
        let tone = "\(dir)/tone.wav"
        try Self.make(["-f", "lavfi", "-i", "anoisesrc=duration=20:amplitude=0.3", tone])
        #expect(throws: MediaError.self) {
            try BrowserAudio.transcode(tone, to: "\(dir)/small.mp3", tools: tools, limits: ToolLimits(fileSizeBytes: 32 * 1024))
        }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/small.mp3"))
        #expect(throws: MediaError.self) {
            try BrowserAudio.transcode(tone, to: "\(dir)/tiny.mp3", tools: tools, limits: ToolLimits(addressSpaceBytes: 8 << 20))
        }
        try BrowserAudio.transcode(tone, to: "\(dir)/fine.mp3", tools: tools)
        #expect(try AudioSniffer.sniff(file: "\(dir)/fine.mp3") == .mp3)
        // A CPU-time limit ends a child that keeps computing (SIGXCPU).
        let busy = try ToolRun.run(
            tools.ffmpeg, ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=100000", "-f", "null", "-"],
            limits: ToolLimits(wallSeconds: 60, cpuSeconds: 1), prlimit: tools.prlimit)
        #expect(busy.status == SIGXCPU || busy.status == SIGKILL, "status \(busy.status)")
        #expect(!busy.timedOut)
    }

    // MARK: Covers

    /// A JPEG whose header claims `side` x `side` pixels (only the header: nothing that large is made).
    static func jpegClaiming(side: Int, in dir: String) throws -> Data {
        let small = "\(dir)/small-\(side).jpg"
        try make(["-f", "lavfi", "-i", "color=red:s=16x16", "-frames:v", "1", small])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: small)))
        var i = 2
        while i + 9 < bytes.count {
            let marker = bytes[i + 1]
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if (0xC0...0xC2).contains(marker) {
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

    /// An MP3 with an ID3v2.3 tag holding `frames` (id, body) before the audio.
    static func mp3(withID3 frames: [(String, Data)], audio: String) throws -> Data {
        var body = Data()
        for (id, content) in frames {
            body += Data(id.utf8)
            body += withUnsafeBytes(of: UInt32(content.count).bigEndian) { Data($0) }
            body += Data([0, 0]) + content
        }
        let n = body.count
        let size = Data([UInt8(n >> 21 & 0x7F), UInt8(n >> 14 & 0x7F), UInt8(n >> 7 & 0x7F), UInt8(n & 0x7F)])
        return Data("ID3".utf8) + Data([3, 0, 0]) + size + body + (try Data(contentsOf: URL(fileURLWithPath: audio)))
    }

    static func apic(_ jpeg: Data) -> (String, Data) {
        ("APIC", Data([0]) + Data("image/jpeg".utf8) + Data([0, 3, 0]) + jpeg)
    }

    @Test func imageHeadersGiveSizesWithoutDecoding() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.make(["-f", "lavfi", "-i", "color=blue:s=320x200", "-frames:v", "1", "\(dir)/a.png"])
        try Self.make(["-f", "lavfi", "-i", "color=blue:s=320x200", "-frames:v", "1", "\(dir)/a.jpg"])
        for (file, kind) in [("a.png", ImageHeader.Kind.png), ("a.jpg", .jpeg)] {
            let size = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(file)")).withUnsafeBytes { ImageHeader.size(of: $0) }
            #expect(size?.kind == kind && size?.width == 320 && size?.height == 200, "\(file)")
        }
        let claimed = try Self.jpegClaiming(side: 16384, in: dir).withUnsafeBytes { ImageHeader.size(of: $0) }
        #expect(claimed?.width == 16384 && claimed?.height == 16384)
        #expect(Data("not an image".utf8).withUnsafeBytes { ImageHeader.size(of: $0) } == nil)
        #expect(Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).withUnsafeBytes { ImageHeader.size(of: $0) } == nil)
    }

    /// Found by the image-header fuzz target: a PNG header claiming 4,244,635,631 x 4,294,967,287
    /// pixels made width x height overflow where the cover's size is checked (a trap in the worker).
    /// Such a header is not a PNG (its dimensions are at most 2^31 - 1), and every size the reader
    /// gives multiplies without overflow.
    @Test func pngDimensionsPastTheFormatsLimitAreNotAnImage() {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
        png += [0xFC, 0xFF, 0xFF, 0xEF, 0xFF, 0xFF, 0xFF, 0xF7, 8, 2, 0, 0, 0]
        #expect(png.withUnsafeBytes { ImageHeader.size(of: $0) } == nil)
        png.replaceSubrange(16..<24, with: [0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF])
        let largest = png.withUnsafeBytes { ImageHeader.size(of: $0) }
        #expect(largest?.width == Int(Int32.max) && largest.map { !$0.width.multipliedReportingOverflow(by: $0.height).overflow } == true)
    }

    /// A 16k x 16k cover is refused from its header, before any decoder allocates it; the file's
    /// tags still read. A normal cover is extracted.
    @Test func aHugeCoverIsRefusedBeforeDecoding() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let audio = "\(dir)/plain.mp3"
        try Self.make(["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-id3v2_version", "0", audio])
        let tools = try FFmpegTools.locate()
        let huge = "\(dir)/huge cover.mp3"
        try Self.mp3(withID3: [Self.apic(try Self.jpegClaiming(side: 16384, in: dir))], audio: audio).write(to: URL(fileURLWithPath: huge))
        #expect(try AudioTags.probe(huge, tools: tools).hasCoverArt)
        #expect(throws: MediaError.coverTooLarge(width: 16384, height: 16384, limit: 25_000_000)) {
            try CoverArt(tools: tools).extract(from: huge, to: "\(dir)/huge.png")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/huge.png"))
        let normal = "\(dir)/normal.mp3"
        try Self.make(["-f", "lavfi", "-i", "color=green:s=600x600", "-frames:v", "1", "\(dir)/cover.jpg"])
        try Self.mp3(withID3: [Self.apic(try Data(contentsOf: URL(fileURLWithPath: "\(dir)/cover.jpg")))], audio: audio)
            .write(to: URL(fileURLWithPath: normal))
        #expect(try CoverArt(tools: tools, side: 64).extract(from: normal, to: "\(dir)/normal.png"))
        let png = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/normal.png")).withUnsafeBytes { ImageHeader.size(of: $0) }
        #expect(png?.width == 64 && png?.height == 64)
    }

    /// An ID3 tag of 100 MB: ffprobe's answer is capped (no 100 MB string in Segue's memory), the
    /// file is read again without its tags, and the decoder still reads the audio behind it.
    @Test func aHundredMegabyteTagHasAClearOutcome() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let audio = "\(dir)/plain.mp3"
        try Self.make(["-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-id3v2_version", "0", audio])
        let tools = try FFmpegTools.locate()
        let big = "\(dir)/big tag.mp3"
        let text = Data([3]) + Data(repeating: UInt8(ascii: "a"), count: 100 << 20)
        try Self.mp3(withID3: [("TIT2", text)], audio: audio).write(to: URL(fileURLWithPath: big))
        #expect(throws: MediaError.toolOutputTooLarge(file: "big tag.mp3", limit: ToolLimits.probe.maxOutputBytes)) {
            _ = try tools.runUntrusted(
                tools.ffprobe, ["-v", "error", "-show_format", "-of", "json"] + FFmpegTools.untrustedInput(big, container: .mp3),
                file: big, limits: .probe)
        }
        let tags = try AudioTags.probe(big, tools: tools)
        #expect(tags.title == nil && abs(tags.durationSeconds - 3) < 0.2 && tags.codec == "mp3")
        let samples = try AudioDecoder(tools: tools).decodeMono(big, sampleRate: 8000)
        #expect(abs(samples.count - 24000) < 2000)
    }

    @Test func summariesAreOneShortSentenceNamingTheFile() {
        let log = String(repeating: "[mp3 @ 0x55d] Header missing\n", count: 200)
        for error in [
            MediaError.ffmpegFailed(status: 1, log: log), .probeFailed(log), .notAudio(file: "song.mp3", detail: log),
            .timedOut(file: "song.mp3", seconds: 300), .toolOutputTooLarge(file: "song.mp3", limit: 4 << 20),
        ] {
            let text = error.summary(file: "song.mp3")
            #expect(text.hasPrefix("song.mp3 ") && text.count < 160 && !text.contains("\n") && !text.contains("0x55d"), "\(text)")
        }
    }
}
