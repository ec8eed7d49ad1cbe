import Foundation
import Hummingbird
import NIOCore

/// The stylesheet, script and icon, compiled in (no build step, no npm).
enum Assets {
    /// Bumped when the assets change, for cache busting.
    static let version = "10"

    static func register(on router: Router<AppRequestContext>) {
        func serve(_ path: RouterPath, _ type: String, _ text: String) {
            router.get(path) { _, _ in
                Response(
                    status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=86400"],
                    body: .init(byteBuffer: ByteBuffer(string: text)))
            }
        }
        serve("static/app.css", "text/css; charset=utf-8", css)
        serve("static/app.js", "text/javascript; charset=utf-8", javascript)
        serve("static/icon.svg", "image/svg+xml", icon)
    }

    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#7c5cff"/><stop offset="1" stop-color="#1ed6a0"/></linearGradient></defs><rect width="32" height="32" rx="8" fill="url(#g)"/><rect x="7" y="8" width="18" height="4" rx="2" fill="#fff"/><rect x="7" y="14" width="13" height="4" rx="2" fill="#fff" opacity=".85"/><rect x="7" y="20" width="8" height="4" rx="2" fill="#fff" opacity=".7"/></svg>
        """
}
