import Foundation

/// The form of a name under which spellings of one artist or title meet: Unicode NFKC,
/// case-folded, runs of white space collapsed to one space, trimmed. "Beyoncé", "BEYONCE\u{301}"
/// and " beyoncé " are one key; "Beyonce" (no accent) is another.
public enum NameKey {
    /// `text` in its normalised form.
    public static func normalized(_ text: String) -> String {
        // Fast path: printable ASCII without upper case or doubled spaces is its own key.
        var plain = true
        var previousSpace = true
        for b in text.utf8 {
            if b >= 0x80 || (b >= 0x41 && b <= 0x5A) || b < 0x20 || (b == 0x20 && previousSpace) {
                plain = false
                break
            }
            previousSpace = b == 0x20
        }
        if plain && !previousSpace { return text }
        let folded = text.precomposedStringWithCompatibilityMapping.folding(options: [.caseInsensitive], locale: nil)
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(" ")
                pendingSpace = false
            }
            out.append(scalar)
        }
        return String(out)
    }

    /// The key of a track: its artist's and title's normalised forms.
    public static func track(artist: String, title: String) -> String {
        normalized(artist) + "\u{1F}" + normalized(title)
    }
}
