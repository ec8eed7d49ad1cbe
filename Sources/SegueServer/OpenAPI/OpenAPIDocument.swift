/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`.
///
/// One source: the document is built from Swift values, so its enumerations and bounds are the ones the handlers
/// validate with (`.oneOf(Metric.self)`, `.integer(TopQuery.limits)`), and `OpenAPIDocumentTests` holds its
/// paths against the router's own route list. `Tests/browser/test_openapi.py` validates the served document and
/// fuzzes the running server against it. The schemas are in `OpenAPIDocument+Schemas.swift`, the operations in
/// `OpenAPIDocument+Operations.swift`.
enum OpenAPIDocument {
    /// The document as served.
    static let json: String = document.json

    static var document: OpenAPIValue {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Segue",
                "version": "1.0.0",
                "description":
                    "Your Spotify history, explored and turned into images and bar-chart races. Every request belongs to an anonymous session (cookie segue_session, set on the first response). State-changing requests need the session's CSRF token (GET /api/v1/session) in the X-CSRF-Token header.",
            ],
            "servers": [["url": "/"]],
            "components": [
                "securitySchemes": securitySchemes, "parameters": parameters, "responses": responses, "schemas": schemas,
            ],
            "security": [["session": []]],
            "paths": paths,
        ]
    }

    /// One operation: a method on a path, and what the document says of it.
    struct Operation: Sendable {
        enum Method: String, Sendable { case get, post, put, patch, delete }
        let method: Method
        /// The path with `{name}` for each parameter, as OpenAPI writes it.
        let path: String
        let description: OpenAPIValue

        init(_ method: Method, _ path: String, _ description: OpenAPIValue) {
            self.method = method
            self.path = path
            self.description = description
        }
    }

    /// `operations` grouped by path, in the order first written.
    static var paths: OpenAPIValue {
        var order: [String] = []
        var byPath: [String: [(String, OpenAPIValue)]] = [:]
        for operation in operations {
            if byPath[operation.path] == nil { order.append(operation.path) }
            byPath[operation.path, default: []].append((operation.method.rawValue, operation.description))
        }
        return .object(order.map { ($0, .object(byPath[$0] ?? [])) })
    }

    /// The differences between the document and a router's routes under `/api/v1`, one line each
    /// (`GET /api/v1/x is routed but not documented`); empty when they agree.
    /// - Parameter routes: method (`GET`) and path (`/api/v1/jobs/:id`, Hummingbird's form) of each route.
    static func drift(from routes: [(method: String, path: String)]) -> [String] {
        func openAPIPath(_ path: String) -> String {
            let absolute = path.hasPrefix("/") ? path : "/" + path
            return absolute.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                .joined(separator: "/")
        }
        let routed = Set(routes.map { "\($0.method.uppercased()) \(openAPIPath($0.path))" }.filter { $0.contains(" /api/v1/") })
        let documented = Set(operations.map { "\($0.method.rawValue.uppercased()) \($0.path)" })
        return routed.subtracting(documented).sorted().map { "\($0) is routed but not documented" }
            + documented.subtracting(routed).sorted().map { "\($0) is documented but not routed" }
    }
}
