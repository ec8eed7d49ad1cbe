import SegueModel
import Testing

/// Tags, titles and feedback printed on a terminal: no escape sequence, newline or bidi override gets through.
@Suite struct TerminalTextTests {
    @Test func controlCharactersAreShownNotSent() {
        #expect(TerminalText.escape("Björk – Jóga ★") == "Björk – Jóga ★")
        #expect(TerminalText.escape("a\nb\tc\r") == "a\\nb\\tc\\r")
        #expect(TerminalText.escape("\u{1B}[2J\u{1B}]0;title\u{07}") == "\\e[2J\\e]0;title\\u{7}")
        #expect(TerminalText.escape("x\u{7F}\u{9B}31m") == "x\\u{7F}\\u{9B}31m")
        #expect(TerminalText.escape("evil\u{202E}3pm.exe") == "evil\\u{202E}3pm.exe")
        #expect(TerminalText.escape("C:\\music") == "C:\\\\music")
        // Whatever goes in, nothing below U+0020 comes out.
        let all = String(String.UnicodeScalarView((0..<0x100).compactMap(Unicode.Scalar.init)))
        #expect(TerminalText.escape(all).unicodeScalars.allSatisfy { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) })
    }
}
