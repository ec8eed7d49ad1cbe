import SegueModel

/// How one entity looks: its bar colour and, when known, its artwork image.
public struct EntityAppearance: Sendable, Equatable {
    public var color: ChartColor
    /// Key of the entity's image in the renderer's artwork library.
    public var imageID: String?

    public init(color: ChartColor, imageID: String? = nil) {
        self.color = color
        self.imageID = imageID
    }
}

/// Colours and artwork per entity: known artwork wins, else a stable theme colour.
public struct AppearanceBook: Sendable, Equatable {
    /// Appearances by entity identifier (see `identifier(name:artist:)`).
    public var known: [String: EntityAppearance]

    /// Bars (artwork colours included) are lightened or darkened to at least this WCAG contrast with
    /// the background, so a dark cover never gives an invisible bar.
    public static let minimumBarContrast = 2.2

    public init(known: [String: EntityAppearance] = [:]) {
        self.known = known
    }

    /// The identifier of an entity: its name, plus its artist for tracks and albums.
    public static func identifier(name: String, artist: String?) -> String {
        guard let artist, !artist.isEmpty else { return name }
        return artist + " \u{2014} " + name
    }

    /// The identifier of a race entity.
    public static func identifier(of entity: RaceEntity) -> String {
        identifier(name: entity.name, artist: entity.artist)
    }

    /// The identifier of a chart row.
    public static func identifier(of entry: ChartEntry) -> String {
        identifier(name: entry.name, artist: entry.artist)
    }

    /// The look of `identifier` in `theme`: its bar colour made legible against the background.
    public func appearance(for identifier: String, theme: Theme) -> EntityAppearance {
        var look = known[identifier] ?? EntityAppearance(color: theme.stableColor(for: identifier))
        look.color = look.color.ensuringContrast(Self.minimumBarContrast, against: theme.backgroundMid)
        return look
    }

    /// Colours for entities shown together, as different from each other as the palette allows.
    ///
    /// Entities with artwork keep its colour. The others start at their stable palette colour and move
    /// to the next free one when an entity earlier in `identifiers` (give them by importance) took it,
    /// so a chart never shows two bars of the same colour while the palette lasts.
    public func distinctColors(for identifiers: [String], theme: Theme) -> [ChartColor] {
        let palette = theme.palette
        var used = Set<Int>()
        var result: [ChartColor] = []
        for id in identifiers {
            if known[id] != nil {
                result.append(appearance(for: id, theme: theme).color)
                continue
            }
            let home = Int(StableHash.fnv1a(id) % UInt64(palette.count))
            var slot = home
            if used.count < palette.count {
                while used.contains(slot) { slot = (slot + 1) % palette.count }
            }
            used.insert(slot)
            result.append(palette[slot].ensuringContrast(Self.minimumBarContrast, against: theme.backgroundMid))
        }
        return result
    }

    /// Artwork for an entity: its image if known, else a monogram on a gradient of `color`
    /// (the entity's own colour when nil).
    public func artwork(
        for identifier: String, displayName: String, theme: Theme, color: ChartColor? = nil, opacity: Double = 1
    ) -> ArtworkRef {
        let look = appearance(for: identifier, theme: theme)
        let base = color ?? look.color
        return ArtworkRef(
            imageID: look.imageID, monogram: Self.monogram(displayName),
            gradientStart: base.mixed(with: ChartColor(hex: 0xFFFFFF), 0.25),
            gradientEnd: base.mixed(with: ChartColor(hex: 0x000000), 0.35), opacity: opacity)
    }

    /// One or two initials: the first letters of the first two words ("The Beatles" gives "TB",
    /// "宇多田ヒカル" gives "宇"). Leading punctuation is skipped.
    public static func monogram(_ name: String) -> String {
        let words = name.split(whereSeparator: { $0.isWhitespace || $0 == "-" || $0 == "_" || $0 == "/" })
        var letters: [Character] = []
        for word in words {
            guard let first = word.first(where: { $0.isLetter || $0.isNumber }) else { continue }
            // Ideographic scripts read best with one character.
            if first.unicodeScalars.first.map({ $0.value >= 0x2E80 }) ?? false {
                return letters.isEmpty ? String(first) : String(letters)
            }
            letters.append(contentsOf: first.uppercased())
            if letters.count == 2 { break }
        }
        return letters.isEmpty ? "♪" : String(letters)
    }
}
