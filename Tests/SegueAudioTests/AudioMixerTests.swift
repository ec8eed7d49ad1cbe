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
}
