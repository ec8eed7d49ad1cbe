import CCairo
import Foundation
import SegueCharts

/// Cover images by identifier, with their dominant colours.
///
/// PNG files decode with Cairo; other formats (JPEG, WebP) need a `decoder`, such as the ffmpeg-based
/// one in `SegueMedia`, that turns a file into BGRA pixels.
public final class ArtworkLibrary {
    /// Decoded pixels of an image file.
    public struct DecodedImage: Sendable {
        public var width: Int
        public var height: Int
        /// Straight BGRA, `width * 4` bytes per row.
        public var bgra: [UInt8]
        public init(width: Int, height: Int, bgra: [UInt8]) {
            self.width = width
            self.height = height
            self.bgra = bgra
        }
    }

    /// Turns an image file into pixels, or nil when it cannot.
    public typealias Decoder = (URL) -> DecodedImage?

    /// The file extensions `load(directory:...)` looks at.
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "webp"]

    private var surfaces: [String: OpaquePointer] = [:]
    /// Dominant colour of each image.
    public private(set) var colors: [String: ChartColor] = [:]

    public init() {}

    deinit {
        for s in surfaces.values { cairo_surface_destroy(s) }
    }

    /// Identifiers with an image.
    public var identifiers: [String] { surfaces.keys.sorted() }

    /// Adds an image from PNG bytes; returns false when they do not decode.
    @discardableResult
    public func add(id: String, png: [UInt8]) -> Bool {
        guard let surface = PNGCoding.decode(png) else { return false }
        store(id: id, surface: surface)
        return true
    }

    /// Adds an image from decoded pixels.
    public func add(id: String, image: DecodedImage) {
        guard image.width > 0, image.height > 0, image.bgra.count >= image.width * image.height * 4,
            let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(image.width), Int32(image.height))
        else { return }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        image.bgra.withUnsafeBufferPointer { src in
            for row in 0..<image.height {
                for col in 0..<image.width {
                    let s = (row * image.width + col) * 4
                    let d = row * stride + col * 4
                    let a = UInt16(src[s + 3])
                    // Cairo wants premultiplied alpha.
                    data[d] = UInt8(UInt16(src[s]) * a / 255)
                    data[d + 1] = UInt8(UInt16(src[s + 1]) * a / 255)
                    data[d + 2] = UInt8(UInt16(src[s + 2]) * a / 255)
                    data[d + 3] = UInt8(a)
                }
            }
        }
        cairo_surface_mark_dirty(surface)
        store(id: id, surface: surface)
    }

    /// Loads images whose file name (without extension) matches a wanted entity, case- and
    /// accent- and punctuation-insensitively: `Daft Punk.jpg` or `daft-punk.png` for "Daft Punk".
    /// - Parameters:
    ///   - wanted: identifiers to look for, mapped to the names files may use (e.g. the bare name).
    /// - Returns: how many images were loaded.
    @discardableResult
    public func load(directory: URL, wanted: [String: [String]], decoder: Decoder? = nil) -> Int {
        guard let files = try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        else { return 0 }
        var byKey: [String: URL] = [:]
        for file in files where Self.imageExtensions.contains(file.pathExtension.lowercased()) {
            byKey[Self.matchKey(file.deletingPathExtension().lastPathComponent)] = file
        }
        var loaded = 0
        for (id, names) in wanted where surfaces[id] == nil {
            guard let file = names.lazy.compactMap({ byKey[Self.matchKey($0)] }).first else { continue }
            if file.pathExtension.lowercased() == "png", let bytes = try? Data(contentsOf: file),
                add(id: id, png: [UInt8](bytes))
            {
                loaded += 1
            } else if let decoder, let image = decoder(file) {
                add(id: id, image: image)
                loaded += 1
            }
        }
        return loaded
    }

    /// The appearance book for the loaded images: dominant colours and image identifiers.
    public func appearances() -> AppearanceBook {
        var known: [String: EntityAppearance] = [:]
        for id in surfaces.keys {
            known[id] = EntityAppearance(color: colors[id] ?? ChartColor(hex: 0x888888), imageID: id)
        }
        return AppearanceBook(known: known)
    }

    /// A file-name key: letters and digits only, case and accents folded (`Café Ñandú` and
    /// `cafe-nandu` agree).
    public static func matchKey(_ name: String) -> String {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        return String(folded.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    func surface(for id: String) -> OpaquePointer? { surfaces[id] }

    /// The image as PNG bytes (for embedding in SVG), or nil when unknown.
    public func pngData(for id: String) -> [UInt8]? {
        guard let surface = surfaces[id] else { return nil }
        return try? PNGCoding.encode(surface)
    }

    private func store(id: String, surface: OpaquePointer) {
        if let old = surfaces[id] { cairo_surface_destroy(old) }
        surfaces[id] = surface
        cairo_surface_flush(surface)
        let w = Int(cairo_image_surface_get_width(surface))
        let h = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        if let data = cairo_image_surface_get_data(surface) {
            let palette = DominantColor.palette(
                bgra: UnsafeRawBufferPointer(start: data, count: stride * h), width: w, height: h, stride: stride)
            if let color = DominantColor.pick(from: palette) { colors[id] = color }
        }
    }
}
