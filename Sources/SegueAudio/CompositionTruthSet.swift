import Foundation

/// Real compositions rendered from their scores with a known key and tempo: the `truth.json` that
/// `scripts/truthset_compositions.py` writes beside the audio (music21's corpus through a General
/// MIDI soundfont). `segue-bench analysis --truth-set DIR` and the composition tests read it.
public struct CompositionTruthSet: Sendable, Equatable, Codable {
    /// The seed the pieces, tempos and ensembles were drawn with.
    public var seed: Int?
    public var pieces: [Piece]

    /// One rendered piece and its answers.
    public struct Piece: Sendable, Equatable, Codable {
        /// The audio file's name inside the set's folder.
        public var file: String
        /// The MIDI file it was rendered from, inside the same folder.
        public var midi: String?
        /// Where in music21's corpus the score comes from (e.g. `bach/bwv66.6.mxl`).
        public var source: String
        /// chorale, quartet, madrigal, folk, other.
        public var kind: String
        /// Pitch class of the tonic, 0 = C … 11 = B.
        public var tonic: Int
        public var mode: KeyDescriptor.Mode
        /// Beats per minute, the beat being the meter's (a dotted quarter in 6/8).
        public var bpm: Double
        public var meter: String
        /// Whether a General MIDI drum part plays along.
        public var drums: Bool
        public var ensemble: String

        /// The key as `KeyDescriptor.name` writes it.
        public var keyName: String { SyntheticSong.keyName(tonic: tonic, mode: mode) }
    }

    /// Reads and checks `folder/truth.json`.
    /// - Throws: `AudioError.truthSet` naming the file and the piece or field that is wrong: a file
    ///   name that leaves the folder, a tonic outside 0…11, a tempo outside 20…400 BPM.
    public static func load(folder: String) throws(AudioError) -> CompositionTruthSet {
        let path = (folder as NSString).appendingPathComponent("truth.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .truthSet(path: path, reason: "cannot be read (make one with scripts/truthset_compositions.py)")
        }
        let set: CompositionTruthSet
        do {
            set = try JSONDecoder().decode(CompositionTruthSet.self, from: data)
        } catch {
            throw .truthSet(path: path, reason: "is not a truth set (\(Self.describe(error)))")
        }
        for (i, piece) in set.pieces.enumerated() {
            for name in [piece.file] + (piece.midi.map { [$0] } ?? []) {
                // Names only: the set may come from elsewhere, and must not reach files outside its folder.
                guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), !name.contains("\0") else {
                    throw .truthSet(path: path, reason: "piece \(i + 1) names the file '\(name)', which is not a plain file name in the folder")
                }
            }
            guard (0..<12).contains(piece.tonic) else {
                throw .truthSet(path: path, reason: "piece \(i + 1) (\(piece.file)) has tonic \(piece.tonic); it must be 0 (C) to 11 (B)")
            }
            guard piece.bpm.isFinite, (20...400).contains(piece.bpm) else {
                throw .truthSet(path: path, reason: "piece \(i + 1) (\(piece.file)) has tempo \(piece.bpm) BPM; it must be 20 to 400")
            }
        }
        return set
    }

    /// The path of `piece`'s audio.
    public static func path(of piece: Piece, in folder: String) -> String {
        (folder as NSString).appendingPathComponent(piece.file)
    }

    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "\(Self.field(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?: return "\(Self.field(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context)?:
            return context.codingPath.isEmpty ? "not valid JSON" : "\(Self.field(context.codingPath)) is not valid"
        default: return "not valid JSON"
        }
    }

    static func field(_ path: [any CodingKey]) -> String {
        path.reduce("") { text, key in
            if let i = key.intValue { return text + "[\(i)]" }
            return text.isEmpty ? key.stringValue : text + "." + key.stringValue
        }
    }
}
