import Foundation
import SegueMedia
import SegueTestSupport
import Testing

@Suite struct AudioMixerTests {
    @Test func crossfadesTrimmedTracksIntoOneFile() throws {
        let tools = try FFmpegTools.locate()
        let dir = try Fixtures.folder()
        var segments: [AudioMixer.Segment] = []
        for (i, f) in [300, 450, 600].enumerated() {
            let path = dir.appendingPathComponent("t\(i).wav").path
            // One second of silence, eight of tone, one of silence.
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tools.ffmpeg)
            p.arguments = ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=\(f):duration=8", "-af", "adelay=1000,apad=pad_dur=1", path]
            try p.run()
            p.waitUntilExit()
            segments.append(AudioMixer.Segment(path: path, start: 1, end: 9))
        }
        let out = dir.appendingPathComponent("mix.m4a").path
        try AudioMixer(tools: tools).mix(segments, fade: 2, output: out)
        let probe = try AudioTags.probe(out, tools: tools)
        // 3 × 8 s of sound, two 2-second overlaps.
        #expect(abs(probe.durationSeconds - 20) < 0.3, "\(probe.durationSeconds)")
        // The timeline a browser player follows is the one ffmpeg rendered: same starts, fades and end.
        let plan = AudioMixer.placements(segments, fade: 2)
        #expect(plan.map(\.at) == [0, 6, 12] && plan.map(\.fadeIn) == [0, 2, 2] && plan.map(\.fadeOut) == [2, 2, 0])
        #expect(abs((plan.last?.until ?? 0) - probe.durationSeconds) < 0.3)
        // A fade never takes more than a third of a short neighbour.
        let short = [AudioMixer.Segment(path: "a", start: 0, end: 3), AudioMixer.Segment(path: "b", start: 0.5, end: 30.5)]
        #expect(AudioMixer.fades(short, fade: 6) == [0, 1] && AudioMixer.placements(short, fade: 6).map(\.at) == [0, 2])
        let trimmed = AudioMixer.Segment(path: "c", durationSeconds: 10, leadingSilence: 1.5, trailingSilence: 2)
        #expect(trimmed.start == 1.5 && trimmed.end == 8)
        #expect(throws: MediaError.self) {
            try AudioMixer(tools: tools).mix([AudioMixer.Segment(path: dir.appendingPathComponent("none.wav").path, start: 0, end: 1)], output: out)
        }
    }

    /// ffmpeg's astats over `start..<end` seconds of `path`: (RMS level, peak level) in dBFS.
    func levels(_ path: String, _ start: Double, _ end: Double, tools: FFmpegTools) throws -> (rms: Double, peak: Double) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tools.ffmpeg)
        p.arguments = [
            "-nostdin", "-hide_banner", "-i", path, "-af", "atrim=start=\(start):end=\(end),astats=measure_perchannel=none", "-f", "null", "-",
        ]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        func value(_ name: String) -> Double {
            let line = text.split(separator: "\n").last { $0.contains("] \(name):") } ?? ""
            return Double(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? .nan
        }
        return (value("RMS level dB"), value("Peak level dB"))
    }

    /// A quiet track and a loud one come out of the mix at one level (the median of theirs), and
    /// a boost that would clip is held under -2 dBFS by the limiter.
    @Test func levelsTracksToTheirMedianLoudnessUnderALimiter() throws {
        let s = (0..<5).map { AudioMixer.Segment(path: "\($0)", start: 0, end: 10) }
        #expect(AudioMixer.levelled(s, loudness: [-20, -10, nil, -70, -14]).map(\.gainDB) == [6, -4, 0, 0, 0])
        #expect(AudioMixer.levelled(Array(s.prefix(2)), loudness: [-40, -10]).map(\.gainDB) == [9, -15])
        #expect(AudioMixer.levelled(s, loudness: [nil, nil, nil, nil, nil]) == s)

        let tools = try FFmpegTools.locate()
        let dir = try Fixtures.folder()
        var segments: [AudioMixer.Segment] = []
        var loudness: [Double?] = []
        for (i, gain) in [0.25, 6].enumerated() {
            // ffmpeg's sine is 1/8 full scale: these peak at -30 and -2.5 dBFS.
            let path = dir.appendingPathComponent("level\(i).wav").path
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tools.ffmpeg)
            p.arguments = ["-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=1000:duration=8", "-af", "volume=\(gain)", "-ac", "2", path]
            try p.run()
            p.waitUntilExit()
            segments.append(AudioMixer.Segment(path: path, start: 0, end: 8))
            loudness.append(try levels(path, 0, 8, tools: tools).rms)
        }
        let quiet = try #require(loudness[0])
        let loud = try #require(loudness[1])
        #expect(loud - quiet > 25, "\(quiet) \(loud)")
        let out = dir.appendingPathComponent("levelled.wav").path
        try AudioMixer(tools: tools).mix(AudioMixer.levelled(segments, loudness: loudness, maxBoost: 20), fade: 1, output: out)
        let first = try levels(out, 1, 6, tools: tools)
        let second = try levels(out, 9, 14, tools: tools)
        #expect(abs(first.rms - second.rms) < 0.5, "\(first) \(second)")
        #expect(abs(first.rms - (quiet + loud) / 2) < 0.5, "\(first) \(quiet) \(loud)")

        let boosted = [AudioMixer.Segment(path: segments[1].path, start: 0, end: 8, gainDB: 12)]
        let limited = dir.appendingPathComponent("limited.wav").path
        try AudioMixer(tools: tools).mix(boosted, output: limited)
        let peak = try levels(limited, 0, 8, tools: tools).peak
        #expect(peak <= -1.9 && peak > -4, "\(peak)")
    }
}
