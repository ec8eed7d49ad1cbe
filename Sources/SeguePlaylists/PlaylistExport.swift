import Foundation
import SegueModel

/// Playlist files: extended M3U (UTF-8), XSPF and JSPF (ListenBrainz's JSON playlists).
public enum PlaylistExport {
    public enum Format: String, Sendable, CaseIterable {
        case m3u8, xspf, jspf

        /// From a file name's extension.
        public init?(path: String) {
            self.init(rawValue: (path as NSString).pathExtension.lowercased())
        }
    }

    /// - Parameter relativeTo: a folder to write paths relative to (as players resolve them from
    ///   the playlist's own folder); nil for absolute paths.
    public static func render(_ tracks: [PlaylistTrack], format: Format, title: String, relativeTo: String? = nil) -> String {
        func location(_ path: String) -> String {
            guard let base = relativeTo else { return path }
            return relativePath(path, from: base)
        }
        // Titles and tags come from files and forms: a newline would start a line of its own in M3U (a
        // forged entry), and XML 1.0 cannot hold most control characters even escaped.
        let title = oneLine(title)
        let tracks = tracks.map {
            var t = $0
            t.title = oneLine(t.title)
            t.artist = oneLine(t.artist)
            t.album = oneLine(t.album)
            return t
        }
        switch format {
        case .m3u8:
            var out = "#EXTM3U\n#PLAYLIST:\(title)\n"
            for t in tracks {
                out += "#EXTINF:\(Int(t.durationSeconds.rounded())),\(t.artist) - \(t.title)\n\(oneLine(location(t.path)))\n"
            }
            return out
        case .xspf:
            var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\">\n"
            out += "  <title>\(xml(title))</title>\n  <trackList>\n"
            for t in tracks {
                let url = uri(t.path)
                out += "    <track>\n      <location>\(xml(url))</location>\n      <title>\(xml(t.title))</title>\n"
                out += "      <creator>\(xml(t.artist))</creator>\n"
                if !t.album.isEmpty { out += "      <album>\(xml(t.album))</album>\n" }
                out += "      <duration>\(Int((t.durationSeconds * 1000).rounded()))</duration>\n    </track>\n"
            }
            return out + "  </trackList>\n</playlist>\n"
        case .jspf:
            let items: [[String: Any]] = tracks.map {
                var item: [String: Any] = [
                    "title": $0.title, "creator": $0.artist, "duration": Int(($0.durationSeconds * 1000).rounded()),
                    "location": [uri($0.path)],
                ]
                if !$0.album.isEmpty { item["album"] = $0.album }
                return item
            }
            let root: [String: Any] = ["playlist": ["title": title, "creator": "Segue", "track": items]]
            let data = (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self) + "\n"
        }
    }

    /// A `file:` URL for an absolute path; a relative path stays relative (percent-encoded), so a
    /// playlist of bare file names resolves next to wherever it is saved.
    static func uri(_ path: String) -> String {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).absoluteString }
        return path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
    }

    /// `text` on one line: every control character (C0 and C1, DEL, Unicode's line and paragraph separators)
    /// becomes a space, runs of them one space.
    public static func oneLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029:
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            default:
                out.append(scalar)
                lastWasSpace = scalar == " "
            }
        }
        return String(out)
    }

    static func xml(_ s: String) -> String {
        MarkupEscaping.escape(s)
    }

    static func relativePath(_ path: String, from base: String) -> String {
        let p = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let b = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
        var common = 0
        while common < min(p.count, b.count) && p[common] == b[common] { common += 1 }
        let ups = Array(repeating: "..", count: b.count - common)
        return (ups + p[common...]).joined(separator: "/")
    }
}
