import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SegueModel
import Testing

@testable import SegueServer

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
            // The router's own route list, not a copy of it: every /api/v1 route documented, nothing documented unrouted.
            let routes = buildRouter(server.deps).routes.map { (method: $0.method.rawValue, path: $0.path.description) }
            #expect(routes.filter { $0.path.contains("api/v1/") }.count >= 40)
            #expect(OpenAPIDocument.drift(from: routes) == [])
            #expect(paths.values.map(\.count).reduce(0, +) == OpenAPIDocument.operations.count)
        }
    }

    @Test("drift names a route the document lacks and a documented path no route serves")
    func driftIsReported() {
        let documented = OpenAPIDocument.operations.map {
            (method: $0.method.rawValue.uppercased(), path: $0.path.replacingOccurrences(of: "{id}", with: ":id"))
        }
        #expect(OpenAPIDocument.drift(from: documented) == [])
        let routes =
            documented.filter { $0.path != "/api/v1/live/mine" } + [(method: "GET", path: "/api/v1/secret/:id"), (method: "GET", path: "/healthz")]
        #expect(
            OpenAPIDocument.drift(from: routes) == [
                "GET /api/v1/secret/{id} is routed but not documented", "GET /api/v1/live/mine is documented but not routed",
            ])
    }

    @Test("enumerations and bounds are the ones requests are validated with")
    func enumerationsComeFromTheTypes() throws {
        let parameters = try #require(OpenAPIDocument.parameters["metric"]?["schema"]?["enum"])
        #expect(parameters == .array(Metric.allCases.map { .text($0.rawValue) }))
        #expect(OpenAPIDocument.parameters["kind"]?["schema"]?["enum"] == .array(EntityKind.allCases.map { .text($0.rawValue) }))
    }
}
