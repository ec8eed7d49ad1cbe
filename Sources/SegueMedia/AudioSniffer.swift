import Foundation

/// The audio containers Segue accepts, known by their content (never by the file name).
public enum AudioContainer: String, Sendable, Equatable, CaseIterable, Codable {
    case mp3, flac, ogg, wav, aiff, mp4, aac

    /// The ffmpeg demuxer forced for this container (`-f`), so a file's content cannot pick another
    /// demuxer (a playlist, a concat list, an image sequence) that opens other files.
    public var ffmpegFormat: String {
        switch self {
        case .mp3: return "mp3"
        case .flac: return "flac"
        case .ogg: return "ogg"
        case .wav: return "wav"
        case .aiff: return "aiff"
        case .mp4: return "mov"
        case .aac: return "aac"
        }
    }
}

/// Recognises the accepted audio containers from the first bytes of a file: one small pure function
/// (`sniff`), so the decision that lets a file reach ffmpeg can be unit-tested and fuzzed.
public enum AudioSniffer {
    /// How many leading bytes `sniff(file:)` reads: the magic numbers are in the first 16; the rest
    /// lets an MP3 whose first frame comes after padding or stray bytes be found (`mpegFrames`).
    public static let prefixLength = 4_096

    /// The container whose magic bytes start `prefix`, or nil for anything else (text, a playlist,
    /// an image, an unknown format, or too few bytes). Never traps, whatever the bytes.
    public static func sniff(_ prefix: UnsafeRawBufferPointer) -> AudioContainer? {
        let n = prefix.count
        func byte(_ i: Int) -> UInt8 { i < n ? prefix[i] : 0 }
        func ascii(_ text: String, at offset: Int) -> Bool {
            let bytes = Array(text.utf8)
            guard offset + bytes.count <= n else { return false }
            for (i, b) in bytes.enumerated() where prefix[offset + i] != b { return false }
            return true
        }
        if ascii("fLaC", at: 0) { return .flac }
        if ascii("OggS", at: 0), byte(4) == 0 { return .ogg }
        if (ascii("RIFF", at: 0) || ascii("RF64", at: 0)) && ascii("WAVE", at: 8) { return .wav }
        if ascii("FORM", at: 0) && (ascii("AIFF", at: 8) || ascii("AIFC", at: 8)) { return .aiff }
        if ascii("ftyp", at: 4) { return .mp4 }
        // ID3v2: "ID3", major version 2-4, a revision below 0xFF, and a four-byte synch-safe size.
        if ascii("ID3", at: 0), n >= 10 {
            let sizeBytes = (6..<10).map(byte)
            if (2...4).contains(byte(3)), byte(4) != 0xFF, sizeBytes.allSatisfy({ $0 < 0x80 }) { return .mp3 }
            return nil
        }
        // A bare MPEG audio frame header or an ADTS (AAC) header at the start.
        if n >= 4, byte(0) == 0xFF, byte(1) & 0xE0 == 0xE0 {
            let version = (byte(1) >> 3) & 0x3
            let layer = (byte(1) >> 1) & 0x3
            if layer == 0 {
                // ADTS: MPEG-4/-2 AAC, the version bits are 0 or 1 (sync is 12 bits), a valid rate index.
                let samplingIndex = (byte(2) >> 2) & 0xF
                return byte(1) & 0xF0 == 0xF0 && samplingIndex < 13 ? .aac : nil
            }
            let bitrateIndex = byte(2) >> 4
            let rateIndex = (byte(2) >> 2) & 0x3
            guard version != 1, bitrateIndex != 0xF, rateIndex != 3 else { return nil }
            return .mp3
        }
        return mpegFrames(prefix) ? .mp3 : nil
    }

    /// True when MPEG audio frames follow one another somewhere in `prefix`: a valid frame header,
    /// then another valid one of the same version, layer and sample rate exactly where the first
    /// says its frame ends, and a third after that when the prefix reaches it. One header alone is
    /// four bytes that text or an image can hold by chance; a chain of them is an MP3 stream.
    static func mpegFrames(_ prefix: UnsafeRawBufferPointer) -> Bool {
        let n = prefix.count
        var offset = 0
        while offset + 4 <= n {
            defer { offset += 1 }
            guard prefix[offset] == 0xFF, let first = MPEGFrameHeader(prefix, at: offset) else { continue }
            var chained = 1
            var at = offset + first.length
            while chained < 3, at + 4 <= n, let next = MPEGFrameHeader(prefix, at: at), next.sameStream(as: first) {
                chained += 1
                at += next.length
            }
            // Two frames when the prefix ends before a third could start; three otherwise.
            if chained == 3 || (chained == 2 && at + 4 > n) { return true }
        }
        return false
    }

    /// The container of the file at `path`, from its first bytes.
    /// - Throws: `MediaError.notAudio` naming the file when it is not a regular readable file or its
    ///   content is none of the accepted containers. Opens with `O_NONBLOCK`, so a FIFO cannot hang it.
    public static func sniff(file path: String) throws(MediaError) -> AudioContainer {
        let name = (path as NSString).lastPathComponent
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .notAudio(file: name, detail: "\(path): cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw .notAudio(file: name, detail: "\(path): not a regular file")
        }
        var buffer = [UInt8](repeating: 0, count: prefixLength)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, prefixLength) }
        guard count > 0 else { throw .notAudio(file: name, detail: "\(path): empty or unreadable") }
        let found = buffer.withUnsafeBytes { sniff(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        guard let found else {
            let hex = buffer.prefix(min(count, 16)).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw .notAudio(file: name, detail: "\(path): first bytes \(hex) match no accepted audio container")
        }
        return found
    }
}

/// An MPEG-1/2/2.5 audio frame header (layers I to III) whose frame length it gives: free-format
/// frames (bitrate index 0), whose length only the next header tells, are not taken.
struct MPEGFrameHeader {
    var version: UInt8
    var layer: UInt8
    var rateIndex: UInt8
    /// The whole frame, header included, in bytes.
    var length: Int

    init?(_ bytes: UnsafeRawBufferPointer, at i: Int) {
        guard i + 4 <= bytes.count, bytes[i] == 0xFF, bytes[i + 1] & 0xE0 == 0xE0 else { return nil }
        version = (bytes[i + 1] >> 3) & 0x3  // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
        layer = (bytes[i + 1] >> 1) & 0x3  // 3: layer I, 2: layer II, 1: layer III
        let bitrateIndex = Int(bytes[i + 2] >> 4)
        rateIndex = (bytes[i + 2] >> 2) & 0x3
        let padding = Int((bytes[i + 2] >> 1) & 0x1)
        guard version != 1, layer != 0, (1...14).contains(bitrateIndex), rateIndex != 3 else { return nil }
        let kbps: [Int]
        switch (version == 3, layer) {
        case (true, 3): kbps = [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448]
        case (true, 2): kbps = [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384]
        case (true, _): kbps = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
        case (false, 3): kbps = [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256]
        case (false, _): kbps = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
        }
        let bitrate = kbps[bitrateIndex - 1] * 1000
        let base = [44_100, 48_000, 32_000][Int(rateIndex)]
        let sampleRate = version == 3 ? base : version == 2 ? base / 2 : base / 4
        switch layer {
        case 3: length = (12 * bitrate / sampleRate + padding) * 4
        case 1 where version != 3: length = 72 * bitrate / sampleRate + padding
        default: length = 144 * bitrate / sampleRate + padding
        }
    }

    func sameStream(as other: MPEGFrameHeader) -> Bool {
        version == other.version && layer == other.layer && rateIndex == other.rateIndex
    }
}
