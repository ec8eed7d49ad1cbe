import Foundation
import Testing

@testable import SegueLive

/// The bulk-event body parser, on the edges of JSON that the API tests do not reach.
@Suite struct BulkEventsTests {
    let now: Int64 = 1_700_000_000_000

    func parse(_ text: String) throws(BulkEventBatch.Failure) -> [BulkEvent] {
        try BulkEventBatch.parse(Data(text.utf8), now: now)
    }

    @Test func escapesNumbersAndUnknownFields() throws {
        let events = try parse(
            #"""
            [{"user_id":"a\"b\\c\/d\u00e9\ud83c\udfb5\n","track":"T\t1","ts":1.7e9,"extra":{"nested":[1,{"x":null},true,false,-0.5e-3]},"artist":null},
             {"user_id":-42,"track":"Jóga","artist":"Björk","album":"Homogenic","event_id":7,"ts":1699999999999}]
            """#)
        #expect(events.count == 2)
        #expect(events[0].user == "a\"b\\c/dé🎵\n" && events[0].track == "T\t1" && events[0].artist == nil)
        #expect(events[0].timeMilliseconds == 1_700_000_000_000)
        #expect(
            events[1] == BulkEvent(eventID: "7", user: "-42", track: "Jóga", artist: "Björk", album: "Homogenic", timeMilliseconds: 1_699_999_999_999)
        )
        // Raw UTF-8 passes as it is; an empty array has no events.
        #expect(try parse(#"{"user_id":"ü","track":"夜に駆ける","ts":"2023-11-14T22:13:20.500+00:00"}"#).first?.timeMilliseconds == 1_700_000_000_500)
        #expect(throws: BulkEventBatch.Failure.invalid(index: nil, field: nil, message: "The body holds no events.")) { try parse("[ ]") }
    }

    @Test func malformedJSONIsRefused() {
        let bad = [
            #"{"user_id":"a","track":"t","ts":1700000000,}"#,  // trailing comma
            #"{"user_id":"a","track":"t","ts":01}"#,  // leading zero
            #"{"user_id":"a","track":"t","ts":1.}"#,
            #"{"user_id":"a\x","track":"t","ts":1700000000}"#,  // bad escape
            #"{"user_id":"\ud83c","track":"t","ts":1700000000}"#,  // lone surrogate
            "{\"user_id\":\"a\tb\",\"track\":\"t\",\"ts\":1700000000}",  // raw control character
            #"{"user_id":"a","track":"t","ts":1700000000} x"#,  // trailing text on the line
            #"{"user_id":"a","track":"t","ts":tru}"#,
            #"{"user_id":"a" "track":"t"}"#,
            String(repeating: "[", count: 100) + String(repeating: "]", count: 100),  // too deep (as a line)
        ]
        for text in bad {
            #expect(throws: BulkEventBatch.Failure.self, "\(text)") { try parse(text) }
            do {
                _ = try parse(text)
            } catch {
                if case .invalid(let index, let field, let message) = error {
                    // A body starting with [ is one JSON document (no index); otherwise line 1 is event 0.
                    #expect(index == (text.hasPrefix("[") ? nil : 0) && field == nil && message.contains("not valid JSON"), "\(text): \(message)")
                }
            }
        }
        // Invalid UTF-8 inside a string.
        var bytes = Array(#"{"user_id":"a","track":"x","ts":1700000000}"#.utf8)
        bytes[24] = 0xFF
        #expect(throws: BulkEventBatch.Failure.self) { try BulkEventBatch.parse(Data(bytes), now: now) }
    }

    @Test func numbersAsIdentifiersMustBeWholeAndSane() {
        #expect(throws: BulkEventBatch.Failure.invalid(index: 0, field: "user_id", message: "The field user_id must be a string or an integer.")) {
            try parse(#"{"user_id":1.5,"track":"t","ts":1700000000}"#)
        }
        #expect(throws: BulkEventBatch.Failure.invalid(index: 0, field: "user_id", message: "The field user_id must be a string or an integer.")) {
            try parse(#"{"user_id":123456789012345678901234,"track":"t","ts":1700000000}"#)
        }
        #expect(throws: BulkEventBatch.Failure.invalid(index: 0, field: "event_id", message: "The field event_id must be a string or an integer.")) {
            try parse(#"{"user_id":"u","event_id":{"a":1},"track":"t","ts":1700000000}"#)
        }
    }
}
