import CCairo
import CPango
import Foundation
import SegueCharts

/// Paints scenes into one reusable ARGB32 pixel buffer with Cairo and Pango.
///
/// The buffer's bytes are BGRA on little-endian machines (ffmpeg's `-pix_fmt bgra`) with every pixel
/// opaque. Text layouts, the background and scaled artwork are cached between frames, so a race frame
/// costs about a millisecond. Not thread-safe: use one renderer per thread.
public final class CairoRenderer {
    public let width: Int
    public let height: Int
    /// Cover images by identifier; scenes refer to them from `ArtworkRef.imageID`.
    public var artwork: ArtworkLibrary

    private let surface: OpaquePointer
    private let cr: OpaquePointer
    private var layouts: [LayoutKey: CachedLayout] = [:]
    private var background: (fill: Fill, pixels: [UInt8])?
    private var scaledArt: [ScaledArtKey: OpaquePointer] = [:]
    private var gradientStrips: [GradientKey: OpaquePointer] = [:]
    private var generatedArt: [GeneratedArtKey: OpaquePointer] = [:]
    /// What the pixels show now, band by band, for `renderChanges`.
    private var painted: PaintedScene?

    /// Pixel rows that the last `render` or `renderChanges` repainted (sorted, disjoint, in whole
    /// bands of `bandRows`); every other row holds the same bytes as before that call.
    public private(set) var changedRows: [Range<Int>] = []

    /// Rows per band: the unit in which `renderChanges` compares scenes and repaints.
    public static let bandRows = 8

    /// A scene as painted: per element the rows it can touch and the clips around it, and per band
    /// the elements that reach it, in paint order.
    private struct PaintedScene {
        var scene: Scene
        var rows: [Range<Int>]
        var clips: [[SceneRect]]
        var bands: [[Int32]]
    }

    private struct LayoutKey: Hashable {
        var spans: [TextSpan]
        var maxWidth: Double?
    }

    private struct CachedLayout {
        var layout: OpaquePointer
        var width: Double
        var baseline: Double
        /// Rows the layout's pixels can reach, relative to its origin (ink and logical boxes).
        var top: Double
        var bottom: Double
        var singleColor: Bool
    }

    private struct ScaledArtKey: Hashable {
        var id: String
        var size: Int
        var radius: Int
    }

    private struct GradientKey: Hashable {
        var from: Double
        var to: Double
        var height: Int
        var stops: [GradientStop]
    }

    private struct GeneratedArtKey: Hashable {
        var monogram: String
        var start: ChartColor
        var end: ChartColor
        var size: Int
        var radius: Int
    }

    /// Most cached gradient strips and generated artworks (fades create new ones).
    private static let imageCacheLimit = 512

    /// Most layouts kept between frames; value labels change every frame, names do not.
    private static let layoutCacheLimit = 4096

    /// A renderer with a `width`×`height` buffer.
    /// - Throws: `GraphicsError.surfaceCreationFailed` when Cairo cannot allocate it.
    public init(width: Int, height: Int, artwork: ArtworkLibrary = ArtworkLibrary()) throws(GraphicsError) {
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height)) else {
            throw .surfaceCreationFailed(width: width, height: height, status: "no surface")
        }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS, let cr = cairo_create(surface) else {
            cairo_surface_destroy(surface)
            throw .surfaceCreationFailed(width: width, height: height, status: String(cString: cairo_status_to_string(status)))
        }
        self.width = width
        self.height = height
        self.surface = surface
        self.cr = cr
        self.artwork = artwork
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_GOOD)
    }

    deinit {
        for cached in layouts.values { g_object_unref(UnsafeMutableRawPointer(cached.layout)) }
        for art in scaledArt.values { cairo_surface_destroy(art) }
        for strip in gradientStrips.values { cairo_surface_destroy(strip) }
        for art in generatedArt.values { cairo_surface_destroy(art) }
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// Bytes per row of the pixel buffer.
    public var stride: Int { Int(cairo_image_surface_get_stride(surface)) }

    /// Calls `body` with the BGRA pixels of the last rendered scene (`stride * height` bytes).
    public func withPixels<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        cairo_surface_flush(surface)
        let data = cairo_image_surface_get_data(surface)!
        return try body(UnsafeRawBufferPointer(start: data, count: stride * height))
    }

    /// Paints `scene` (which should have this renderer's size; it is drawn from the top-left otherwise).
    public func render(_ scene: Scene) {
        let plan = plan(scene)
        paintBackground(scene.background)
        for element in scene.elements { draw(element) }
        cairo_surface_flush(surface)
        painted = plan
        changedRows = [0..<height]
    }

    /// Paints `scene` over the previous one, repainting only the bands where the two differ: a band
    /// is kept when the same elements (equal in every property, under the same clips) reach it in
    /// the same order over the same background, so its pixels cannot differ. The repainted bands
    /// get the background back and every element that reaches them, clipped to them; the result is
    /// byte for byte what `render` paints. Returns `changedRows`.
    @discardableResult
    public func renderChanges(_ scene: Scene) -> [Range<Int>] {
        guard let before = painted, before.scene.background == scene.background, before.bands.count == bandCount,
            background?.fill == scene.background
        else {
            render(scene)
            return changedRows
        }
        let plan = plan(scene)
        var dirty: [Range<Int>] = []
        for band in 0..<bandCount where !Self.sameBand(band, plan, before) {
            let rows = (band * Self.bandRows)..<min(height, (band + 1) * Self.bandRows)
            if let last = dirty.last, last.upperBound == rows.lowerBound {
                dirty[dirty.count - 1] = last.lowerBound..<rows.upperBound
            } else {
                dirty.append(rows)
            }
        }
        painted = plan
        changedRows = dirty
        guard !dirty.isEmpty else { return dirty }
        restoreBackground(rows: dirty)
        cairo_save(cr)
        cairo_new_path(cr)
        for rows in dirty { cairo_rectangle(cr, 0, Double(rows.lowerBound), Double(width), Double(rows.count)) }
        cairo_clip(cr)
        for (i, element) in scene.elements.enumerated() {
            // Clips always run (they pair up); other elements only where they reach a repainted band.
            guard element.isClip || dirty.contains(where: { $0.overlaps(plan.rows[i]) }) else { continue }
            draw(element)
        }
        cairo_restore(cr)
        cairo_surface_flush(surface)
        return dirty
    }

    private var bandCount: Int { (height + Self.bandRows - 1) / Self.bandRows }

    private static func sameBand(_ band: Int, _ a: PaintedScene, _ b: PaintedScene) -> Bool {
        let x = a.bands[band]
        let y = b.bands[band]
        guard x.count == y.count else { return false }
        for k in 0..<x.count {
            let i = Int(x[k])
            let j = Int(y[k])
            guard a.rows[i] == b.rows[j], a.scene.elements[i] == b.scene.elements[j], a.clips[i] == b.clips[j] else {
                return false
            }
        }
        return true
    }

    /// Where each element of `scene` can paint: its rows (a conservative bound: antialiasing and
    /// rounding add a pixel or two), the clips it is drawn under, and the elements of each band.
    private func plan(_ scene: Scene) -> PaintedScene {
        var rows: [Range<Int>] = []
        var clips: [[SceneRect]] = []
        rows.reserveCapacity(scene.elements.count)
        clips.reserveCapacity(scene.elements.count)
        var stack: [SceneRect] = []
        func span(_ top: Double, _ bottom: Double) -> Range<Int> {
            guard top.isFinite, bottom.isFinite else { return 0..<height }
            let lo = max(0, min(height, Int((top - 2).rounded(.down))))
            let hi = max(lo, min(height, Int((bottom + 2).rounded(.up))))
            return lo..<hi
        }
        for element in scene.elements {
            var r: Range<Int>
            switch element {
            case .rect(let rect, _, _):
                r = span(rect.y, rect.maxY)
            case .text(let run):
                if run.spans.isEmpty || run.opacity <= 0 {
                    r = 0..<0
                } else {
                    let cached = layout(for: run)
                    let y = run.centerY + CairoText.capCenter * run.maxFontSize - cached.baseline
                    r = span(y + cached.top, y + cached.bottom)
                }
            case .artwork(let rect, _, _):
                r = span(rect.y.rounded() - 1, rect.y.rounded() + rect.width.rounded() + 1)
            case .line(let from, let to, let lineWidth, _):
                r = span(min(from.y, to.y) - lineWidth, max(from.y, to.y) + lineWidth)
            case .beginClip, .endClip:
                r = 0..<0
            }
            // Inside a clip an element paints only within it.
            for clip in stack {
                let c = span(clip.y, clip.maxY)
                let lo = max(r.lowerBound, c.lowerBound)
                let hi = min(r.upperBound, c.upperBound)
                r = lo < hi ? lo..<hi : 0..<0
            }
            rows.append(r)
            clips.append(stack)
            if case .beginClip(let rect) = element { stack.append(rect) }
            if case .endClip = element, !stack.isEmpty { stack.removeLast() }
        }
        var bands = [[Int32]](repeating: [], count: bandCount)
        for (i, r) in rows.enumerated() where !r.isEmpty {
            for band in (r.lowerBound / Self.bandRows)...((r.upperBound - 1) / Self.bandRows) { bands[band].append(Int32(i)) }
        }
        return PaintedScene(scene: scene, rows: rows, clips: clips, bands: bands)
    }

    private func draw(_ element: SceneElement) {
        switch element {
        case .rect(let rect, let radius, let fill):
            roundedRect(rect, radius: radius)
            if case .linearGradient(let from, let to, let stops) = fill, from.y == to.y, to.x > from.x {
                setHorizontalGradient(from: from.x, to: to.x, stops: stops, band: rect)
            } else {
                setFill(fill)
            }
            cairo_fill(cr)
        case .text(let run):
            draw(run)
        case .artwork(let rect, let radius, let art):
            draw(art, in: rect, radius: radius)
        case .line(let from, let to, let width, let color):
            setColor(color)
            cairo_set_line_width(cr, width)
            cairo_move_to(cr, from.x, from.y)
            cairo_line_to(cr, to.x, to.y)
            cairo_stroke(cr)
        case .beginClip(let rect):
            cairo_save(cr)
            cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
            cairo_clip(cr)
        case .endClip:
            cairo_restore(cr)
        }
    }

    /// Writes the current pixels as PNG to `path`, through a temporary file so no partial file is left.
    /// - Throws: `GraphicsError.writeFailed`.
    public func writePNG(to path: String) throws(GraphicsError) {
        let temporary = path + ".partial-\(getpid())"
        let status = cairo_surface_write_to_png(surface, temporary)
        guard status == CAIRO_STATUS_SUCCESS else {
            unlink(temporary)
            throw .writeFailed(path: path, reason: String(cString: cairo_status_to_string(status)))
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .writeFailed(path: path, reason: reason)
        }
    }

    /// The current pixels encoded as PNG.
    public func pngData() throws(GraphicsError) -> [UInt8] {
        try PNGCoding.encode(surface)
    }

    // MARK: - Painting

    /// Copies the cached background's `rows` back into the pixels (the fill is already cached).
    private func restoreBackground(rows: [Range<Int>]) {
        guard let cached = background else { return }
        let data = cairo_image_surface_get_data(surface)!
        let stride = self.stride
        cairo_surface_flush(surface)
        cached.pixels.withUnsafeBytes { source in
            let base = source.baseAddress!.assumingMemoryBound(to: UInt8.self)
            for r in rows { (data + r.lowerBound * stride).update(from: base + r.lowerBound * stride, count: r.count * stride) }
        }
        cairo_surface_mark_dirty(surface)
    }

    private func paintBackground(_ fill: Fill) {
        let count = stride * height
        let data = cairo_image_surface_get_data(surface)!
        if let cached = background, cached.fill == fill {
            cairo_surface_flush(surface)
            cached.pixels.withUnsafeBytes { data.update(from: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count) }
            cairo_surface_mark_dirty(surface)
            return
        }
        cairo_save(cr)
        cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE)
        setFill(fill)
        cairo_paint(cr)
        cairo_restore(cr)
        cairo_surface_flush(surface)
        background = (fill, Array(UnsafeBufferPointer(start: data, count: count)))
    }

    private func setColor(_ c: ChartColor) {
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }

    private func setFill(_ fill: Fill) {
        switch fill {
        case .solid(let color):
            setColor(color)
        case .linearGradient(let from, let to, let stops):
            let pattern = cairo_pattern_create_linear(from.x, from.y, to.x, to.y)!
            for stop in stops {
                let c = stop.color
                cairo_pattern_add_color_stop_rgba(pattern, stop.offset, c.red, c.green, c.blue, c.alpha)
            }
            cairo_set_source(cr, pattern)
            cairo_pattern_destroy(pattern)
        }
    }

    /// Horizontal gradients (bars) are rasterized once into a strip as tall as the band and copied:
    /// pixman copies pixels several times faster than it evaluates a gradient per pixel.
    private func setHorizontalGradient(from: Double, to: Double, stops: [GradientStop], band: SceneRect) {
        let height = Int(band.height.rounded(.up)) + 2
        let strip = gradientStrip(from: from, to: to, height: height, stops: stops)
        let pattern = cairo_pattern_create_for_surface(strip)!
        cairo_pattern_set_extend(pattern, CAIRO_EXTEND_PAD)
        cairo_pattern_set_filter(pattern, CAIRO_FILTER_NEAREST)
        var matrix = cairo_matrix_t()
        cairo_matrix_init_translate(&matrix, -from.rounded(), -(band.y.rounded(.down) - 1))
        cairo_pattern_set_matrix(pattern, &matrix)
        cairo_set_source(cr, pattern)
        cairo_pattern_destroy(pattern)
    }

    private func gradientStrip(from: Double, to: Double, height: Int, stops: [GradientStop]) -> OpaquePointer {
        let key = GradientKey(from: from, to: to, height: height, stops: stops)
        if let cached = gradientStrips[key] { return cached }
        if gradientStrips.count >= Self.imageCacheLimit {
            for strip in gradientStrips.values { cairo_surface_destroy(strip) }
            gradientStrips.removeAll(keepingCapacity: true)
        }
        let width = max(1, Int((to - from).rounded(.up)))
        let strip = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))!
        let c = cairo_create(strip)!
        let pattern = cairo_pattern_create_linear(0, 0, to - from, 0)!
        for stop in stops {
            let col = stop.color
            cairo_pattern_add_color_stop_rgba(pattern, stop.offset, col.red, col.green, col.blue, col.alpha)
        }
        cairo_set_operator(c, CAIRO_OPERATOR_SOURCE)
        cairo_set_source(c, pattern)
        cairo_paint(c)
        cairo_pattern_destroy(pattern)
        cairo_destroy(c)
        cairo_surface_flush(strip)
        gradientStrips[key] = strip
        return strip
    }

    private func roundedRect(_ r: SceneRect, radius: Double) {
        Self.roundedRectPath(cr, r, radius: radius)
    }

    static func roundedRectPath(_ cr: OpaquePointer, _ r: SceneRect, radius: Double) {
        let rad = max(0, min(radius, r.width / 2, r.height / 2))
        guard rad > 0 else {
            cairo_rectangle(cr, r.x, r.y, r.width, r.height)
            return
        }
        cairo_new_sub_path(cr)
        cairo_arc(cr, r.maxX - rad, r.y + rad, rad, -Double.pi / 2, 0)
        cairo_arc(cr, r.maxX - rad, r.maxY - rad, rad, 0, Double.pi / 2)
        cairo_arc(cr, r.x + rad, r.maxY - rad, rad, Double.pi / 2, Double.pi)
        cairo_arc(cr, r.x + rad, r.y + rad, rad, Double.pi, 3 * Double.pi / 2)
        cairo_close_path(cr)
    }

    private func layout(for run: TextRun) -> CachedLayout {
        let single = Set(run.spans.map(\.color)).count <= 1
        // Single-colour runs are drawn with the Cairo source colour, so fades reuse the same layout.
        let spans = single ? run.spans.map { TextSpan($0.text, font: $0.font, color: ChartColor(hex: 0)) } : run.spans
        let key = LayoutKey(spans: spans, maxWidth: run.maxWidth)
        if let cached = layouts[key] { return cached }
        if layouts.count >= Self.layoutCacheLimit {
            for cached in layouts.values { g_object_unref(UnsafeMutableRawPointer(cached.layout)) }
            layouts.removeAll(keepingCapacity: true)
        }
        let layout = pango_cairo_create_layout(cr)!
        CairoText.configure(layout, spans: spans, maxWidth: run.maxWidth, withColors: !single)
        let m = CairoText.fullMetrics(layout)
        let cached = CachedLayout(
            layout: layout, width: m.width, baseline: m.baseline, top: m.top, bottom: m.bottom, singleColor: single)
        layouts[key] = cached
        return cached
    }

    private func draw(_ run: TextRun) {
        guard !run.spans.isEmpty, run.opacity > 0 else { return }
        let cached = layout(for: run)
        let x = CairoText.left(x: run.x, width: cached.width, alignment: run.alignment)
        let y = run.centerY + CairoText.capCenter * run.maxFontSize - cached.baseline
        if cached.singleColor {
            let c = run.spans[0].color
            cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha * run.opacity)
            cairo_move_to(cr, x, y)
            pango_cairo_show_layout(cr, cached.layout)
        } else if run.opacity >= 0.999 {
            cairo_move_to(cr, x, y)
            pango_cairo_show_layout(cr, cached.layout)
        } else {
            cairo_push_group(cr)
            cairo_move_to(cr, x, y)
            pango_cairo_show_layout(cr, cached.layout)
            cairo_pop_group_to_source(cr)
            cairo_paint_with_alpha(cr, run.opacity)
        }
    }

    private func draw(_ art: ArtworkRef, in rect: SceneRect, radius: Double) {
        guard art.opacity > 0 else { return }
        if let id = art.imageID, let image = scaledArtwork(id: id, size: rect.width, radius: radius) {
            cairo_set_source_surface(cr, image, rect.x.rounded(), rect.y.rounded())
            cairo_paint_with_alpha(cr, art.opacity)
            return
        }
        // Generated artwork is drawn once per look and size, then copied like an image.
        let key = GeneratedArtKey(
            monogram: art.monogram, start: art.gradientStart, end: art.gradientEnd, size: Int(rect.width.rounded()),
            radius: Int(radius.rounded()))
        let image: OpaquePointer
        if let cached = generatedArt[key] {
            image = cached
        } else {
            if generatedArt.count >= Self.imageCacheLimit {
                for surface in generatedArt.values { cairo_surface_destroy(surface) }
                generatedArt.removeAll(keepingCapacity: true)
            }
            let side = max(1, key.size)
            image = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(side), Int32(side))!
            let c = cairo_create(image)!
            let local = SceneRect(x: 0, y: 0, width: Double(side), height: Double(side))
            var opaque = art
            opaque.opacity = 1
            let layouts = pango_cairo_create_layout(c)!
            GeneratedArtwork.draw(opaque, in: local, radius: Double(key.radius), on: c) { run in
                Self.drawStandalone(run, layout: layouts, on: c)
            }
            g_object_unref(UnsafeMutableRawPointer(layouts))
            cairo_destroy(c)
            cairo_surface_flush(image)
            generatedArt[key] = image
        }
        cairo_set_source_surface(cr, image, rect.x.rounded(), rect.y.rounded())
        cairo_paint_with_alpha(cr, art.opacity)
    }

    /// Draws a run with its own layout (for off-screen pictures that are cached whole).
    private static func drawStandalone(_ run: TextRun, layout: OpaquePointer, on c: OpaquePointer) {
        CairoText.configure(layout, spans: run.spans, maxWidth: run.maxWidth, withColors: true)
        let m = CairoText.metrics(layout)
        cairo_move_to(
            c, CairoText.left(x: run.x, width: m.width, alignment: run.alignment),
            run.centerY + CairoText.capCenter * run.maxFontSize - m.baseline)
        pango_cairo_show_layout(c, layout)
    }

    /// The image scaled once to the on-screen size with rounded corners, then reused every frame.
    private func scaledArtwork(id: String, size: Double, radius: Double) -> OpaquePointer? {
        let key = ScaledArtKey(id: id, size: Int(size.rounded()), radius: Int(radius.rounded()))
        if let cached = scaledArt[key] { return cached }
        guard let source = artwork.surface(for: id) else { return nil }
        let side = max(1, key.size)
        guard let target = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(side), Int32(side)),
            let c = cairo_create(target)
        else { return nil }
        let sw = Double(cairo_image_surface_get_width(source))
        let sh = Double(cairo_image_surface_get_height(source))
        Self.roundedRectPath(c, SceneRect(x: 0, y: 0, width: Double(side), height: Double(side)), radius: Double(key.radius))
        cairo_clip(c)
        // Cover: scale the shorter side to fit and centre-crop the other.
        let factor = Double(side) / min(sw, sh)
        cairo_translate(c, (Double(side) - sw * factor) / 2, (Double(side) - sh * factor) / 2)
        cairo_scale(c, factor, factor)
        cairo_set_source_surface(c, source, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(c), CAIRO_FILTER_BEST)
        cairo_paint(c)
        cairo_destroy(c)
        scaledArt[key] = target
        return target
    }
}

extension SceneElement {
    /// `.beginClip` or `.endClip`: state for the elements between them, no pixels of its own.
    fileprivate var isClip: Bool {
        switch self {
        case .beginClip, .endClip: return true
        default: return false
        }
    }
}
