import Foundation
import SegueTestSupport
import Testing
import ZIPFoundation

@testable import SegueImport

@Suite struct ImportSourceTests {
    @Test func recognisesFilesByName() {
        typealias S = HistorySource
        #expect(S.classify(name: "Spotify Extended Streaming History/Streaming_History_Audio_2013-2015_0.json") == .history)
        #expect(S.classify(name: "MyData/endsong_3.json") == .history)
        #expect(S.classify(name: "Streaming_History_Video_2019.json") == .video)
        #expect(S.classify(name: "Spotify Account Data/StreamingHistory_music_0.json") == .history)
        #expect(S.classify(name: "MyData/StreamingHistory1.json") == .history)
        #expect(S.classify(name: "StreamingHistory_podcast_0.json") == .history)
        #expect(S.classify(name: "Userdata.json") == .candidate)
        #expect(S.classify(name: "ReadMeFirst_ExtendedStreamingHistory.pdf") == .other)
    }

    @Test func unsafeEntryPaths() {
        for bad in ["/etc/passwd", "../evil.json", "MyData/../../x.json", "C:\\x.json", "a\\..\\b.json", "\\root.json"] {
            #expect(HistorySource.isUnsafe(entryPath: bad), "\(bad)")
        }
        for good in ["MyData/endsong_0.json", "Spotify Extended Streaming History/a..b.json", "x/...json"] {
            #expect(!HistorySource.isUnsafe(entryPath: good), "\(good)")
        }
    }

    @Test func sniffsZipJSONAndOther() throws {
        let dir = try Fixtures.folder()
        let json = try Fixtures.write(Data("\u{FEFF}  [{}]".utf8), to: dir, "a.json")
        let text = try Fixtures.write(Data("hello".utf8), to: dir, "a.txt")
        let zip = dir.appendingPathComponent("a.zip")
        try Fixtures.zip([("x.json", Data("[]".utf8))], at: zip)
        #expect(try HistorySource.sniffKind(json.path) == .json)
        #expect(try HistorySource.sniffKind(text.path) == .other)
        #expect(try HistorySource.sniffKind(zip.path) == .zip)
    }
}
