import SegueAudio

/// How a key answer relates to the truth, for the misses `segue-bench analysis --truth-set` lists.
public enum KeyRelation: String, Sendable, Codable, CaseIterable {
    case exact, dominant, subdominant, relative, parallel, other

    public init(truth: (tonic: Int, mode: KeyDescriptor.Mode), found: (tonic: Int, mode: KeyDescriptor.Mode)) {
        let up = (found.tonic - truth.tonic + 12) % 12
        if truth == found {
            self = .exact
        } else if truth.mode == found.mode && up == 7 {
            self = .dominant
        } else if truth.mode == found.mode && up == 5 {
            self = .subdominant
        } else if truth.mode != found.mode && up == (truth.mode == .major ? 9 : 3) {
            self = .relative
        } else if up == 0 {
            self = .parallel
        } else {
            self = .other
        }
    }
}
