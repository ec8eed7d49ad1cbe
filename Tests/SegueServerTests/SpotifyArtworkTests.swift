import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SegueArtwork
import SegueTestSupport
import Synchronization
import Testing

/// The artwork fetcher against a local stand-in that answers like the Spotify Web API (the public
/// internet is not reachable here): client credentials, batched tracks, search, 429 Retry-After.
@Suite struct SpotifyArtworkTests {
    final class Counters: Sendable {
        let tokens = Atomic<Int>(0)
        let trackCalls = Atomic<Int>(0)
        let waits = Mutex<[Double]>([])
    }

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]

    func standIn(_ counters: Counters) -> some ApplicationProtocol {
        let router = Router()
        router.post("api/token") { request, _ -> Response in
            let expected = "Basic " + Data("id:secret".utf8).base64EncodedString()
            guard request.headers[.authorization] == expected else { return Response(status: .unauthorized) }
            counters.tokens.add(1, ordering: .relaxed)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"access_token":"T","token_type":"Bearer","expires_in":3600}"#)))
        }
        router.get("v1/tracks") { request, context -> Response in
            guard request.headers[.authorization] == "Bearer T" else { return Response(status: .unauthorized) }
            // The first call is rate limited.
            if counters.trackCalls.add(1, ordering: .relaxed).newValue == 1 {
                return Response(status: .tooManyRequests, headers: [HTTPField.Name("Retry-After")!: "2"])
            }
            let ids = (request.uri.queryParameters.get("ids") ?? "").split(separator: ",")
            let port = request.head.authority ?? ""
            let items = ids.map { id in
                id == "unknown"
                    ? "null"
                    : #"{"id":"\#(id)","album":{"images":[{"url":"http://\#(port)/img/\#(id)","width":640},{"url":"http://\#(port)/img/\#(id)","width":300}]}}"#
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"tracks":[\#(items.joined(separator: ","))]}"#)))
        }
        router.get("v1/search") { request, _ -> Response in
            let q = request.uri.queryParameters.get("q") ?? ""
            let port = request.head.authority ?? ""
            let body =
                q == "Nobody"
                ? #"{"artists":{"items":[]}}"#
                : #"{"artists":{"items":[{"name":"\#(q)","images":[{"url":"http://\#(port)/img/artist","width":320}]}]}}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("img/:id") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: Self.png)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func fetchesCachesAndHonoursRetryAfter() async throws {
        let counters = Counters()
        let cache = try Fixtures.folder("artwork")
        try await standIn(counters).test(.live) { client in
            let base = URL(string: "http://127.0.0.1:\(client.port!)")!
            let fetcher = SpotifyArtworkFetcher(
                credentials: .init(clientID: "id", clientSecret: "secret"), cache: cache, apiBase: base, accountsBase: base,
                sleep: { seconds in counters.waits.withLock { $0.append(seconds) } })
            let wanted: [SpotifyArtworkFetcher.Wanted] = [
                .track(name: "Army of Me", uri: "spotify:track:abc"), .track(name: "Lost/Song", uri: "spotify:track:unknown"),
                .artist(name: "Björk"), .artist(name: "Nobody"),
            ]
            let saved = try await fetcher.fetch(wanted)
            #expect(saved == 2)
            #expect(counters.tokens.load(ordering: .relaxed) == 1)
            #expect(counters.waits.withLock { $0 } == [2])
            let files = try FileManager.default.contentsOfDirectory(atPath: cache.path).sorted()
            #expect(files == ["Army of Me.png", "Björk.png", "Lost_Song.none", "Nobody.none"])
            #expect(try Data(contentsOf: cache.appendingPathComponent("Army of Me.png")) == Data(Self.png))
            // Everything is cached: a second run asks nothing.
            let before = fetcher.requests
            #expect(try await fetcher.fetch(wanted) == 0)
            #expect(fetcher.requests == before)
            // Wrong credentials give a clear error.
            let wrong = SpotifyArtworkFetcher(
                credentials: .init(clientID: "id", clientSecret: "nope"), cache: try Fixtures.folder("artwork2"), apiBase: base,
                accountsBase: base)
            await #expect(throws: SpotifyArtworkFetcher.FetchError.self) { try await wrong.fetch([.artist(name: "X")]) }
        }
    }
}
