/// The two identifiers a recording carries across catalogues, checked and written one way, so a
/// file's tag and a play from any history compare as plain strings.
///
/// - **ISRC**: 12 characters, `CC` (two letters), `XXX` (three letters or digits), `YY` (two digits)
///   and `NNNNN` (five digits). Dashes and spaces people write between the parts are dropped and
///   letters upper-cased (`gb-aye-06-01498` is `GBAYE0601498`).
/// - **MusicBrainz recording id**: a UUID, `8-4-4-4-12` hexadecimal digits, lower-cased.
///
/// Anything else is no identifier (nil): callers drop it and count it, never fail on it.
public enum RecordingIdentifier {
    /// Longer text is not an identifier, whatever it holds (a hostile tag of kilobytes is not scanned).
    static let maxInputBytes = 64

    /// The ISRC in `text`, normalised, or nil when it is not one.
    public static func isrc(_ text: String?) -> String? {
        guard let text, text.utf8.count <= maxInputBytes else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(12)
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "-"), UInt8(ascii: " "): continue
            case UInt8(ascii: "a")...UInt8(ascii: "z"): out.append(c - 32)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): out.append(c)
            default: return nil
            }
            if out.count > 12 { return nil }
        }
        guard out.count == 12 else { return nil }
        func isLetter(_ c: UInt8) -> Bool { c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") }
        func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
        guard isLetter(out[0]), isLetter(out[1]), out[5...].allSatisfy(isDigit) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// The MusicBrainz recording id in `text` (surrounding spaces allowed), lower-cased, or nil when
    /// it is not a UUID.
    public static func mbid(_ text: String?) -> String? {
        guard let text, text.utf8.count <= maxInputBytes else { return nil }
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == UInt8(ascii: " ") { bytes.removeLast() }
        while let first = bytes.first, first == UInt8(ascii: " ") { bytes.removeFirst() }
        guard bytes.count == 36 else { return nil }
        for (i, c) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard c == UInt8(ascii: "-") else { return nil }
                continue
            }
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): break
            case UInt8(ascii: "A")...UInt8(ascii: "F"): bytes[i] = c + 32
            default: return nil
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
