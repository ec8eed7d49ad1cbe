/// Reads CSV as exports write it (RFC 4180): comma-separated, fields optionally in double quotes with
/// `""` for a quote, line ends LF or CRLF (also inside quotes), an optional UTF-8 byte-order mark.
///
/// Works on the file's bytes without copying them: a row's fields are spans of the file (`fields`,
/// read with `withField`), and only a field that needs unescaping (`""`, or text after its closing
/// quote) is copied, into a scratch buffer the next row reuses. `next()` gives the fields as
/// `String`s for callers that want them. A row longer than `maxRowBytes` or a quote that never
/// closes is an error naming the line, not a stall.
struct CSVReader {
    struct Failure: Error, Equatable {
        var line: Int
        var reason: String
    }

    /// Where one field of the current row is: `count` bytes from `start`, in the file or (when
    /// `unescaped`) in the scratch buffer.
    struct Field {
        var start: Int
        var count: Int
        var unescaped: Bool
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var offset: Int
    /// Line of the next row, from 1 (a quoted line end counts).
    private(set) var line = 1
    let maxRowBytes: Int
    /// The fields of the row `nextRow()` read last.
    private(set) var fields: [Field] = []
    private var scratch: [UInt8] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>, maxRowBytes: Int = 1 << 20) {
        self.bytes = bytes
        self.maxRowBytes = maxRowBytes
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        offset = bom ? 3 : 0
        fields.reserveCapacity(16)
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// The bytes of field `i` of the current row (valid inside `body` only).
    @inline(__always)
    func withField<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let f = fields[i]
        if f.unescaped {
            return try scratch.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[f.start..<f.start + f.count])) }
        }
        return try body(UnsafeBufferPointer(rebasing: bytes[f.start..<f.start + f.count]))
    }

    /// Field `i` of the current row as text (invalid UTF-8 repaired).
    func string(_ i: Int) -> String { withField(i) { String(decoding: $0, as: UTF8.self) } }

    /// The next row's fields and the line it started on; nil at the end. Blank lines are skipped.
    mutating func next() throws(Failure) -> (line: Int, fields: [String])? {
        guard let line = try nextRow() else { return nil }
        return (line, fields.indices.map(string))
    }

    /// Reads the next row into `fields`; returns the line it started on, or nil at the end. Blank
    /// lines are skipped.
    mutating func nextRow() throws(Failure) -> Int? {
        while offset < bytes.count, bytes[offset] == Self.lf || bytes[offset] == Self.cr {
            if bytes[offset] == Self.lf { line += 1 }
            offset += 1
        }
        guard offset < bytes.count else { return nil }
        let startLine = line
        let rowStart = offset
        fields.removeAll(keepingCapacity: true)
        scratch.removeAll(keepingCapacity: true)
        let end = bytes.count
        while true {
            if offset < end, bytes[offset] == Self.quote {
                // Quoted field: up to the closing quote; "" is a quote.
                offset += 1
                let start = offset
                var copiedFrom: Int? = nil  // where in scratch this field starts, once it needs copying
                var closed = false
                while offset < end {
                    let c = bytes[offset]
                    if c == Self.quote {
                        if offset + 1 < end, bytes[offset + 1] == Self.quote {
                            if copiedFrom == nil {
                                copiedFrom = scratch.count
                                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<offset]))
                            }
                            scratch.append(Self.quote)
                            offset += 2
                            continue
                        }
                        offset += 1
                        closed = true
                        break
                    }
                    if c == Self.lf { line += 1 }
                    if copiedFrom != nil { scratch.append(c) }
                    offset += 1
                    if offset - rowStart > maxRowBytes {
                        throw Failure(line: startLine, reason: "is longer than \(maxRowBytes >> 20) MiB")
                    }
                }
                guard closed else { throw Failure(line: startLine, reason: "has a quoted field that never closes") }
                // Text between the closing quote and the next comma (`"a"b`) is kept, as spreadsheets do.
                if offset < end, bytes[offset] != Self.comma, bytes[offset] != Self.lf, bytes[offset] != Self.cr {
                    if copiedFrom == nil {
                        copiedFrom = scratch.count
                        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<offset - 1]))
                    }
                    while offset < end, bytes[offset] != Self.comma, bytes[offset] != Self.lf, bytes[offset] != Self.cr {
                        scratch.append(bytes[offset])
                        offset += 1
                    }
                }
                if let from = copiedFrom {
                    fields.append(Field(start: from, count: scratch.count - from, unescaped: true))
                } else {
                    fields.append(Field(start: start, count: offset - 1 - start, unescaped: false))
                }
            } else {
                let start = offset
                while offset < end {
                    let c = bytes[offset]
                    if c == Self.comma || c == Self.lf || c == Self.cr { break }
                    offset += 1
                }
                fields.append(Field(start: start, count: offset - start, unescaped: false))
            }
            if offset - rowStart > maxRowBytes {
                throw Failure(line: startLine, reason: "is longer than \(maxRowBytes >> 20) MiB")
            }
            guard offset < end else { return startLine }
            let c = bytes[offset]
            offset += 1
            if c == Self.comma { continue }
            if c == Self.cr, offset < end, bytes[offset] == Self.lf { offset += 1 }
            line += 1
            return startLine
        }
    }
}
