import Foundation
import SegueStore
import SegueTestSupport
import Testing

@testable import SegueStoreSQLite

/// Each profile's Settings on every backend: saved, replaced, kept apart, forgotten; and an older web
/// database keeps its sessions when it gains the table.
@Suite struct ProfilePreferenceStoreContractTests {
    @Test(arguments: StoreBackend.allCases)
    func saveReplaceKeepApartForget(backend: StoreBackend) throws {
        let store = try backend.makeWebStore()
        #expect(try store.preferences(profile: "alice") == nil)
        var alice = ProfilePreferences.defaults
        alice.timeZone = "America/Los_Angeles"
        try store.savePreferences(alice, profile: "alice", millis: 10)
        #expect(try store.preferences(profile: "alice") == alice)
        #expect(try store.preferences(profile: "bob") == nil)

        // Replacing keeps one row; a nil time zone stays nil.
        let changed = ProfilePreferences(timeZone: "Asia/Kolkata", theme: "dark", firstWeekday: 1, metric: "minutes", range: "last-year")
        try store.savePreferences(changed, profile: "alice", millis: 20)
        try store.savePreferences(.defaults, profile: "bob", millis: 30)
        #expect(try store.preferences(profile: "alice") == changed)
        #expect(try store.preferences(profile: "bob") == .defaults)
        #expect(try store.preferences(profile: "bob")?.timeZone == nil)

        try store.deletePreferences(profile: "alice")
        #expect(try store.preferences(profile: "alice") == nil)
        #expect(try store.preferences(profile: "bob") == .defaults)
    }

    /// A web database made before the table (version 4) keeps its sessions and gains preferences.
    @Test func migrationKeepsSessions() throws {
        let path = try Fixtures.folder("web-v4").appendingPathComponent("segue-web.sqlite").path
        do {
            let db = try SQLiteConnection(path: path)
            try db.migrate(Array(WebMigrations.steps.prefix(4)))
            try db.execute(
                "INSERT INTO web_session(id, profile_name, csrf_token, created_ms, last_seen_ms) VALUES ('s1', 'p1', 'c1', 1, 2)")
        }
        let store = try SQLiteWebStore(path: path)
        #expect(try store.session(id: "s1")?.profileName == "p1")
        try store.savePreferences(.defaults, profile: "p1", millis: 3)
        #expect(try store.preferences(profile: "p1") == .defaults)
    }
}
