import Foundation
import SegueAudio

/// A handful of songs Segue renders itself (drums, bass and chords at known tempos and keys), so a
/// newcomer's Library and Playlists pages have something to show: written as 16-bit WAV files with
/// artist, title and album in the RIFF INFO chunk (which ffprobe reads as tags).
enum DemoSongs {
    struct Song: Sendable {
        var artist: String
        var title: String
        var song: SyntheticSong
    }

    /// Eight songs by four made-up artists, 95 to 128 BPM, in neighbouring and distant keys.
    static func catalogue(seconds: Double = 20) -> [Song] {
        let specs: [(String, String, Double, Int, KeyDescriptor.Mode)] = [
            ("Night Ferry", "Harbour Lights", 122, 9, .minor),
            ("Night Ferry", "Low Tide", 124, 4, .minor),
            ("Copper Kites", "Paper Sun", 118, 0, .major),
            ("Copper Kites", "Slow Orbit", 96, 7, .major),
            ("Glass Meadow", "Fieldwork", 126, 2, .minor),
            ("Glass Meadow", "Morning Static", 128, 5, .major),
            ("Vera Lume", "Tin Roof", 100, 11, .minor),
            ("Vera Lume", "Afterglow", 95, 6, .major),
        ]
        return specs.enumerated().map { i, s in
            Song(artist: s.0, title: s.1, song: SyntheticSong(bpm: s.2, tonic: s.3, mode: s.4, seconds: seconds, seed: UInt64(i + 1)))
        }
    }

    /// `samples` (mono, −1…1) as a 16-bit PCM WAV file with an INFO chunk.
    static func wav(_ samples: [Float], sampleRate: Int, tags: [(String, String)]) -> Data {
        func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        var info: [UInt8] = Array("INFO".utf8)
        for (id, text) in tags {
            var bytes = Array(text.utf8) + [0]
            if bytes.count % 2 == 1 { bytes.append(0) }
            info += Array(id.utf8) + le32(UInt32(bytes.count)) + bytes
        }
        var pcm = [UInt8]()
        pcm.reserveCapacity(samples.count * 2)
        for s in samples { pcm += le16(UInt16(bitPattern: Int16(max(-1, min(1, s)) * 32767))) }
        let format = le16(1) + le16(1) + le32(UInt32(sampleRate)) + le32(UInt32(sampleRate * 2)) + le16(2) + le16(16)
        var body: [UInt8] = Array("WAVE".utf8)
        body += Array("fmt ".utf8) + le32(UInt32(format.count)) + format
        body += Array("LIST".utf8) + le32(UInt32(info.count)) + info
        body += Array("data".utf8) + le32(UInt32(pcm.count)) + pcm
        return Data(Array("RIFF".utf8) + le32(UInt32(body.count)) + body)
    }

    /// The song rendered as a WAV file.
    static func wav(_ song: Song) -> Data {
        let rate = 22_050
        return wav(
            song.song.render(rate: rate), sampleRate: rate,
            tags: [("IART", song.artist), ("INAM", song.title), ("IPRD", "Segue demo songs")])
    }
}
