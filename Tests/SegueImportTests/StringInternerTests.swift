import Testing

@testable import SegueImport

@Suite struct StringInternerTests {
    @Test func repeatsGetTheSameIdAndTheSameString() {
        let t = StringInterner(capacity: 4)
        let a = t.intern("spotify:track:4uLU6hMCjMI75M1A2tKUQC")
        let b = t.intern("Mötley <Brass> Band")
        let c = t.intern("夜の図書館")
        #expect(Set([a, b, c]).count == 3)
        #expect(t.intern("spotify:track:4uLU6hMCjMI75M1A2tKUQC") == a)
        #expect(t.intern("夜の図書館") == c)
        #expect(t[b] == "Mötley <Brass> Band" && t[c] == "夜の図書館")
        #expect(t.count == 3)
    }

    @Test func emptyIsNoValue() {
        let t = StringInterner()
        #expect(t.intern("") == StringInterner.none)
        #expect(t.count == 0)
    }

    @Test func growsPastItsCapacityWithoutLosingAnything() {
        let t = StringInterner(capacity: 8)
        // Strings sharing long prefixes and lengths around the 8-byte word size.
        let strings = (0..<20_000).map { "artist \($0 % 7) track \($0)" } + (1...40).map { String(repeating: "x", count: $0) }
        let ids = strings.map { t.intern($0) }
        #expect(Set(ids).count == strings.count)
        for (s, id) in zip(strings, ids) {
            #expect(t.intern(s) == id)
        }
        #expect(zip(strings, ids).allSatisfy { t[$1] == $0 })
    }

    @Test func invalidUTF8IsRepairedOnce() {
        let t = StringInterner()
        let bytes: [UInt8] = [0x41, 0xFF, 0x42]
        let id = bytes.withUnsafeBufferPointer { t.intern($0) }
        #expect(t[id] == "A\u{FFFD}B")
        #expect(bytes.withUnsafeBufferPointer { t.intern($0) } == id)
        // Distinct bytes, even when they repair to the same text, stay distinct ids.
        #expect([UInt8]([0x41, 0xFE, 0x42]).withUnsafeBufferPointer { t.intern($0) } != id)
    }
}
