/// Colours and type of a chart: one of the named themes.
public struct Theme: Sendable, Hashable {
    public var name: String
    /// Background gradient, top to bottom.
    public var backgroundTop: ChartColor
    public var backgroundBottom: ChartColor
    /// Titles, names and values.
    public var primaryText: ChartColor
    /// Subtitles, artists, axis labels.
    public var secondaryText: ChartColor
    /// Rank numbers.
    public var rankText: ChartColor
    /// Vertical grid lines.
    public var gridLine: ChartColor
    /// The big period counter of a race.
    public var counterText: ChartColor
    /// A thin accent: the rule under the title.
    public var accent: ChartColor
    /// Bar colours for entities without artwork, picked by a stable hash of the entity.
    public var palette: [ChartColor]
    /// The font family used for every text (Pango falls back to Noto for missing glyphs).
    public var fontFamily: String

    /// Every theme name, for messages and option help.
    public static let names = ["dark", "light", "vivid"]

    /// Near-black with soft jewel tones.
    public static let dark = Theme(
        name: "dark",
        backgroundTop: ChartColor(hex: 0x161A23), backgroundBottom: ChartColor(hex: 0x0B0D12),
        primaryText: ChartColor(hex: 0xF4F5F7), secondaryText: ChartColor(hex: 0x9AA3B2),
        rankText: ChartColor(hex: 0x5D6677), gridLine: ChartColor(hex: 0xFFFFFF, alpha: 0.08),
        counterText: ChartColor(hex: 0xFFFFFF, alpha: 0.9), accent: ChartColor(hex: 0x1ED760),
        palette: [
            0x5B8DEF, 0xF2994A, 0x27AE60, 0xEB5757, 0x9B51E0, 0x2D9CDB, 0xF2C94C, 0xE56BB0, 0x6FCF97,
            0xBB6BD9, 0x56CCF2, 0xFF8A65,
        ].map { ChartColor(hex: $0) },
        fontFamily: "Inter")

    /// Paper white with inky bars.
    public static let light = Theme(
        name: "light",
        backgroundTop: ChartColor(hex: 0xFAFAF7), backgroundBottom: ChartColor(hex: 0xEFEEE9),
        primaryText: ChartColor(hex: 0x15171C), secondaryText: ChartColor(hex: 0x5E6573),
        rankText: ChartColor(hex: 0xA3A8B3), gridLine: ChartColor(hex: 0x000000, alpha: 0.08),
        counterText: ChartColor(hex: 0x15171C, alpha: 0.9), accent: ChartColor(hex: 0xE4572E),
        palette: [
            0x2F5DC7, 0xD1495B, 0x00798C, 0xEDAE49, 0x6A4C93, 0x3F8F4F, 0xC45BAA, 0x1B998B, 0xE07A1F,
            0x3A86FF, 0x8C5E3C, 0x5C6BC0,
        ].map { ChartColor(hex: $0) },
        fontFamily: "Inter")

    /// Deep purple to magenta with neon bars.
    public static let vivid = Theme(
        name: "vivid",
        backgroundTop: ChartColor(hex: 0x2B0B5A), backgroundBottom: ChartColor(hex: 0x7A1162),
        primaryText: ChartColor(hex: 0xFFFFFF), secondaryText: ChartColor(hex: 0xE7C6FF),
        rankText: ChartColor(hex: 0xFFFFFF, alpha: 0.45), gridLine: ChartColor(hex: 0xFFFFFF, alpha: 0.12),
        counterText: ChartColor(hex: 0xFFFFFF), accent: ChartColor(hex: 0xFFE66D),
        palette: [
            0xFFE66D, 0x4ECDC4, 0xFF6B6B, 0x00F5D4, 0xF15BB5, 0x9B5DE5, 0x00BBF9, 0xFEE440, 0xFF9F1C,
            0x2EC4B6, 0xCBFF4D, 0xFF70A6,
        ].map { ChartColor(hex: $0) },
        fontFamily: "Inter")

    /// The theme called `name` (case-insensitive).
    /// - Throws: `ChartsError.unknownTheme`.
    public static func named(_ name: String) throws(ChartsError) -> Theme {
        switch name.lowercased() {
        case "dark": return .dark
        case "light": return .light
        case "vivid": return .vivid
        default: throw .unknownTheme(name)
        }
    }

    /// The middle of the background, for contrast checks.
    public var backgroundMid: ChartColor { backgroundTop.mixed(with: backgroundBottom, 0.5) }

    /// The stable palette colour for an entity identifier (FNV-1a of its UTF-8 bytes).
    public func stableColor(for identifier: String) -> ChartColor {
        palette[Int(StableHash.fnv1a(identifier) % UInt64(palette.count))]
    }
}

/// A hash that is the same in every run and on every machine (Swift's `Hasher` is seeded per process).
public enum StableHash {
    /// 64-bit FNV-1a over the UTF-8 bytes of `text`.
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
