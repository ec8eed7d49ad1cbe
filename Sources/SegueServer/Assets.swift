import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SegueModel

/// The stylesheet, script and icon: files under `Web/static/`, compiled in by the EmbedWebFiles plugin (no npm,
/// and no resource bundle to keep beside the binary). Pages link each by a hash of its bytes, so a link names one
/// version for good and a changed file gets a new link.
enum Assets {
    /// One file served at `/static/NAME`.
    struct Asset: Sendable {
        let name: String
        let contentType: String
        let text: String
        /// The first 16 hex digits of the SHA-256 of the bytes: the `v` of the file's links and its ETag.
        let hash: String

        init(_ name: String, contentType: String) {
            self.name = name
            self.contentType = contentType
            // A file missing from Web/static is a build mistake that the asset tests catch; served empty, not a trap.
            text = WebFiles.files["static/" + name] ?? ""
            hash = String(SHA256.hex(text).prefix(16))
        }

        /// The link pages use: `/static/NAME?v=HASH`.
        var url: String { "/static/\(name)?v=\(hash)" }
        /// A strong validator: the same bytes always have the same hash.
        var etag: String { "\"\(hash)\"" }
    }

    static let css = Asset("app.css", contentType: "text/css; charset=utf-8")
    static let javascript = Asset("app.js", contentType: "text/javascript; charset=utf-8")
    static let icon = Asset("icon.svg", contentType: "image/svg+xml")

    /// Linked with the current hash, a file may be kept for a year without asking again; any other link (none,
    /// or an old page's hash) must be checked against the ETag before each use, so it never outlives a change.
    static let immutable = "public, max-age=31536000, immutable"
    static let revalidate = "no-cache"

    static func register(on router: Router<AppRequestContext>) {
        for asset in [css, javascript, icon] {
            router.get(RouterPath("static/\(asset.name)")) { request, _ in response(asset, to: request) }
        }
    }

    /// The file, or 304 Not Modified when the browser already holds these bytes.
    static func response(_ asset: Asset, to request: Request) -> Response {
        let current = request.uri.queryParameters.get("v") == asset.hash
        var headers: HTTPFields = [.eTag: asset.etag, .cacheControl: current ? immutable : revalidate]
        if request.headers[values: .ifNoneMatch].contains(where: { matches($0, asset.etag) }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: asset.text)))
    }

    /// Whether an `If-None-Match` value names `etag`: `*`, or a comma-separated list compared weakly (RFC 9110
    /// 13.1.2: a `W/` prefix does not matter here).
    static func matches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { item in
            var tag = item.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }
}
