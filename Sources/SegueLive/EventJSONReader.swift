/// A strict JSON reader for bulk-event bodies, straight from the bytes: an event object becomes its
/// six known fields as typed values, and everything else is checked and skipped. No Foundation
/// objects per value, which made `JSONSerialization` most of the cost of ingesting events.
struct EventJSONReader {
    /// A JSON value as the event fields need it.
    enum Value: Equatable {
        case string(String)
        /// The number, and whether it was written without fraction or exponent.
        case number(Double, integer: Int64?)
        case bool(Bool)
        case null
        /// An array or an object (not allowed as a field's value; its contents are not kept).
        case composite
    }

    /// The fields of one event object; `nil` for a missing key.
    struct Fields {
        var eventID: Value?
        var userID: Value?
        var track: Value?
        var artist: Value?
        var album: Value?
        var ts: Value?
    }

    /// What a top-level value was: an event object, or something else that parsed.
    enum Item {
        case object(Fields)
        case other
    }

    struct SyntaxError: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position: Int
    private let end: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        position = start
        self.end = end ?? bytes.count
    }

    var atEnd: Bool { position >= end }

    mutating func skipSpace() {
        while position < end, Self.isSpace(bytes[position]) { position += 1 }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    mutating func peek() -> UInt8? { position < end ? bytes[position] : nil }

    /// Skips space; then takes `b` if it comes next.
    mutating func consume(_ b: UInt8) -> Bool {
        skipSpace()
        guard position < end, bytes[position] == b else { return false }
        position += 1
        return true
    }

    mutating func expect(_ b: UInt8) throws(SyntaxError) {
        skipSpace()
        guard position < end, bytes[position] == b else { throw SyntaxError() }
        position += 1
    }

    /// One top-level value.
    mutating func item() throws(SyntaxError) -> Item {
        skipSpace()
        if peek() == UInt8(ascii: "{") { return .object(try object()) }
        _ = try value(depth: 0)
        return .other
    }

    private mutating func object() throws(SyntaxError) -> Fields {
        var fields = Fields()
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return fields
        }
        while true {
            skipSpace()
            guard peek() == UInt8(ascii: "\"") else { throw SyntaxError() }
            let key = try string()
            try expect(UInt8(ascii: ":"))
            let v = try value(depth: 1)
            switch key {
            case "event_id": fields.eventID = v
            case "user_id": fields.userID = v
            case "track": fields.track = v
            case "artist": fields.artist = v
            case "album": fields.album = v
            case "ts": fields.ts = v
            default: break
            }
            skipSpace()
            guard let next = peek() else { throw SyntaxError() }
            position += 1
            if next == UInt8(ascii: "}") { return fields }
            guard next == UInt8(ascii: ",") else { throw SyntaxError() }
        }
    }

    private mutating func value(depth: Int) throws(SyntaxError) -> Value {
        guard depth < 64 else { throw SyntaxError() }
        skipSpace()
        guard let b = peek() else { throw SyntaxError() }
        switch b {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"):
            position += 1
            skipSpace()
            if peek() == UInt8(ascii: "}") {
                position += 1
                return .composite
            }
            while true {
                skipSpace()
                guard peek() == UInt8(ascii: "\"") else { throw SyntaxError() }
                _ = try string()
                try expect(UInt8(ascii: ":"))
                _ = try value(depth: depth + 1)
                skipSpace()
                guard let next = peek() else { throw SyntaxError() }
                position += 1
                if next == UInt8(ascii: "}") { return .composite }
                guard next == UInt8(ascii: ",") else { throw SyntaxError() }
            }
        case UInt8(ascii: "["):
            position += 1
            skipSpace()
            if peek() == UInt8(ascii: "]") {
                position += 1
                return .composite
            }
            while true {
                _ = try value(depth: depth + 1)
                skipSpace()
                guard let next = peek() else { throw SyntaxError() }
                position += 1
                if next == UInt8(ascii: "]") { return .composite }
                guard next == UInt8(ascii: ",") else { throw SyntaxError() }
            }
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default: return try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let n = word.utf8CodeUnitCount
        guard end - position >= n else { throw SyntaxError() }
        for k in 0..<n where bytes[position + k] != word.utf8Start[k] { throw SyntaxError() }
        position += n
    }

    private mutating func number() throws(SyntaxError) -> Value {
        let start = position
        var integer = true
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), first >= 0x30 && first <= 0x39 else { throw SyntaxError() }
        if first == 0x30 {
            position += 1
        } else {
            while let d = peek(), d >= 0x30 && d <= 0x39 { position += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            integer = false
            position += 1
            guard let d = peek(), d >= 0x30 && d <= 0x39 else { throw SyntaxError() }
            while let d = peek(), d >= 0x30 && d <= 0x39 { position += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            integer = false
            position += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
            guard let d = peek(), d >= 0x30 && d <= 0x39 else { throw SyntaxError() }
            while let d = peek(), d >= 0x30 && d <= 0x39 { position += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let double = Double(text) else { throw SyntaxError() }
        return .number(double, integer: integer ? Int64(text) : nil)
    }

    /// A string literal (the reader is on its opening quote): escapes decoded, UTF-8 validated.
    private mutating func string() throws(SyntaxError) -> String {
        position += 1
        let start = position
        // The common case: no escapes; and among those, plain ASCII needs no UTF-8 validation.
        var bits: UInt8 = 0
        while position < end {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                if bits < 0x80 { return String(decoding: raw, as: UTF8.self) }
                guard let s = String(validating: raw, as: UTF8.self) else { throw SyntaxError() }
                return s
            }
            bits |= b
            if b == UInt8(ascii: "\\") { break }
            guard b >= 0x20 else { throw SyntaxError() }
            position += 1
        }
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < end {
            let b = bytes[position]
            position += 1
            switch b {
            case UInt8(ascii: "\""):
                guard let s = String(validating: out, as: UTF8.self) else { throw SyntaxError() }
                return s
            case UInt8(ascii: "\\"):
                guard position < end else { throw SyntaxError() }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        // A surrogate pair: the low half must follow.
                        guard end - position >= 6, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            throw SyntaxError()
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw SyntaxError() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw SyntaxError()
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw SyntaxError() }
                    out.append(contentsOf: String(Character(u)).utf8)
                default: throw SyntaxError()
                }
            default:
                guard b >= 0x20 else { throw SyntaxError() }
                out.append(b)
            }
        }
        throw SyntaxError()
    }

    private mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard end - position >= 4 else { throw SyntaxError() }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            position += 1
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw SyntaxError()
            }
            v = v << 4 | d
        }
        return v
    }
}
