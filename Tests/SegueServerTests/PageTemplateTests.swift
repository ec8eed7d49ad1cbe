import Foundation
import Mustache
import SeguePlaylists
import SegueStore
import Testing

@testable import SegueServer

@Suite("Page templates")
struct PageTemplateTests {
    /// Sources/SegueServer/Web/templates in this checkout.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "Sources/SegueServer/Web/templates")

    @Test("every template file is compiled in, byte for byte, and parses")
    func everyTemplateLoads() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".mustache") }
        #expect(names.count >= 20, "\(names)")
        for name in names {
            let file = try String(contentsOf: Self.folder.appending(path: name), encoding: .utf8)
            #expect(WebFiles.files["templates/" + name] == file, "\(name)")
        }
        let library = try PageTemplates.library.get()
        for name in names { #expect(library.getTemplate(named: String(name.dropLast(".mustache".count))) != nil, "\(name)") }
    }

    @Test("a value is escaped by scalar: markup, both quotes, ampersands, a quote with a combining mark; controls dropped")
    func valuesAreEscaped() {
        let text = "<b>\"'&\"\u{301}\u{7}x"
        let expected = "<p class=\"notice error\" role=\"alert\">&lt;b&gt;&quot;&#39;&amp;&quot;\u{301}x</p>"
        let rendered = PageTemplates.render("notice", Notice.error(text))
        #expect(Array(rendered.unicodeScalars) == Array(expected.unicodeScalars))
        #expect(
            PageTemplates.render("option", OptionView(value: "\"><script>", label: "a & b", selected: true))
                == "<option value=\"&quot;&gt;&lt;script&gt;\" selected>a &amp; b</option>")
    }

    @Test("a template that does not parse is named, and a missing one renders a message instead of trapping")
    func brokenTemplates() {
        switch PageTemplates.load(["templates/ok.mustache": "{{a}}", "templates/broken.mustache": "{{#a}}unclosed"]) {
        case .success: Issue.record("an unclosed section parsed")
        case .failure(let error): #expect(error.name == "broken")
        }
        #expect(PageTemplates.render("no-such-page", OptionView(value: "", label: "", selected: false)).contains("no-such-page"))
    }

    @Test("the forms' bounds are the ones the API, the render job and the playlist rules check")
    func formBoundsComeFromTheChecks() {
        let playlists = PageTemplates.render(
            "playlists",
            PlaylistsController.PageView(
                smallNote: nil, autostart: false, noHistory: true, periods: [], pickers: [], length: 20, arcs: []))
        let spacing = PlaylistRecipe.Rules.artistSpacingLimits
        #expect(playlists.contains(#"name="artist_spacing" min="\#(spacing.lowerBound)" max="\#(spacing.upperBound)""#))
    }
}
