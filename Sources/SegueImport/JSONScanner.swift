import Foundation

/// A strict, allocation-light reader for what Spotify exports hold: one JSON array of flat objects.
///
/// Foundation's `JSONSerialization` builds a dictionary per record; at 250,000 records that costs more
/// than the whole import should. This scanner walks the bytes once, hands each member's key to the
/// caller as raw bytes and builds `String`s only for the values the caller asks for.
struct JSONScanner: ~Copyable {
    let base: UnsafePointer<UInt8>
    let count: Int
    let file: String
    var position = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>, file: String) {
        // An empty buffer has no base address; point at a static byte so reads stay defined.
        self.base = buffer.baseAddress ?? JSONScanner.emptyByte
        self.count = buffer.count
        self.file = file
        // A UTF-8 byte order mark is allowed before the value.
        if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { position = 3 }
    }

    nonisolated(unsafe) private static let emptyByte: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.pointee = 0
        return UnsafePointer(p)
    }()

    /// A scalar member value; nested objects and arrays are skipped and reported as `.nested`.
    enum Value {
        case string(start: Int, end: Int, escaped: Bool)
        case integer(Int64)
        case double(Double)
        case bool(Bool)
        case null
        case nested
    }

    func error(_ reason: String, at offset: Int? = nil) -> ImportError {
        .malformedJSON(file: file, offset: offset ?? position, reason: reason)
    }

    mutating func skipWhitespace() {
        while position < count {
            let c = base[position]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { position += 1 } else { return }
        }
    }

    /// The next non-whitespace byte, not consumed.
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < count ? base[position] : nil
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(ImportError) {
        skipWhitespace()
        guard position < count else { throw error("unexpected end of file, expected \(what)") }
        guard base[position] == byte else { throw error("expected \(what)") }
        position += 1
    }

    /// Calls `body` for each element of the top-level array, which must be an object; `body` reads
    /// the members with `members(_:)`. Returns the number of records.
    mutating func forEachRecord(
        _ body: (inout JSONScanner, _ index: Int) throws -> Void
    ) throws -> Int {
        guard let first = peek() else { throw ImportError.wrongShape(file: file, record: nil, reason: "empty file") }
        guard first == UInt8(ascii: "[") else {
            if first == UInt8(ascii: "{") {
                throw ImportError.wrongShape(file: file, record: nil, reason: "expected a JSON array of plays, found an object")
            }
            throw error("expected '['")
        }
        position += 1
        var index = 0
        if peek() == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                guard let c = peek() else { throw error("unexpected end of file inside the array") }
                guard c == UInt8(ascii: "{") else {
                    throw ImportError.wrongShape(file: file, record: index, reason: "expected an object, found \(describe(c)) at byte \(position)")
                }
                try body(&self, index)
                index += 1
                guard let next = peek() else { throw error("unexpected end of file inside the array") }
                position += 1
                if next == UInt8(ascii: "]") { break }
                guard next == UInt8(ascii: ",") else { throw error("expected ',' or ']'", at: position - 1) }
            }
        }
        if peek() != nil { throw error("unexpected data after the array") }
        return index
    }

    private func describe(_ c: UInt8) -> String {
        switch c {
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        default: return "a number"
        }
    }

    /// Reads one object, calling `body` with each key (raw bytes, unescaped only when needed) and value.
    mutating func members(_ body: (UnsafeBufferPointer<UInt8>, Value, inout JSONScanner) throws -> Void) throws {
        try expect(UInt8(ascii: "{"), "'{'")
        if peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try readString()
            try expect(UInt8(ascii: ":"), "':'")
            let value = try readValue()
            if key.escaped {
                var decoded = Array(unescape(start: key.start, end: key.end).utf8)
                try decoded.withUnsafeMutableBufferPointer { try body(UnsafeBufferPointer($0), value, &self) }
            } else {
                try body(UnsafeBufferPointer(start: base + key.start, count: key.end - key.start), value, &self)
            }
            guard let c = peek() else { throw error("unexpected end of file inside an object") }
            position += 1
            if c == UInt8(ascii: "}") { return }
            guard c == UInt8(ascii: ",") else { throw error("expected ',' or '}'", at: position - 1) }
        }
    }

    /// Reads a string token; `position` is at its opening quote.
    private mutating func readString() throws(ImportError) -> (start: Int, end: Int, escaped: Bool) {
        position += 1
        let start = position
        var escaped = false
        // Eight bytes at a time until one is a quote, a backslash or a control character.
        while position + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            if Self.mayEndString(word) { break }
            position += 8
        }
        while position < count {
            let c = base[position]
            if c == UInt8(ascii: "\"") {
                let end = position
                position += 1
                return (start, end, escaped)
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                position += 2
                continue
            }
            if c < 0x20 { throw error("control character in a string") }
            position += 1
        }
        throw error("unterminated string", at: start - 1)
    }

    /// Whether any byte of `word` is `"`, `\\` or below 0x20 (SWAR: no branch per byte).
    @inline(__always)
    static func mayEndString(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote & highs
        let hasBackslash = (backslash &- ones) & ~backslash & highs
        let hasControl = (word &- ones &* 0x20) & ~word & highs
        return (hasQuote | hasBackslash | hasControl) != 0
    }

    private mutating func readValue() throws(ImportError) -> Value {
        guard let c = peek() else { throw error("unexpected end of file, expected a value") }
        switch c {
        case UInt8(ascii: "\""):
            let s = try readString()
            return .string(start: s.start, end: s.end, escaped: s.escaped)
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipNested()
            return .nested
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try readNumber()
        default:
            throw error("unexpected character '\(Character(Unicode.Scalar(c)))'")
        }
    }

    private mutating func literal(_ word: StaticString) throws(ImportError) {
        let n = word.utf8CodeUnitCount
        guard position + n <= count, memcmp(base + position, word.utf8Start, n) == 0 else {
            throw error("invalid literal, expected \(word)")
        }
        position += n
    }

    private mutating func readNumber() throws(ImportError) -> Value {
        let start = position
        var negative = false
        if base[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        var value: Int64 = 0
        var digits = 0
        var overflow = false
        while position < count, base[position] &- 0x30 < 10 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(base[position] &- 0x30))
            overflow = overflow || o1 || o2
            value = a
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw error("invalid number", at: start) }
        var isInteger = !overflow
        if position < count, base[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            let fractionStart = position
            while position < count, base[position] &- 0x30 < 10 { position += 1 }
            guard position > fractionStart else { throw error("invalid number", at: start) }
        }
        if position < count, base[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            if position < count, base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-") { position += 1 }
            let expStart = position
            while position < count, base[position] &- 0x30 < 10 { position += 1 }
            guard position > expStart else { throw error("invalid number", at: start) }
        }
        if isInteger { return .integer(negative ? -value : value) }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: position - start), as: UTF8.self)
        return .double(Double(text) ?? .nan)
    }

    private mutating func skipNested() throws(ImportError) {
        var depth = 0
        let start = position
        while position < count {
            let c = base[position]
            switch c {
            case UInt8(ascii: "\""):
                _ = try readString()
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    position += 1
                    return
                }
            default: break
            }
            position += 1
        }
        throw error("unterminated object or array", at: start)
    }

    /// The string value of a token from `readValue`.
    func string(_ value: Value) -> String? {
        guard case .string(let start, let end, let escaped) = value else { return nil }
        if !escaped { return String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self) }
        return unescape(start: start, end: end)
    }

    private func unescape(start: Int, end: Int) -> String {
        var out = [UInt8]()
        out.reserveCapacity(end - start)
        var i = start
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= end else { return nil }
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = base[at + k]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 0x30)
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 0x61 + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 0x41 + 10)
                default: return nil
                }
                v = v << 4 | d
            }
            return v
        }
        func append(_ scalar: UInt32) {
            let s = Unicode.Scalar(scalar) ?? "\u{FFFD}"
            out.append(contentsOf: Array(String(Character(s)).utf8))
        }
        while i < end {
            let c = base[i]
            guard c == UInt8(ascii: "\\"), i + 1 < end else {
                out.append(c)
                i += 1
                continue
            }
            let e = base[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard let u = hex4(i) else {
                    append(0xFFFD)
                    continue
                }
                i += 4
                if (0xD800..<0xDC00).contains(u), i + 6 <= end, base[i] == UInt8(ascii: "\\"),
                    base[i + 1] == UInt8(ascii: "u"), let low = hex4(i + 2), (0xDC00..<0xE000).contains(low)
                {
                    i += 6
                    append(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00))
                } else {
                    append(u)
                }
            default: out.append(e)  // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes spell `text` (ASCII).
    @inline(__always)
    func equals(_ text: StaticString) -> Bool {
        let n = count
        guard n == text.utf8CodeUnitCount else { return false }
        guard n > 0, let base = baseAddress else { return true }
        return StringInterner.same(base, text.utf8Start, n)
    }
}

extension JSONScanner {
    /// The raw bytes of a string value without escapes (nil for other values or escaped strings).
    func rawBytes(_ value: Value) -> UnsafeBufferPointer<UInt8>? {
        guard case .string(let start, let end, false) = value else { return nil }
        return UnsafeBufferPointer(start: base + start, count: end - start)
    }
}
