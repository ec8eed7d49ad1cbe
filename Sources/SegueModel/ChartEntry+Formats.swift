import Foundation

/// Text renderings of charts for terminals and files.
extension [ChartEntry] {
    /// JSON: an array of `{rank, name, artist, album, uri, streams, minutes}`.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// CSV with a header row (RFC 4180 quoting).
    public func csvText() -> String {
        var lines = ["rank,name,artist,album,uri,streams,minutes"]
        for e in self {
            let fields = [
                String(e.rank), e.name, e.artist ?? "", e.album ?? "", e.uri ?? "", String(e.streams),
                String(format: "%.2f", e.minutes),
            ]
            lines.append(fields.map(TextTable.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An aligned table for a terminal.
    public func tableText(kind: EntityKind) -> String {
        var header = ["#", kind == .artists ? "Artist" : kind == .tracks ? "Track" : "Album"]
        if kind != .artists { header.append("Artist") }
        header += ["Streams", "Minutes"]
        let rows = map { e -> [String] in
            var row = [String(e.rank), e.name]
            if kind != .artists { row.append(e.artist ?? "") }
            row += [TextTable.grouped(e.streams), TextTable.grouped(Int(e.minutes.rounded()))]
            return row
        }
        return TextTable.render(header: header, rows: rows, rightAligned: [0, header.count - 2, header.count - 1])
    }
}

/// Column alignment that knows East Asian wide characters take two terminal cells.
public enum TextTable {
    public static func render(header: [String], rows: [[String]], rightAligned: Set<Int>, maxWidth: Int = 48) -> String {
        let all = [header] + rows.map { $0.map { truncate($0, to: maxWidth) } }
        var widths = [Int](repeating: 0, count: header.count)
        for row in all { for (i, cell) in row.enumerated() { widths[i] = Swift.max(widths[i], width(cell)) } }
        var out = ""
        for (r, row) in all.enumerated() {
            let cells = row.enumerated().map { i, cell -> String in
                let pad = String(repeating: " ", count: widths[i] - width(cell))
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }
            out += cells.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
            if r == 0 { out += widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n" }
        }
        return out
    }

    /// Terminal cells taken by `s`.
    public static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + cellWidth($1) }
    }

    static func cellWidth(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if u.properties.generalCategory == .nonspacingMark || u.properties.generalCategory == .enclosingMark { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
        {
            return 2
        }
        return 1
    }

    static func truncate(_ s: String, to cells: Int) -> String {
        guard width(s) > cells else { return s }
        var out = ""
        var used = 0
        for c in s {
            let w = c.unicodeScalars.reduce(0) { $0 + cellWidth($1) }
            if used + w > cells - 1 { break }
            out.append(c)
            used += w
        }
        return out + "…"
    }

    /// 1234567 → "1,234,567".
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    public static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
