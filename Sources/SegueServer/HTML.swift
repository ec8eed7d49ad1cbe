import Foundation
import SegueModel

/// Escapes text for HTML element content and quoted attribute values.
func escapeHTML(_ text: String) -> String {
    MarkupEscaping.escape(text, apostrophe: "&#39;")
}

/// The pages of the app, for the navigation.
enum Page: String, CaseIterable {
    case start, explore, recap, create, live, library, playlists, settings, feedback

    var path: String { self == .start ? "/" : "/\(rawValue)" }
    var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// The shared page frame: head, skip link, navigation, main and footer.
func layout(page: Page, title: String, csrf: String, hasData: Bool, body: String) -> String {
    let nav = Page.allCases.map { p in
        "<li><a href=\"\(p.path)\"\(p == page ? " aria-current=\"page\"" : "")>\(p.title)</a></li>"
    }.joined()
    let preferences = PagePreferences.current
    let theme = preferences.theme == .system ? "" : " data-theme=\"\(preferences.theme.rawValue)\""
    return """
        <!doctype html>
        <html lang="en"\(theme)>
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="\(preferences.theme == .system ? "dark light" : preferences.theme.rawValue)">
        <meta name="csrf-token" content="\(escapeHTML(csrf))">
        <title>\(escapeHTML(title)) · Segue</title>
        <link rel="stylesheet" href="\(Assets.css.url)">
        <link rel="icon" href="\(Assets.icon.url)" type="image/svg+xml">
        <script src="\(Assets.javascript.url)" defer></script>
        </head>
        <body data-has-data="\(hasData)"\(preferences.timeZoneIsSet ? "" : " data-time-zone=\"unset\"")>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site-head">
          <a class="brand" href="/" aria-label="Segue home"><span class="logo" aria-hidden="true"></span>Segue</a>
          <nav aria-label="Main"><ul>\(nav)</ul></nav>
        </header>
        <main id="main" tabindex="-1">
        \(body)
        </main>
        <footer class="foot">
          <p>Your data stays on this server, in a private session that expires after a day of inactivity.</p>
          <form method="post" action="/delete" class="inline" data-confirm="Delete your listening history, your music library, your playlists, your renders, your shared recap links and your settings from this server? This cannot be undone.">
            <input type="hidden" name="_csrf" value="\(escapeHTML(csrf))">
            <button class="link danger" type="submit">Delete my data</button>
            <span class="hint-inline">(history, music library, playlists, shared recap links and settings)</span>
          </form>
        </footer>
        </body>
        </html>
        """
}

/// An option list with one entry selected.
func options(_ values: [(String, String)], selected: String) -> String {
    values.map { value, label in
        "<option value=\"\(escapeHTML(value))\"\(value == selected ? " selected" : "")>\(escapeHTML(label))</option>"
    }.joined()
}

/// A small accessible bar chart as inline SVG (no inline styles, so the CSP can forbid them).
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
        bars += "<rect class=\"bar\" x=\"\(Int(x))\" y=\"\(Int(height - 30 - h))\" width=\"\(Int(step * 0.7))\" height=\"\(max(Int(h), 1))\" rx=\"4\"><title>\(escapeHTML(labels[i])): \(escapeHTML(format(v)))</title></rect>"
        if i % every == 0 {
            bars += "<text class=\"axis\" x=\"\(Int(x + step * 0.35))\" y=\"\(Int(height - 6))\" text-anchor=\"middle\">\(escapeHTML(labels[i]))</text>"
        }
    }
    return "<svg class=\"mini\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escapeHTML(title))\">\(bars)</svg>"
}
