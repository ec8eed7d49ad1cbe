import Foundation
import SegueCharts
import SegueModel

/// Writes a scene as SVG with real `<text>` elements, for the web app.
///
/// Text is cut to its maximum width with Pango's measurements (SVG viewers do not ellipsize), every
/// string is XML-escaped, and artwork images are embedded as PNG data URIs.
public struct SVGWriter {
    public var measurer: PangoTextMeasurer
    /// PNG bytes of artwork images, by identifier, to embed.
    public var images: [String: [UInt8]]

    /// Put before every gradient and clip id, so that several documents inlined in one HTML page
    /// (whose ids share one namespace) never paint with each other's gradients.
    public var idPrefix: String

    public init(measurer: PangoTextMeasurer = PangoTextMeasurer(), images: [String: [UInt8]] = [:], idPrefix: String = "") {
        self.measurer = measurer
        self.images = images
        self.idPrefix = idPrefix
    }

    /// The SVG document for `scene`.
    public func document(_ scene: Scene) -> String {
        var defs: [String] = []
        var body: [String] = []
        var ids = 0
        func nextID(_ prefix: String) -> String {
            ids += 1
            return "\(idPrefix)\(prefix)\(ids)"
        }
        func paint(_ fill: Fill) -> String {
            switch fill {
            case .solid(let c):
                return "fill=\"\(c.hexString)\"" + (c.alpha < 1 ? " fill-opacity=\"\(Self.number(c.alpha))\"" : "")
            case .linearGradient(let from, let to, let stops):
                let id = nextID("g")
                var def =
                    "<linearGradient id=\"\(id)\" gradientUnits=\"userSpaceOnUse\" x1=\"\(Self.number(from.x))\" y1=\"\(Self.number(from.y))\" x2=\"\(Self.number(to.x))\" y2=\"\(Self.number(to.y))\">"
                for stop in stops {
                    def += "<stop offset=\"\(Self.number(stop.offset))\" stop-color=\"\(stop.color.hexString)\""
                    if stop.color.alpha < 1 { def += " stop-opacity=\"\(Self.number(stop.color.alpha))\"" }
                    def += "/>"
                }
                defs.append(def + "</linearGradient>")
                return "fill=\"url(#\(id))\""
            }
        }
        func rect(_ r: SceneRect, radius: Double, attributes: String) -> String {
            let rad = max(0, min(radius, r.width / 2, r.height / 2))
            return "<rect x=\"\(Self.number(r.x))\" y=\"\(Self.number(r.y))\" width=\"\(Self.number(r.width))\" height=\"\(Self.number(r.height))\""
                + (rad > 0 ? " rx=\"\(Self.number(rad))\"" : "") + " \(attributes)/>"
        }
        func text(_ run: TextRun) -> String {
            var spans = run.spans
            if let maxWidth = run.maxWidth { spans = measurer.ellipsize(spans: spans, maxWidth: maxWidth) }
            let anchor: String
            switch run.alignment {
            case .left: anchor = "start"
            case .center: anchor = "middle"
            case .right: anchor = "end"
            }
            let baseline = run.centerY + 0.364 * run.maxFontSize
            var out = "<text x=\"\(Self.number(run.x))\" y=\"\(Self.number(baseline))\" text-anchor=\"\(anchor)\""
            if run.opacity < 1 { out += " opacity=\"\(Self.number(run.opacity))\"" }
            out += " xml:space=\"preserve\">"
            for span in spans {
                let f = span.font
                out +=
                    "<tspan font-family=\"\(Self.escape(f.family)), 'Noto Sans CJK JP', sans-serif\" font-weight=\"\(f.weight.rawValue)\" font-size=\"\(Self.number(f.size))\" fill=\"\(span.color.hexString)\""
                if span.color.alpha < 1 { out += " fill-opacity=\"\(Self.number(span.color.alpha))\"" }
                if f.tabularDigits { out += " font-variant-numeric=\"tabular-nums\"" }
                out += ">\(Self.escape(span.text))</tspan>"
            }
            return out + "</text>"
        }

        var clipDepth = 0
        for element in scene.elements {
            switch element {
            case .rect(let r, let radius, let fill):
                body.append(rect(r, radius: radius, attributes: paint(fill)))
            case .text(let run):
                guard run.opacity > 0, !run.plainText.isEmpty else { continue }
                body.append(text(run))
            case .line(let from, let to, let width, let color):
                body.append(
                    "<line x1=\"\(Self.number(from.x))\" y1=\"\(Self.number(from.y))\" x2=\"\(Self.number(to.x))\" y2=\"\(Self.number(to.y))\" stroke=\"\(color.hexString)\" stroke-opacity=\"\(Self.number(color.alpha))\" stroke-width=\"\(Self.number(width))\"/>"
                )
            case .artwork(let r, let radius, let art):
                guard art.opacity > 0 else { continue }
                let group = art.opacity < 1 ? "<g opacity=\"\(Self.number(art.opacity))\">" : "<g>"
                if let id = art.imageID, let png = images[id] {
                    let clip = nextID("c")
                    defs.append("<clipPath id=\"\(clip)\">\(rect(r, radius: radius, attributes: ""))</clipPath>")
                    body.append(
                        group
                            + "<image x=\"\(Self.number(r.x))\" y=\"\(Self.number(r.y))\" width=\"\(Self.number(r.width))\" height=\"\(Self.number(r.height))\" preserveAspectRatio=\"xMidYMid slice\" clip-path=\"url(#\(clip))\" href=\"data:image/png;base64,\(Data(png).base64EncodedString())\"/></g>"
                    )
                } else {
                    let fill = paint(
                        .linearGradient(
                            from: ScenePoint(x: r.x, y: r.y), to: ScenePoint(x: r.maxX, y: r.maxY),
                            stops: [GradientStop(0, art.gradientStart), GradientStop(1, art.gradientEnd)]))
                    var monogram = GeneratedArtwork.monogramRun(art, in: r, measurer: measurer)
                    monogram.opacity = 1
                    body.append(group + rect(r, radius: radius, attributes: fill) + text(monogram) + "</g>")
                }
            case .beginClip(let r):
                let clip = nextID("c")
                defs.append("<clipPath id=\"\(clip)\">\(rect(r, radius: 0, attributes: ""))</clipPath>")
                body.append("<g clip-path=\"url(#\(clip))\">")
                clipDepth += 1
            case .endClip:
                if clipDepth > 0 {
                    body.append("</g>")
                    clipDepth -= 1
                }
            }
        }
        body.append(contentsOf: Array(repeating: "</g>", count: clipDepth))

        let background = paint(scene.background)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out +=
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(scene.width)\" height=\"\(scene.height)\" viewBox=\"0 0 \(scene.width) \(scene.height)\">\n"
        if !defs.isEmpty { out += "<defs>" + defs.joined() + "</defs>\n" }
        out += "<rect width=\"100%\" height=\"100%\" \(background)/>\n"
        out += body.joined(separator: "\n")
        return out + "\n</svg>\n"
    }

    /// Writes the document to `path` through a temporary file.
    /// - Throws: `GraphicsError.writeFailed`.
    public func write(_ scene: Scene, to path: String) throws(GraphicsError) {
        do {
            try document(scene).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
    }

    /// Escapes text for XML content and attribute values.
    public static func escape(_ text: String) -> String {
        MarkupEscaping.escape(text)
    }

    static func number(_ v: Double) -> String {
        let rounded = (v * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
