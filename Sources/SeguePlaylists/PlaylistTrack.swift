/// What ordering and exports need to know about a track.
public struct PlaylistTrack: Sendable, Equatable, Codable {
    public var id: Int64
    public var path: String
    public var artist: String
    public var title: String
    public var album: String
    public var durationSeconds: Double
    /// Start and end of the track (transitions join one's outro to the next one's intro).
    public var intro: Section
    public var outro: Section
    public var loudnessLUFS: Double
    /// Whole-track tempo and energy (0…1): what tempo-range constraints and energy arcs look at.
    public var bpm: Float
    public var energy: Float
    /// A vector where near means similar (musicnn embedding, or normalised DSP features until it lands).
    public var embedding: [Float]
    /// The track's leading tags (musicnn's strongest), lowercase; empty when it has none.
    public var tags: [String]

    public struct Section: Sendable, Equatable, Codable {
        public var bpm: Float
        public var camelot: Camelot?
        /// 0…1.
        public var energy: Float

        public init(bpm: Float, camelot: Camelot?, energy: Float) {
            self.bpm = bpm
            self.camelot = camelot
            self.energy = energy
        }
    }

    public init(
        id: Int64, path: String, artist: String, title: String, album: String = "", durationSeconds: Double, intro: Section,
        outro: Section, loudnessLUFS: Double, embedding: [Float], bpm: Float? = nil, energy: Float? = nil, tags: [String] = []
    ) {
        self.id = id
        self.path = path
        self.artist = artist
        self.title = title
        self.album = album
        self.durationSeconds = durationSeconds
        self.intro = intro
        self.outro = outro
        self.loudnessLUFS = loudnessLUFS
        self.embedding = embedding
        self.bpm = bpm ?? intro.bpm
        self.energy = energy ?? (intro.energy + outro.energy) / 2
        self.tags = tags.map { $0.lowercased() }
    }
}

/// A key on the Camelot wheel: a number 1–12 and A (minor) or B (major).
public struct Camelot: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var number: Int
    public var major: Bool

    public init(number: Int, major: Bool) {
        self.number = number
        self.major = major
    }

    /// Parses "8A", "12B".
    public init?(_ code: String) {
        guard let letter = code.last, letter == "A" || letter == "B", let n = Int(code.dropLast()), (1...12).contains(n) else {
            return nil
        }
        self.init(number: n, major: letter == "B")
    }

    public var description: String { "\(number)\(major ? "B" : "A")" }

    /// Steps around the wheel (0…6) between two numbers.
    public func steps(to other: Camelot) -> Int {
        let d = abs(number - other.number) % 12
        return min(d, 12 - d)
    }
}
