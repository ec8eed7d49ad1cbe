import Mustache
import SegueModel

/// The page templates (`Web/templates/NAME.mustache`, compiled in by the EmbedWebFiles plugin), parsed once and
/// rendered with typed values.
///
/// Every `{{value}}` is escaped for HTML text and quoted attributes by `MarkupEscaping`, one Unicode scalar at a
/// time (Mustache's own HTML escaping goes by grapheme, so a quote followed by a combining mark would pass it
/// unescaped). `{{{value}}}` inserts markup Segue made itself: another rendered template, or an SVG drawing.
enum PageTemplates {
    /// Escaping by scalar, as `escapeHTML` did (control characters other than tab and line ends are dropped).
    struct Escaping: MustacheContentType {
        func escapeText(_ text: String) -> String { MarkupEscaping.escape(text, apostrophe: "&#39;") }
    }

    static let contentType = "SEGUE_HTML"

    /// Every template, or the first one that does not parse (a build mistake the template tests catch).
    static let library: Result<MustacheLibrary, TemplateError> = load(WebFiles.files)

    /// A template that is missing or does not parse.
    struct TemplateError: Error, CustomStringConvertible {
        let name: String
        let detail: String
        var description: String { "The page template \(name) cannot be used: \(detail)." }
    }

    /// The templates among `files` (keyed by their path under Web/), each named by its file name without
    /// `.mustache`; a file's final newline is not part of its page.
    static func load(_ files: [String: String]) -> Result<MustacheLibrary, TemplateError> {
        MustacheContentTypes.register(Escaping(), named: contentType)
        var library = MustacheLibrary()
        for (path, text) in files.sorted(by: { $0.key < $1.key }) where path.hasPrefix("templates/") && path.hasSuffix(".mustache") {
            let name = String(path.dropFirst("templates/".count).dropLast(".mustache".count))
            var body = text
            if body.hasSuffix("\n") { body.removeLast() }
            do {
                try library.register("{{% CONTENT_TYPE: \(contentType) }}" + body, named: name)
            } catch {
                return .failure(TemplateError(name: name, detail: "\(error)"))
            }
        }
        return .success(library)
    }

    /// The template `name` rendered with `values` (a struct whose stored properties the template names).
    /// A broken template renders its error as text (escaped) rather than trapping: the template tests fail first.
    static func render(_ name: String, _ values: Any) -> String {
        switch library {
        case .success(let library):
            return library.render(values, withTemplate: name)
                ?? escapeHTML(TemplateError(name: name, detail: "there is no such file in Web/templates").description)
        case .failure(let error):
            return escapeHTML(error.description)
        }
    }
}
