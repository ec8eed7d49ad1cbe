import Foundation
import SegueStore
import SegueStores
import SegueTestSupport
import Testing

/// `Stores`, the one place that opens the drivers: what each backend hands out.
@Suite struct StoresTests {
    @Test func theDataFolderHasNoSharedCapabilities() throws {
        let dir = try Fixtures.folder("stores")
        let stores = try Stores(dataDirectory: dir.path, database: nil)
        #expect(!stores.isShared && !stores.libraries.isShared)
        #expect(stores.location == dir.path)
        #expect(stores.changeFeed() == nil)
        let (_, feed) = try stores.liveListens(since: 0, now: { 0 }) { _ in }
        #expect(feed == nil)
        // Asking whether the library holds anything does not create its file; opening it does.
        let libraryFile = dir.appendingPathComponent("library.sqlite").path
        #expect(!stores.libraries.mayHoldTracks(folder: dir.path, name: LibraryName.home))
        #expect(!FileManager.default.fileExists(atPath: libraryFile))
        #expect(try stores.libraries.fingerprint(folder: dir.path, name: LibraryName.home).count == 2)
        #expect(FileManager.default.fileExists(atPath: libraryFile))
        #expect(stores.libraries.mayHoldTracks(folder: dir.path, name: LibraryName.home))
        let web = try stores.web()
        try web.jobs.enqueue(JobRecord(id: "j", owner: "o", kind: "k", parameters: "{}", createdMillis: 1))
        #expect(try stores.web().jobs.job(id: "j")?.owner == "o")
    }

    @Test func aDatabaseURLIsDescribedWithoutItsPassword() throws {
        let described = Stores.describe(dataDirectory: "/data", database: "postgres://ann:secret@db.example:5432/segue")
        #expect(!described.contains("secret") && described.contains("db.example"))
        #expect(Stores.describe(dataDirectory: "/data", database: nil) == "/data")
        #expect(throws: (any Error).self) { try Stores.checkDatabaseURL("mysql://db/segue") }
    }

    @Test(.enabled(if: TestPostgres.isEnabled)) func aSharedDatabaseHasTheCrossNodeCapabilities() throws {
        let dir = try Fixtures.folder("stores")
        let stores = try Stores(dataDirectory: dir.path, database: try TestPostgres.freshSchemaURL())
        #expect(stores.isShared && stores.libraries.isShared)
        #expect(!stores.location.contains(dir.path))
        #expect(stores.changeFeed() != nil)
        let (_, feed) = try stores.liveListens(since: 0, now: { 0 }) { _ in }
        #expect(feed != nil)
        #expect(stores.libraries.mayHoldTracks(folder: dir.path, name: LibraryName.home))
        #expect(try stores.libraries.fingerprint(folder: dir.path, name: "nobody") == ["0/0"])
        // Nothing in the folder: the libraries are in the database.
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("library.sqlite").path))
    }
}
