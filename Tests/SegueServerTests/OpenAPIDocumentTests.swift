import Foundation
import HummingbirdTesting
import NIOCore
import Testing
import HTTPTypes
import NIOFoundationEssentialsCompat

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    @Test("is served as JSON, says 3.1 and documents every API route")
    func documentsRoutes() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let routes: [(String, String)] = [
                ("/api/v1/session", "get"), ("/api/v1/session", "delete"), ("/api/v1/uploads", "post"),
                ("/api/v1/imports", "post"), ("/api/v1/top", "get"), ("/api/v1/stats", "get"), ("/api/v1/recap", "get"), ("/api/v1/recap/cards", "get"), ("/api/v1/recap/video", "post"), ("/api/v1/recap/shares", "get"), ("/api/v1/recap/shares", "post"), ("/api/v1/recap/shares/{id}", "delete"), ("/api/v1/history", "get"), ("/api/v1/race", "get"),
                ("/api/v1/renders", "post"), ("/api/v1/jobs", "get"), ("/api/v1/jobs/{id}", "get"),
                ("/api/v1/jobs/{id}", "delete"), ("/api/v1/jobs/{id}/events", "get"),
                ("/api/v1/jobs/{id}/files/{format}", "get"), ("/api/v1/feedback", "post"), ("/api/v1/openapi.json", "get"),
                ("/api/v1/events", "post"), ("/api/v1/live", "get"), ("/api/v1/live/stream", "get"), ("/api/v1/live/mine", "get"),
                ("/api/v1/library/uploads", "post"), ("/api/v1/library/analyses", "post"), ("/api/v1/library/demo", "post"),
                ("/api/v1/library/tracks", "get"), ("/api/v1/library/tracks/{id}", "get"), ("/api/v1/library/events", "get"),
                ("/api/v1/playlists", "post"), ("/api/v1/playlists/export", "get"),
                ("/api/v1/library/search", "get"), ("/api/v1/library/tracks/{id}/audio", "get"),
                ("/api/v1/playlists/saved", "get"), ("/api/v1/playlists/saved", "post"), ("/api/v1/playlists/saved/{id}", "get"),
                ("/api/v1/playlists/saved/{id}", "patch"), ("/api/v1/playlists/saved/{id}", "delete"),
                ("/api/v1/playlists/saved/{id}/push", "post"), ("/api/v1/players", "get"),
            ]
            for (path, method) in routes {
                #expect(paths[path]?[method] != nil, "\(method.uppercased()) \(path) is not documented")
            }
            #expect(paths.values.map(\.count).reduce(0, +) == routes.count)
        }
    }
}
