import Foundation
import SegueAudio
import SegueBenchSupport
import Testing

@Suite struct PerEventCommitBaselineTests {
    @Test func refreshCountsTheWindowAndNamesTheTopTrack() throws {
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("segue-bench-baseline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let table = try PerEventCommitBaseline(path: (dir as NSString).appendingPathComponent("baseline.sqlite"))
        try table.insert(user: "old", track: "Gone", artist: "X", time: 500)
        try table.insert(user: "ann", track: "Hey", artist: "A", time: 1_000)
        try table.insert(user: "bob", track: "Hey", artist: "A", time: 1_001)
        // Quotes and non-ASCII go through the binding, not the SQL.
        try table.insert(user: "ann", track: "It's Ça", artist: "B", time: 1_002)
        let refresh = try table.refresh(since: 1_000)
        #expect(refresh.streams == 3)
        #expect(refresh.activeUsers == 2)
        #expect(refresh.topTrack == "Hey")
        let empty = try table.refresh(since: 2_000)
        #expect(empty.streams == 0 && empty.activeUsers == 0 && empty.topTrack == nil)
    }

    @Test func aFolderThatIsNotThereIsAnError() {
        #expect(throws: PerEventCommitBaseline.Failure.self) {
            _ = try PerEventCommitBaseline(path: "/nonexistent-\(UUID().uuidString)/baseline.sqlite")
        }
    }
}

@Suite struct KeyRelationTests {
    @Test func namesTheNeighbourKeys() {
        let cMajor = (tonic: 0, mode: KeyDescriptor.Mode.major)
        #expect(KeyRelation(truth: cMajor, found: (0, .major)) == .exact)
        #expect(KeyRelation(truth: cMajor, found: (7, .major)) == .dominant)
        #expect(KeyRelation(truth: cMajor, found: (5, .major)) == .subdominant)
        #expect(KeyRelation(truth: cMajor, found: (9, .minor)) == .relative)
        #expect(KeyRelation(truth: cMajor, found: (0, .minor)) == .parallel)
        #expect(KeyRelation(truth: cMajor, found: (2, .major)) == .other)
        // From the minor side: A minor's relative is C major, its dominant E minor.
        #expect(KeyRelation(truth: (9, .minor), found: (0, .major)) == .relative)
        #expect(KeyRelation(truth: (9, .minor), found: (4, .minor)) == .dominant)
    }
}
