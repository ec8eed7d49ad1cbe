import Foundation
import Hummingbird
import NIOCore

/// The stylesheet, script and icon: files under `Web/static/`, compiled in by the EmbedWebFiles plugin
/// (no npm, and no resource bundle to keep beside the binary).
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

    static let css = file("static/app.css")
    static let javascript = file("static/app.js")
    static let icon = file("static/icon.svg")

    /// A file under `Sources/SegueServer/Web/`, compiled in by the EmbedWebFiles plugin; a missing one is
    /// a build mistake that the asset tests catch, so it reads as empty rather than trapping the server.
    static func file(_ path: String) -> String { WebFiles.files[path] ?? "" }
}
