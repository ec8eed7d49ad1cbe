import Foundation
import SegueStore
import SegueTestSupport
import Testing

@testable import SegueStorePostgres
@testable import SegueStoreSQLite

/// Saved playlists on every backend: order kept, owners apart, rename and delete only one's own.
@Suite struct SavedPlaylistStoreContractTests {
    @Test(arguments: StoreBackend.allCases)
    func saveListRenameDeleteKeepOwnersApart(backend: StoreBackend) throws {
        let store = try backend.makeSavedPlaylistStore()
        let a = try store.savePlaylist(owner: "alice", name: "Morning", mode: "radio", trackIDs: [3, 1, 2], millis: 10)
        let b = try store.savePlaylist(owner: "alice", name: "Évening – ☾", mode: "path", trackIDs: [7, 5], millis: 20)
        let c = try store.savePlaylist(owner: "bob", name: "Bob's", mode: "order", trackIDs: [1], millis: 30)
        #expect(a.id != b.id && b.id != c.id)
        // Most recently changed first; order of tracks as given, not sorted.
        #expect(try store.savedPlaylists(owner: "alice").map(\.name) == ["Évening – ☾", "Morning"])
        #expect(try store.savedPlaylist(id: a.id, owner: "alice") == a)
        #expect(try store.savedPlaylist(id: a.id, owner: "alice")?.trackIDs == [3, 1, 2])
        // Someone else's id is as good as missing.
        #expect(try store.savedPlaylist(id: c.id, owner: "alice") == nil)
        #expect(try store.renamePlaylist(id: c.id, owner: "alice", name: "stolen", millis: 40) == nil)
        #expect(try store.deletePlaylist(id: c.id, owner: "alice") == false)
        #expect(try store.savedPlaylist(id: c.id, owner: "bob")?.name == "Bob's")

        let renamed = try #require(try store.renamePlaylist(id: a.id, owner: "alice", name: "Sunrise", millis: 50))
        #expect(renamed.name == "Sunrise" && renamed.updatedMillis == 50 && renamed.createdMillis == 10 && renamed.trackIDs == [3, 1, 2])
        #expect(try store.savedPlaylists(owner: "alice").map(\.name) == ["Sunrise", "Évening – ☾"])

        #expect(try store.deletePlaylist(id: b.id, owner: "alice"))
        #expect(try store.deletePlaylist(id: b.id, owner: "alice") == false)
        #expect(try store.savedPlaylists(owner: "alice").map(\.id) == [a.id])
        try store.deletePlaylists(owner: "alice")
        #expect(try store.savedPlaylists(owner: "alice").isEmpty)
        #expect(try store.savedPlaylists(owner: "bob").map(\.id) == [c.id])
    }

    static func radioRecipe() -> PlaylistRecipe {
        var r = PlaylistRecipe(kind: .historyRadio)
        r.seeds = [4]
        r.historyPeriod = "2024-05"
        r.length = 12
        r.arc = "rising"
        r.preferUnplayed = true
        r.rules.artistSpacing = 2
        r.rules.maxPerAlbum = 1
        r.rules.excludedTags = ["metal"]
        r.rules.minBPM = 90
        r.rules.durationSeconds = 3_600
        return r
    }

    /// Kept current: the recipe, target and daily flag as saved; the rebuilt order replaces the
    /// tracks; a push records its time and what was missing, a failure its sentence without losing
    /// the last good push; only marked playlists with a recipe and a target are refreshed.
    @Test(arguments: StoreBackend.allCases)
    func recipesTargetsAndPushesAreKept(backend: StoreBackend) throws {
        let store = try backend.makeSavedPlaylistStore()
        let recipe = Self.radioRecipe()
        let daily = try store.savePlaylist(
            owner: "me", name: "Daily", mode: "radio", trackIDs: [4, 2, 9], recipe: recipe, pushTarget: "home", refreshDaily: true, millis: 10)
        #expect(daily.refreshDaily && daily.pushTarget == "home" && daily.lastPushedMillis == nil && daily.lastMissing.isEmpty)
        let read = try #require(try store.savedPlaylist(id: daily.id, owner: "me"))
        #expect(read == daily)
        #expect(try read.recipe() == recipe)
        // Without a target, without a recipe, or not marked: never refreshed.
        let noTarget = try store.savePlaylist(
            owner: "me", name: "Nowhere", mode: "radio", trackIDs: [1], recipe: recipe, pushTarget: nil, refreshDaily: true, millis: 11)
        _ = try store.savePlaylist(
            owner: "me", name: "Plain", mode: "order", trackIDs: [1, 2], recipe: nil, pushTarget: "home", refreshDaily: true, millis: 12)
        let other = try store.savePlaylist(
            owner: "you", name: "Yours", mode: "path", trackIDs: [7, 8], recipe: PlaylistRecipe(kind: .path), pushTarget: "folder:/srv/pl",
            refreshDaily: false, millis: 13)
        #expect(try store.playlistsToRefresh().map(\.id) == [daily.id])
        #expect(try store.setRefreshDaily(id: other.id, owner: "me", true, millis: 14) == nil)
        let marked = try #require(try store.setRefreshDaily(id: other.id, owner: "you", true, millis: 14))
        #expect(marked.refreshDaily && marked.updatedMillis == 14)
        #expect(try store.playlistsToRefresh().map(\.id) == [daily.id, other.id])
        #expect(try store.playlistsToRefresh().map(\.owner) == ["me", "you"])
        #expect(noTarget.pushTarget == nil)

        let rebuilt = try #require(try store.replaceTracks(id: daily.id, owner: "me", trackIDs: [9, 4, 5, 1], millis: 20))
        #expect(rebuilt.trackIDs == [9, 4, 5, 1] && rebuilt.updatedMillis == 20 && rebuilt.recipeJSON == daily.recipeJSON)
        #expect(try store.replaceTracks(id: daily.id, owner: "you", trackIDs: [1], millis: 21) == nil)

        let sent = try #require(
            try store.recordPush(id: daily.id, owner: "me", .sent(target: "home", missing: ["Nobody – “Not Here”", "Ann; Bo – X"]), millis: 30))
        #expect(sent.lastPushedMillis == 30 && sent.lastMissing == ["Nobody – “Not Here”", "Ann; Bo – X"] && sent.lastError == nil)
        let failed = try #require(
            try store.recordPush(
                id: daily.id, owner: "me", .failed(target: "home", message: "The Subsonic server at http://x did not answer: refused."), millis: 40))
        #expect(failed.lastPushedMillis == 30 && failed.lastMissing.count == 2)
        #expect(failed.lastError == "The Subsonic server at http://x did not answer: refused." && failed.lastErrorMillis == 40)
        let again = try #require(try store.recordPush(id: daily.id, owner: "me", .sent(target: "home", missing: []), millis: 50))
        #expect(again.lastPushedMillis == 50 && again.lastMissing.isEmpty && again.lastError == nil && again.lastErrorMillis == nil)
        #expect(try store.recordPush(id: daily.id, owner: "you", .sent(target: "home", missing: []), millis: 60) == nil)
        // The first push of a playlist saved without a target gives it one.
        #expect(try store.recordPush(id: noTarget.id, owner: "me", .sent(target: "car", missing: []), millis: 70)?.pushTarget == "car")
        #expect(try store.savedPlaylist(id: daily.id, owner: "me") == again)
    }

    /// A recipe that is not one (a hand-edited row, a newer Segue's) says so; it is not guessed at.
    @Test func unreadableRecipesAreReported() throws {
        #expect(throws: RecipeReadError(reason: "it is not JSON")) { try PlaylistRecipe.read(json: "{") }
        #expect(throws: RecipeReadError(reason: "its field 'kind' has a value this version of Segue does not know")) {
            try PlaylistRecipe.read(json: #"{"version":1,"kind":"shuffle"}"#)
        }
        #expect(throws: RecipeReadError(reason: "its field 'version' is missing")) { try PlaylistRecipe.read(json: #"{"kind":"radio"}"#) }
        #expect(throws: RecipeReadError(reason: "its field 'seeds' has the wrong type")) {
            try PlaylistRecipe.read(json: #"{"version":1,"kind":"radio","seeds":"all"}"#)
        }
        var newer = Self.radioRecipe()
        newer.version = PlaylistRecipe.currentVersion + 1
        #expect(throws: RecipeReadError(reason: "it was written by a newer Segue (recipe version 2)")) { try PlaylistRecipe.read(json: newer.json) }
        #expect(try PlaylistRecipe.read(json: Self.radioRecipe().json) == Self.radioRecipe())
        #expect(try PlaylistRecipe.read(json: #"{"version":1,"kind":"path","from":1,"to":2}"#).rules == PlaylistRecipe.Rules())
    }

    /// A web store written before recipes (schema step 3) opens with every saved playlist kept.
    @Test func anSQLiteFileFromBeforeRecipesKeepsItsPlaylists() throws {
        let path = try Fixtures.folder("old-web").appendingPathComponent("segue-web.sqlite").path
        do {
            let db = try SQLiteConnection(path: path)
            try db.migrate(Array(WebMigrations.steps.prefix(3)))
            try db.execute(
                """
                INSERT INTO saved_playlist(id, owner, name, mode, track_ids, created_ms, updated_ms)
                    VALUES (7, 'me', 'Old radio', 'radio', '3,1,2', 100, 200), (9, 'web-x', 'Path', 'path', '5,6', 300, 400);
                """)
        }
        let store = try SQLiteWebStore(path: path)
        let kept = try store.savedPlaylists(owner: "me")
        #expect(
            kept == [
                SavedPlaylist(id: 7, owner: "me", name: "Old radio", mode: "radio", trackIDs: [3, 1, 2], createdMillis: 100, updatedMillis: 200)
            ])
        #expect(try store.savedPlaylist(id: 9, owner: "web-x")?.trackIDs == [5, 6])
        #expect(try kept[0].recipe() == nil && store.playlistsToRefresh().isEmpty)
        #expect(try SQLiteConnection(path: path).scalar("PRAGMA user_version") == Int64(WebMigrations.steps.count))
        // And it takes the new fields.
        #expect(try store.recordPush(id: 7, owner: "me", .sent(target: "home", missing: ["A – B"]), millis: 500)?.lastMissing == ["A – B"])
    }

    /// The same on PostgreSQL: a database at schema version 11 (before recipes) with saved
    /// playlists migrates with its rows.
    @Test(.enabled(if: TestPostgres.isEnabled)) func aPostgresDatabaseFromBeforeRecipesKeepsItsPlaylists() throws {
        let url = try TestPostgres.freshSchemaURL()
        let backend = try PostgresBackend(url: url)
        // Back to version 11: step 12's columns and index gone.
        try backend.withConnection { db in
            try db.execute("DROP INDEX saved_playlist_refresh")
            try db.execute(
                """
                ALTER TABLE saved_playlist DROP COLUMN recipe, DROP COLUMN push_target, DROP COLUMN refresh_daily, DROP COLUMN last_pushed_ms,
                    DROP COLUMN last_missing, DROP COLUMN last_error, DROP COLUMN last_error_ms
                """)
            try db.execute("UPDATE segue_schema_version SET version = 11")
            try db.execute(
                """
                INSERT INTO saved_playlist(id, owner, name, mode, track_ids, created_ms, updated_ms)
                    VALUES (7, 'me', 'Old radio', 'radio', '3,1,2', 100, 200), (9, 'web-x', 'Path', 'path', '5,6', 300, 400)
                """)
        }
        #expect(try backend.schemaVersion() == 11)
        try PostgresMigrations.migrate(backend)
        #expect(try backend.schemaVersion() == PostgresBackend.schemaVersion)
        let store = PostgresSavedPlaylistStore(backend: backend)
        let kept = try store.savedPlaylists(owner: "me")
        #expect(
            kept == [
                SavedPlaylist(id: 7, owner: "me", name: "Old radio", mode: "radio", trackIDs: [3, 1, 2], createdMillis: 100, updatedMillis: 200)
            ])
        #expect(try store.savedPlaylist(id: 9, owner: "web-x")?.trackIDs == [5, 6])
        #expect(try store.playlistsToRefresh().isEmpty)
        #expect(try store.recordPush(id: 7, owner: "me", .sent(target: "home", missing: ["A – B"]), millis: 500)?.lastMissing == ["A – B"])
        // A new playlist after the explicit ids takes a fresh one.
        let next = try store.savePlaylist(owner: "me", name: "New", mode: "order", trackIDs: [1], millis: 600)
        #expect(next.id != 7 && next.id != 9)
    }
}
