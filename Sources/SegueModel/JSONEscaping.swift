import Foundation

/// JSON string literals written by hand (exports and generated traffic build their JSON as text, a
/// line at a time): quotes, backslashes and control characters escaped, and U+2028/U+2029 too, so a
/// line holds one value however a reader splits lines.
public enum JSONEscaping {
    /// Appends `text` as a JSON string literal, quotes included.
    public static func append(_ text: some StringProtocol, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// `text` as a JSON string literal, quotes included.
    public static func literal(_ text: some StringProtocol) -> String {
        var out = ""
        append(text, to: &out)
        return out
    }
}
