import Foundation
import SegueStore
import SegueTestSupport
import Testing

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
}
