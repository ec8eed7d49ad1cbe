import Foundation
import SegueStore
import SegueStorePostgres
import SegueTestSupport
import Testing

/// The music library's rules (content dedup, status, analysis with musicnn's vectors) on every backend.
@Suite struct LibraryStoreContractTests {
    func track(_ hash: String, path: String, artist: String? = nil, title: String? = nil, album: String? = nil, number: Int? = nil)
        -> LibraryTrack
    {
        LibraryTrack(path: path, contentHash: hash, artist: artist, title: title, album: album, trackNumber: number, durationSeconds: 12.5)
    }

    @Test(arguments: StoreBackend.allCases)
    func theSameContentIsOneTrack(backend: StoreBackend) throws {
        let store = try backend.makeLibraryStore()
        let (first, isNew) = try store.add(track("aa", path: "/m/a.flac", artist: "Ana", title: "Pulse", album: "Demo", number: 3))
        #expect(isNew && first.id > 0)
        let (again, againNew) = try store.add(track("aa", path: "/m/copy of a.flac"))
        #expect(!againNew && again.id == first.id && again.path == "/m/a.flac" && again.artist == "Ana")
        let stored = try #require(try store.track(id: first.id))
        #expect(stored == first)
        #expect(stored.trackNumber == 3 && stored.durationSeconds == 12.5 && stored.status == .queued && stored.embedding == nil)
        #expect(try store.track(id: first.id + 1000) == nil)
        #expect(try store.tracks().count == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func tracksComeInArtistAlbumNumberOrderWithUnknownsFirst(backend: StoreBackend) throws {
        let store = try backend.makeLibraryStore()
        let b2 = try store.add(track("1", path: "/b2", artist: "Bo", title: "Two", album: "X", number: 2)).track
        let b1 = try store.add(track("2", path: "/b1", artist: "Bo", title: "One", album: "X", number: 1)).track
        let untagged = try store.add(track("3", path: "/u")).track
        let a = try store.add(track("4", path: "/a", artist: "Ana", title: "Zed")).track
        let lower = try store.add(track("5", path: "/l", artist: "ana", title: "Low")).track
        // Byte order: every upper-case letter before any lower-case one.
        #expect(try store.tracks().map(\.id) == [untagged.id, a.id, b1.id, b2.id, lower.id])
    }

    @Test(arguments: StoreBackend.allCases)
    func statusAndAnalysisRoundTrip(backend: StoreBackend) throws {
        let store = try backend.makeLibraryStore()
        let t = try store.add(track("h", path: "/t.ogg", title: "Tone")).track
        try store.setStatus(id: t.id, .analyzing, error: nil)
        #expect(try store.track(id: t.id)?.status == .analyzing)
        try store.setStatus(id: t.id, .failed, error: "/t.ogg: no audio stream")
        let failed = try #require(try store.track(id: t.id))
        #expect(failed.status == .failed && failed.error == "/t.ogg: no audio stream")
        // musicnn's vectors come back bit for bit (200 and 50 floats, awkward values included).
        let embedding: [Float] = (0..<200).map { (i: Int) -> Float in
            let base = Float(i) * 0.013_7 - 1.1
            return base + Float(i % 7) * 1e-7
        }
        let tags: [Float] = (0..<50).map { (i: Int) -> Float in 1 / Float(i + 3) }
        try store.saveAnalysis(id: t.id, version: 4, json: "{\"v\":4}", embedding: embedding, tagScores: tags)
        let done = try #require(try store.track(id: t.id))
        #expect(done.status == .done && done.error == nil && done.analysisVersion == 4 && done.analysisJSON == "{\"v\":4}")
        #expect(done.embedding == embedding)
        #expect(done.tagScores == tags)
        // An analysis without musicnn clears the old vectors.
        try store.saveAnalysis(id: t.id, version: 5, json: "{\"v\":5}")
        let plain = try #require(try store.track(id: t.id))
        #expect(plain.analysisVersion == 5 && plain.embedding == nil && plain.tagScores == nil)
        // Embeddings of another size fit too (the descriptor vector, a future model).
        try store.saveAnalysis(id: t.id, version: 6, json: "{}", embedding: [0.5, -0.25, 3], tagScores: [])
        #expect(try store.track(id: t.id)?.embedding == [0.5, -0.25, 3])
    }
}

/// PostgreSQL keeps many libraries in one table: each store sees only its own.
@Suite(.enabled(if: TestPostgres.isEnabled)) struct PostgresLibraryScopeTests {
    @Test func librariesAreSeparateAndErasable() throws {
        let backend = try PostgresBackend(url: try TestPostgres.freshSchemaURL())
        let home = PostgresLibraryStore(backend: backend)
        let session = PostgresLibraryStore(backend: backend, library: "session/abc")
        let before = try session.revision()
        let mine = try session.add(LibraryTrack(path: "/s/a.flac", contentHash: "same")).track
        #expect(try session.revision() != before)
        // The same content in another library is another track.
        let theirs = try home.add(LibraryTrack(path: "/h/a.flac", contentHash: "same"))
        #expect(theirs.isNew && theirs.track.id != mine.id)
        #expect(try home.track(id: mine.id) == nil)
        try home.setStatus(id: mine.id, .failed, error: "not mine")
        #expect(try session.track(id: mine.id)?.status == .queued)
        let seen = try session.revision()
        try session.setStatus(id: mine.id, .done, error: nil)
        #expect(try session.revision() != seen)
        try session.deleteLibrary()
        #expect(try session.tracks().isEmpty)
        #expect(try home.tracks().count == 1)
        #expect(try backend.schemaVersion() == PostgresBackend.schemaVersion)
    }
}

/// Sessions and feedback on every backend.
@Suite struct WebStoreContractTests {
    @Test(arguments: StoreBackend.allCases)
    func sessionsAreFoundTouchedExpiredAndDeleted(backend: StoreBackend) throws {
        let store = try backend.makeWebStore()
        let a = WebSession(id: "a1", profileName: "web-a1", csrfToken: "t1", createdMillis: 1_000, lastSeenMillis: 1_000)
        let b = WebSession(id: "b2", profileName: "web-b2", csrfToken: "t2", createdMillis: 2_000, lastSeenMillis: 2_000)
        try store.insertSession(a)
        try store.insertSession(b)
        #expect(try store.session(id: "a1") == a)
        #expect(try store.session(id: "zz") == nil)
        #expect(throws: (any Error).self) { try store.insertSession(a) }
        try store.touchSession(id: "a1", millis: 5_000)
        #expect(try store.session(id: "a1")?.lastSeenMillis == 5_000)
        #expect(try store.sessions(idleBefore: 4_000).map(\.id) == ["b2"])
        #expect(try store.sessions(idleBefore: 1_000).isEmpty)
        try store.deleteSession(id: "b2")
        #expect(try store.session(id: "b2") == nil)
        #expect(try store.sessions(idleBefore: 10_000).map(\.id) == ["a1"])
    }

    @Test(arguments: StoreBackend.allCases)
    func feedbackComesBackNewestFirst(backend: StoreBackend) throws {
        let store = try backend.makeWebStore()
        let first = try store.addFeedback(message: "Lovely charts", rating: 5, contact: nil, millis: 10)
        let second = try store.addFeedback(message: "Upload failed: «x.zip»", rating: nil, contact: "me@example.org", millis: 20)
        let third = try store.addFeedback(message: "Same time", rating: 2, contact: nil, millis: 20)
        #expect(first != second && second != third)
        let all = try store.feedback(limit: 10)
        #expect(all.map(\.id) == [third, second, first])
        #expect(all[1] == FeedbackEntry(id: second, message: "Upload failed: «x.zip»", rating: nil, contact: "me@example.org", createdMillis: 20))
        #expect(all[2].rating == 5 && all[2].contact == nil)
        #expect(try store.feedback(limit: 1).map(\.id) == [third])
    }
}
