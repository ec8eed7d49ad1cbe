import Foundation
import Testing

@testable import SegueLive

@Suite struct ListenBrainzSubmissionTests {
    let now: Int64 = 1_700_000_000

    func parse(_ json: String) throws(ListenBrainzSubmission.Invalid) -> ListenBrainzSubmission {
        try ListenBrainzSubmission(body: Data(json.utf8), now: now)
    }

    func message(_ json: String) -> String? {
        do {
            _ = try parse(json)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func acceptsWhatScrobblersSend() throws {
        let s = try parse(
            #"""
            {"listen_type": "single", "payload": [{"listened_at": 1699999000, "track_metadata": {
              "artist_name": "Björk", "track_name": "Jóga", "release_name": "Homogenic",
              "additional_info": {"duration_ms": 305000, "spotify_id": "https://open.spotify.com/track/x",
                "recording_mbid": "2f7b6f8e-3c39-4f8b-9f6b-1c2d3e4f5a6b", "artist_mbids": ["87c5dedd-371d-4a53-9f7f-80522fb7f3cb"],
                "tags": ["icelandic"], "submission_client": "Navidrome", "media_player": "mpv"}}}]}
            """#)
        #expect(s.listenType == .single)
        #expect(s.listens[0].listenedAt == 1_699_999_000)
        #expect(s.listens[0].artist == "Björk" && s.listens[0].track == "Jóga" && s.listens[0].release == "Homogenic")
        #expect(s.listens[0].durationMilliseconds == 305_000)
        #expect(s.listens[0].submissionClient == "Navidrome")
        #expect(s.listens[0].trackMetadataJSON.contains("\"media_player\":\"mpv\""))
        let now = try parse(
            #"{"listen_type":"playing_now","payload":[{"track_metadata":{"artist_name":"A","track_name":"T","additional_info":{"duration":200}}}]}"#)
        #expect(now.listens[0].listenedAt == nil && now.listens[0].durationMilliseconds == 200_000)
        let batch = (0..<1000).map { #"{"listened_at":\#(1_600_000_000 + $0),"track_metadata":{"artist_name":"A","track_name":"T\#($0)"}}"# }
        #expect(try parse(#"{"listen_type":"import","payload":[\#(batch.joined(separator: ","))]}"#).listens.count == 1000)
    }

    @Test func refusesWhatListenBrainzRefuses() {
        let one = #"{"listened_at":1699999000,"track_metadata":{"artist_name":"A","track_name":"T"}}"#
        #expect(message("not json") == "Cannot parse JSON document.")
        #expect(message("[1]") == "Invalid JSON document submitted.")
        #expect(message(#"{"payload":[\#(one)]}"#)?.contains("listen_type") == true)
        #expect(message(#"{"listen_type":"loved","payload":[\#(one)]}"#)?.contains("must be one of") == true)
        #expect(message(#"{"listen_type":"single","payload":[]}"#)?.contains("does not contain any listens") == true)
        #expect(message(#"{"listen_type":"single","payload":[\#(one),\#(one)]}"#)?.contains("exactly one listen") == true)
        let tooMany = Array(repeating: one, count: 1001).joined(separator: ",")
        #expect(message(#"{"listen_type":"import","payload":[\#(tooMany)]}"#)?.contains("Too many listens") == true)
        #expect(
            message(#"{"listen_type":"single","payload":[{"listened_at":1000000000,"track_metadata":{"artist_name":"A","track_name":"T"}}]}"#)?
                .contains("before 2002-10-01") == true)
        #expect(
            message(#"{"listen_type":"single","payload":[{"listened_at":1700003601,"track_metadata":{"artist_name":"A","track_name":"T"}}]}"#)?
                .contains("future") == true)
        #expect(
            message(#"{"listen_type":"single","payload":[{"listened_at":1700003600,"track_metadata":{"artist_name":"A","track_name":"T"}}]}"#) == nil)
        #expect(
            message(#"{"listen_type":"single","payload":[{"listened_at":true,"track_metadata":{"artist_name":"A","track_name":"T"}}]}"#)?.contains(
                "integer") == true)
        #expect(
            message(#"{"listen_type":"single","payload":[{"listened_at":"1699999000","track_metadata":{"artist_name":"A","track_name":"T"}}]}"#)?
                .contains("integer") == true)
        #expect(
            message(#"{"listen_type":"single","payload":[{"track_metadata":{"artist_name":"A","track_name":"T"}}]}"#)?.contains("listened_at") == true
        )
        #expect(message(#"{"listen_type":"playing_now","payload":[\#(one)]}"#)?.contains("must not have listened_at") == true)
        #expect(
            message(#"{"listen_type":"single","payload":[{"listened_at":1699999000,"track_metadata":{"artist_name":"  ","track_name":"T"}}]}"#)?
                .contains("artist_name must not be empty") == true)
        #expect(
            message(#"{"listen_type":"single","payload":[{"listened_at":1699999000,"track_metadata":{"artist_name":"A\u0000","track_name":"T"}}]}"#)?
                .contains("NUL") == true)
        #expect(
            message(
                #"{"listen_type":"single","payload":[{"listened_at":1699999000,"track_metadata":{"artist_name":"A","track_name":"T","additional_info":{"recording_mbid":"nope"}}}]}"#
            )?.contains("MBID") == true)
        let tags = (0..<51).map { "\"t\($0)\"" }.joined(separator: ",")
        #expect(
            message(
                #"{"listen_type":"single","payload":[{"listened_at":1699999000,"track_metadata":{"artist_name":"A","track_name":"T","additional_info":{"tags":[\#(tags)]}}}]}"#
            )?.contains("tags") == true)
        let big = String(repeating: "x", count: 11_000)
        #expect(
            message(#"{"listen_type":"single","payload":[{"listened_at":1699999000,"track_metadata":{"artist_name":"A","track_name":"\#(big)"}}]}"#)?
                .contains("larger than 10240 bytes") == true)
    }
}
