import Foundation

/// The pixel size of an output, with the presets social apps take.
public struct SocialFormat: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    /// The smallest side accepted.
    public static let minimumSide = 64
    /// The largest side accepted (8K).
    public static let maximumSide = 7680

    /// Instagram/TikTok story, 1080x1920.
    public static let story = SocialFormat(uncheckedWidth: 1080, height: 1920)
    /// Square post, 1080x1080.
    public static let square = SocialFormat(uncheckedWidth: 1080, height: 1080)
    /// Landscape video, 1920x1080.
    public static let landscape = SocialFormat(uncheckedWidth: 1920, height: 1080)

    /// The named presets, by name.
    public static let presets: [(name: String, format: SocialFormat)] = [
        ("story", .story), ("square", .square), ("landscape", .landscape),
    ]

    private init(uncheckedWidth: Int, height: Int) {
        self.width = uncheckedWidth
        self.height = height
    }

    /// A custom size.
    /// - Throws: `ChartsError.sizeOutOfRange` when a side is outside `minimumSide...maximumSide`.
    public init(width: Int, height: Int) throws(ChartsError) {
        let range = Self.minimumSide...Self.maximumSide
        guard range.contains(width), range.contains(height) else {
            throw .sizeOutOfRange(width: width, height: height)
        }
        self.width = width
        self.height = height
    }

    /// Parses `story`, `square`, `landscape` or `WIDTHxHEIGHT` (case-insensitive, `x` or `×`).
    /// - Throws: `ChartsError.badFormat` or `.sizeOutOfRange`.
    public init(parsing text: String) throws(ChartsError) {
        let lowered = text.lowercased().trimmingCharacters(in: .whitespaces)
        if let preset = Self.presets.first(where: { $0.name == lowered }) {
            self = preset.format
            return
        }
        let parts = lowered.split(omittingEmptySubsequences: false) { $0 == "x" || $0 == "×" }
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { throw .badFormat(text) }
        try self.init(width: w, height: h)
    }

    /// Portrait formats stack a footer under the bars; others overlay the period counter.
    public var isPortrait: Bool { Double(height) / Double(width) >= 1.25 }

    /// Scale factor against the 1080-pixel designs.
    public var scale: Double { Double(min(width, height)) / 1080 }

    public var description: String { "\(width)x\(height)" }
}
