/// Escaping of user text for XML, SVG and HTML: the five special characters become entities, and
/// control characters that XML 1.0 forbids (all below U+0020 but tab, newline and carriage return)
/// are dropped, so a track name can never break a document.
public enum MarkupEscaping {
    /// - Parameter apostrophe: `&apos;` for XML and SVG; HTML pages use `&#39;`.
    public static func escape(_ text: String, apostrophe: String = "&apos;") -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += apostrophe
            default:
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
