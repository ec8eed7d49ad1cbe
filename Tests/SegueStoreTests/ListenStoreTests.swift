import Foundation
import SegueStore
import SegueStoreSQLite
import SegueTestSupport
import Testing

@Suite struct ListenStoreTests {
    func store() throws -> SQLiteListenStore {
        try SQLiteListenStore(path: try Fixtures.folder("listens").appendingPathComponent("listens.sqlite").path)
    }

    func listen(_ user: ListenUser, _ at: Int64, _ track: String) -> StoredListen {
        StoredListen(userID: user.id, listenedAt: at, artist: "A", track: track, insertedAt: 0, metadataJSON: #"{"track_name":"\#(track)"}"#)
    }

    @Test func usersHaveUniqueNamesAndUnguessableTokens() throws {
        let s = try store()
        let ana = try s.createUser(named: "ana")
        let ben = try s.createUser(named: "ben")
        #expect(ana.token.count == 32 && ana.token != ben.token)
        #expect(try s.user(token: ana.token) == ana)
        #expect(try s.user(named: "ben") == ben)
        #expect(try s.user(token: "nope") == nil)
        #expect(throws: (any Error).self) { _ = try s.createUser(named: "ana") }
    }

    @Test func duplicatesAreStoredOnceAndReadsAreNewestFirst() async throws {
        let s = try store()
        let ana = try s.createUser(named: "ana")
        let ben = try s.createUser(named: "ben")
        #expect(try await s.append([listen(ana, 100, "x"), listen(ana, 200, "y"), listen(ana, 100, "x")]) == 2)
        #expect(try await s.append([listen(ana, 100, "x"), listen(ana, 100, "z"), listen(ben, 100, "x")]) == 2)
        #expect(try s.listenCount(userID: ana.id) == 3)
        #expect(try s.listens(userID: ana.id, minTs: nil, maxTs: nil, count: 10).map(\.listenedAt) == [200, 100, 100])
        #expect(try s.listens(userID: ana.id, minTs: 100, maxTs: nil, count: 10).map(\.track) == ["y"])
        #expect(try s.listens(userID: ana.id, minTs: nil, maxTs: 200, count: 1).count == 1)
        #expect(try s.listens(userID: ben.id, minTs: nil, maxTs: nil, count: 10).map(\.track) == ["x"])
    }

    @Test func concurrentAppendsAreAllDurable() async throws {
        let s = try store()
        let ana = try s.createUser(named: "ana")
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for request in 0..<50 {
                group.addTask { try await s.append((0..<20).map { self.listen(ana, Int64(request * 100 + $0), "t") }) }
            }
            return try await group.reduce(0, +)
        }
        #expect(counts == 1000)
        #expect(try s.listenCount(userID: ana.id) == 1000)
        s.close()
    }
}
