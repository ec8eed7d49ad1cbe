/// Text from outside (a tag, a feedback message, a title) made safe to print on a terminal.
///
/// Control characters would move the cursor, recolour or clear the screen, or set the window title
/// (ESC sequences), and newlines would forge extra lines of output; bidirectional overrides would make
/// the text read differently than it is. Each one is printed as a visible escape (`\n`, `\t`, `\e`, `\u{202E}`).
public enum TerminalText {
    /// `text` with every control character, DEL, C1 control and bidirectional override escaped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x1B: out += "\\e"
            case 0x5C: out += "\\\\"
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
