import CSegueBLAS
import Foundation

/// musicnn in Swift: the MSD (and optionally MTT) musicnn models read from the weights that the
/// PyPI package `musicnn` 0.1.0 ships (ISC licence), no TensorFlow or Python at run time.
///
/// Per track: a 200-dimensional embedding (the mean over three-second patches of the `dense`
/// layer before its ReLU, the layer Essentia and AudioMuse-AI take) and tag scores (the mean over
/// patches of the sigmoid outputs).
public struct Musicnn: Sendable {
    /// The folder holding `MSD_musicnn/`, `MTT_musicnn/`, … (the package's `musicnn/` folder).
    public let directory: String
    public let msd: MusicnnNetwork
    public let mtt: MusicnnNetwork?

    /// What musicnn hears in one track.
    public struct Result: Sendable, Equatable, Codable {
        /// The MSD model's embedding, `MusicnnNetwork.embeddingSize` values.
        public var embedding: [Float]
        /// The 50 MSD tag scores in `Musicnn.msdTags` order, 0…1.
        public var tags: [Float]
        /// The 50 MagnaTagATune tag scores in `Musicnn.mttTags` order, when that model was loaded.
        public var mttTags: [Float]?
        /// How many three-second patches were averaged.
        public var patches: Int

        /// The `count` highest-scoring MSD tags, best first.
        public func topTags(_ count: Int = 5) -> [(name: String, score: Float)] {
            zip(Musicnn.msdTags, tags).sorted { $0.1 > $1.1 }.prefix(count).map { ($0.0, $0.1) }
        }
    }

    /// Loads the models under `directory`.
    /// - Parameter mtt: also load the MagnaTagATune model (about doubles the inference time).
    /// - Throws: `AudioError.checkpoint` naming the file when the weights are missing or corrupt.
    public init(directory: String, mtt: Bool = false) throws(AudioError) {
        self.directory = directory
        msd = try MusicnnNetwork(checkpoint: TensorFlowCheckpoint(prefix: Self.prefix(directory, "MSD_musicnn")))
        self.mtt = mtt ? try MusicnnNetwork(checkpoint: TensorFlowCheckpoint(prefix: Self.prefix(directory, "MTT_musicnn"))) : nil
        guard msd.classes == Self.msdTags.count, self.mtt.map({ $0.classes == Self.mttTags.count }) ?? true else {
            throw .checkpoint(path: directory, reason: "the models do not have 50 outputs each")
        }
    }

    /// A model's checkpoint prefix: the package keeps `.index` and `.data-…` directly in the folder.
    public static func prefix(_ directory: String, _ model: String) -> String {
        (directory as NSString).appendingPathComponent(model) + "/"
    }

    /// Where the weights are: `$SEGUE_MUSICNN_DIR`, else `.local/musicnn/musicnn` (where
    /// `scripts/setup.sh` unpacks the wheel) in the working folder or above the executable.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let fm = FileManager.default
        func holdsWeights(_ dir: String) -> Bool {
            fm.fileExists(atPath: TensorFlowCheckpoint.indexPath(prefix: prefix(dir, "MSD_musicnn")))
        }
        if let dir = environment["SEGUE_MUSICNN_DIR"], !dir.isEmpty { return dir }
        var candidates = [(fm.currentDirectoryPath as NSString).appendingPathComponent(".local/musicnn/musicnn")]
        var folder = Bundle.main.executableURL?.resolvingSymlinksInPath().path ?? ""
        for _ in 0..<6 {
            folder = (folder as NSString).deletingLastPathComponent
            guard !folder.isEmpty, folder != "/" else { break }
            candidates.append((folder as NSString).appendingPathComponent(".local/musicnn/musicnn"))
        }
        return candidates.first(where: holdsWeights)
    }

    /// Limits OpenBLAS to `threads` threads (1 when files are analysed in parallel, one per core).
    public static func setBLASThreads(_ threads: Int) {
        segue_blas_set_threads(Int32(max(1, threads)))
    }

    /// Analyses mono samples at 16 kHz (`MusicnnSpectrogram.sampleRate`).
    /// - Throws: `AudioError.tooShort` when there is no audio at all.
    public func analyze(samples: [Float]) throws(AudioError) -> Result {
        try analyze(spectrogram: MusicnnSpectrogram(samples: samples))
    }

    /// Analyses a spectrogram already computed.
    public func analyze(spectrogram: MusicnnSpectrogram) throws(AudioError) -> Result {
        let patches = spectrogram.patches
        guard !patches.isEmpty else { throw .tooShort(seconds: 0) }
        func average(_ network: MusicnnNetwork) -> (embedding: [Float], tags: [Float]) {
            var embedding = [Double](repeating: 0, count: MusicnnNetwork.embeddingSize)
            var tags = [Double](repeating: 0, count: network.classes)
            var scratch = MusicnnNetwork.Scratch()
            for patch in patches {
                let out = network.run(patch: patch, scratch: &scratch)
                for i in embedding.indices { embedding[i] += Double(out.embedding[i]) }
                for i in tags.indices { tags[i] += 1 / (1 + exp(-Double(out.logits[i]))) }
            }
            let n = Double(patches.count)
            return (embedding.map { Float($0 / n) }, tags.map { Float($0 / n) })
        }
        let main = average(msd)
        return Result(embedding: main.embedding, tags: main.tags, mttTags: mtt.map { average($0).tags }, patches: patches.count)
    }

    /// The Million Song Dataset tags of `MSD_musicnn`, in output order (musicnn's `configuration.py`).
    public static let msdTags = [
        "rock", "pop", "alternative", "indie", "electronic", "female vocalists", "dance", "00s", "alternative rock", "jazz",
        "beautiful", "metal", "chillout", "male vocalists", "classic rock", "soul", "indie rock", "Mellow", "electronica", "80s",
        "folk", "90s", "chill", "instrumental", "punk", "oldies", "blues", "hard rock", "ambient", "acoustic",
        "experimental", "female vocalist", "guitar", "Hip-Hop", "70s", "party", "country", "easy listening", "sexy", "catchy",
        "funk", "electro", "heavy metal", "Progressive rock", "60s", "rnb", "indie pop", "sad", "House", "happy",
    ]

    /// The MagnaTagATune tags of `MTT_musicnn`, in output order.
    public static let mttTags = [
        "guitar", "classical", "slow", "techno", "strings", "drums", "electronic", "rock", "fast", "piano",
        "ambient", "beat", "violin", "vocal", "synth", "female", "indian", "opera", "male", "singing",
        "vocals", "no vocals", "harpsichord", "loud", "quiet", "flute", "woman", "male vocal", "no vocal", "pop",
        "soft", "sitar", "solo", "man", "classic", "choir", "voice", "new age", "dance", "male voice",
        "female vocal", "beats", "harp", "cello", "no voice", "weird", "country", "metal", "female voice", "choral",
    ]
}
