import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import SegueModel
import SegueTestSupport
import Testing

@testable import SegueServer

@Suite("Static assets")
struct AssetTests {
    /// Sources/SegueServer/Web/static in this checkout: the files the binary must serve byte for byte.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "Sources/SegueServer/Web/static")
    static let files = [("app.css", "text/css"), ("app.js", "text/javascript"), ("icon.svg", "image/svg+xml")]

    /// The version a file's links must carry: 16 hex digits of the SHA-256 of its bytes on disk.
    static func hash(_ name: String) throws -> String {
        let bytes = try Data(contentsOf: folder.appending(path: name))
        return SHA256.digest(bytes).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    @Test("each asset is served byte for byte as its file, with its content hash as ETag")
    func bytesAndETag() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            for (name, type) in Self.files {
                let file = try Data(contentsOf: Self.folder.appending(path: name))
                #expect(!file.isEmpty, "\(name)")
                let response = try await client.execute(uri: "/static/\(name)", method: .get)
                #expect(response.status == .ok, "\(name)")
                #expect(Data(buffer: response.body) == file, "\(name)")
                #expect(response.headers[.contentType]?.hasPrefix(type) == true, "\(name)")
                #expect(response.headers[.eTag] == "\"\(try Self.hash(name))\"", "\(name)")
                // Without the version the browser must ask again before using its copy.
                #expect(response.headers[.cacheControl] == "no-cache", "\(name)")
            }
        }
    }

    @Test("pages link the assets by their current hash, and that link may be cached for a year")
    func pagesLinkTheHash() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            let browser = Browser(client)
            try await browser.start()
            let pages = [
                ("/", ["app.css", "app.js", "icon.svg"]), ("/explore", ["app.css", "app.js"]), ("/settings", ["app.css", "app.js"]),
                // A shared-recap link that opens nothing still has the stylesheet.
                ("/r/" + String(repeating: "0", count: 64), ["app.css"]),
            ]
            for (page, names) in pages {
                let html = String(buffer: try await browser.request(page).body)
                for name in names {
                    let url = "/static/\(name)?v=\(try Self.hash(name))"
                    #expect(html.contains("\"\(url)\""), "\(page) links \(name)")
                    let response = try await client.execute(uri: url, method: .get)
                    #expect(response.status == .ok)
                    #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable", "\(url)")
                }
                #expect(!html.contains("?v=10\""), "\(page) still links the hand-bumped version")
            }
            // An old page's link gets today's bytes, but they must not be kept as if they were that version.
            let stale = try await client.execute(uri: "/static/app.css?v=10", method: .get)
            #expect(stale.status == .ok)
            #expect(stale.headers[.cacheControl] == "no-cache")
        }
    }

    @Test("If-None-Match with the ETag answers 304 without a body; any other tag gets the file")
    func notModified() async throws {
        let server = try TestServer()
        defer { server.cleanUp() }
        try await server.app.test(.router) { client in
            for (name, _) in Self.files {
                let etag = "\"\(try Self.hash(name))\""
                let url = "/static/\(name)?v=\(try Self.hash(name))"
                for header in [etag, "W/\(etag)", "\"0123456789abcdef\", \(etag)", "*"] {
                    let response = try await client.execute(uri: url, method: .get, headers: [.ifNoneMatch: header])
                    #expect(response.status == .notModified, "\(name) \(header)")
                    #expect(response.body.readableBytes == 0)
                    #expect(response.headers[.eTag] == etag)
                    #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
                }
                for header in ["\"0123456789abcdef\"", "", "\(etag.dropLast())"] {
                    let response = try await client.execute(uri: url, method: .get, headers: [.ifNoneMatch: header])
                    #expect(response.status == .ok, "\(name) \(header)")
                    #expect(response.body.readableBytes > 0)
                }
            }
        }
    }
}
