import Foundation
import SegueModel

/// Escapes text for HTML element content and quoted attribute values. Pages escape through their templates
/// (`PageTemplates`); this is for markup built outside them: the SVG of `barChartSVG`.
func escapeHTML(_ text: String) -> String {
    MarkupEscaping.escape(text, apostrophe: "&#39;")
}

/// The pages of the app, for the navigation.
enum Page: String, CaseIterable {
    case start, explore, recap, create, live, library, playlists, settings, feedback

    var path: String { self == .start ? "/" : "/\(rawValue)" }
    var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// What `layout.mustache` shows around a page.
struct LayoutView {
    struct NavItem {
        let path: String
        let title: String
        let current: Bool
    }

    let theme: String?
    let colorScheme: String
    let csrf: String
    let title: String
    let stylesheet = Assets.css.url
    let icon = Assets.icon.url
    let script = Assets.javascript.url
    let hasData: Bool
    let timeZoneIsSet: Bool
    let nav: [NavItem]
    /// The page's own markup, rendered from its template.
    let body: String
}

/// The shared page frame: head, skip link, navigation, main and footer.
/// - Parameter body: the page's markup, rendered from its template.
func layout(page: Page, title: String, csrf: String, hasData: Bool, body: String) -> String {
    let preferences = PagePreferences.current
    return PageTemplates.render(
        "layout",
        LayoutView(
            theme: preferences.theme == .system ? nil : preferences.theme.rawValue,
            colorScheme: preferences.theme == .system ? "dark light" : preferences.theme.rawValue, csrf: csrf, title: title,
            hasData: hasData, timeZoneIsSet: preferences.timeZoneIsSet,
            nav: Page.allCases.map { LayoutView.NavItem(path: $0.path, title: $0.title, current: $0 == page) }, body: body))
}

/// One entry of a select (`option.mustache`).
struct OptionView {
    let value: String
    let label: String
    let selected: Bool
}

/// An option list with one entry selected.
func options(_ values: [(String, String)], selected: String) -> [OptionView] {
    values.map { OptionView(value: $0.0, label: $0.1, selected: $0.0 == selected) }
}

/// A one-sentence notice above a form (`notice.mustache`): "ok" with role status, or "error" with role alert.
struct Notice {
    let kind: String
    let role: String
    let text: String

    static func ok(_ text: String) -> Notice { Notice(kind: "ok", role: "status", text: text) }
    static func error(_ text: String) -> Notice { Notice(kind: "error", role: "alert", text: text) }
}

/// A small accessible bar chart as inline SVG (no inline styles, so the CSP can forbid them). SVG drawing, not a
/// page: it escapes its own text with `escapeHTML`.
func barChartSVG(title: String, labels: [String], values: [Double], format: (Double) -> String) -> String {
    let width = 600.0
    let height = 240.0
    let peak = max(values.max() ?? 0, 1)
    let step = width / Double(max(labels.count, 1))
    var bars = ""
    let every = labels.count > 12 ? 3 : 1
    for (i, v) in values.enumerated() {
        let h = (height - 40) * v / peak
        let x = Double(i) * step + step * 0.15
        bars +=
            "<rect class=\"bar\" x=\"\(Int(x))\" y=\"\(Int(height - 30 - h))\" width=\"\(Int(step * 0.7))\" height=\"\(max(Int(h), 1))\" rx=\"4\"><title>\(escapeHTML(labels[i])): \(escapeHTML(format(v)))</title></rect>"
        if i % every == 0 {
            bars +=
                "<text class=\"axis\" x=\"\(Int(x + step * 0.35))\" y=\"\(Int(height - 6))\" text-anchor=\"middle\">\(escapeHTML(labels[i]))</text>"
        }
    }
    return "<svg class=\"mini\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escapeHTML(title))\">\(bars)</svg>"
}
