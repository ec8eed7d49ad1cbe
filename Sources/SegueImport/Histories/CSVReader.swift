/// Reads CSV as exports write it (RFC 4180): comma-separated, fields optionally in double quotes with
/// `""` for a quote, line ends LF or CRLF (also inside quotes), an optional UTF-8 byte-order mark.
///
/// Works on the file's bytes without copying them; each row's fields become `String`s. A row longer
/// than `maxRowBytes` or a quote that never closes is an error naming the line, not a stall.
struct CSVReader {
    struct Failure: Error, Equatable {
        var line: Int
        var reason: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset: Int
    /// Line of the next row, from 1 (a quoted line end counts).
    private(set) var line = 1
    let maxRowBytes: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, maxRowBytes: Int = 1 << 20) {
        self.bytes = bytes
        self.maxRowBytes = maxRowBytes
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        offset = bom ? 3 : 0
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// The next row's fields and the line it started on; nil at the end. Blank lines are skipped.
    mutating func next() throws(Failure) -> (line: Int, fields: [String])? {
        while offset < bytes.count, bytes[offset] == Self.lf || bytes[offset] == Self.cr {
            if bytes[offset] == Self.lf { line += 1 }
            offset += 1
        }
        guard offset < bytes.count else { return nil }
        let startLine = line
        let rowStart = offset
        var fields: [String] = []
        fields.reserveCapacity(8)
        var field: [UInt8] = []
        while true {
            if offset - rowStart > maxRowBytes {
                throw Failure(line: startLine, reason: "is longer than \(maxRowBytes >> 20) MiB")
            }
            if offset < bytes.count, bytes[offset] == Self.quote {
                // Quoted field: up to the closing quote; "" is a quote.
                offset += 1
                field.removeAll(keepingCapacity: true)
                var closed = false
                while offset < bytes.count {
                    let c = bytes[offset]
                    if c == Self.quote {
                        if offset + 1 < bytes.count, bytes[offset + 1] == Self.quote {
                            field.append(Self.quote)
                            offset += 2
                            continue
                        }
                        offset += 1
                        closed = true
                        break
                    }
                    if c == Self.lf { line += 1 }
                    field.append(c)
                    offset += 1
                    if offset - rowStart > maxRowBytes {
                        throw Failure(line: startLine, reason: "is longer than \(maxRowBytes >> 20) MiB")
                    }
                }
                guard closed else { throw Failure(line: startLine, reason: "has a quoted field that never closes") }
                // Text between the closing quote and the next comma (`"a"b`) is kept, as spreadsheets do.
                while offset < bytes.count, bytes[offset] != Self.comma, bytes[offset] != Self.lf, bytes[offset] != Self.cr {
                    field.append(bytes[offset])
                    offset += 1
                }
                fields.append(String(decoding: field, as: UTF8.self))
            } else {
                let start = offset
                while offset < bytes.count, bytes[offset] != Self.comma, bytes[offset] != Self.lf, bytes[offset] != Self.cr {
                    offset += 1
                }
                if offset - rowStart > maxRowBytes {
                    throw Failure(line: startLine, reason: "is longer than \(maxRowBytes >> 20) MiB")
                }
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self))
            }
            guard offset < bytes.count else { return (startLine, fields) }
            let c = bytes[offset]
            offset += 1
            if c == Self.comma { continue }
            if c == Self.cr, offset < bytes.count, bytes[offset] == Self.lf { offset += 1 }
            line += 1
            return (startLine, fields)
        }
    }
}
