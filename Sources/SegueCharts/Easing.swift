import Foundation

/// Timing curves mapping progress 0...1 to eased progress 0...1.
public enum Easing: String, Sendable, CaseIterable {
    case linear
    case easeInOutSine
    case easeInOutCubic
    case easeOutCubic

    /// The eased value of `t` (clamped to 0...1).
    public func callAsFunction(_ t: Double) -> Double {
        let x = min(1, max(0, t))
        switch self {
        case .linear: return x
        case .easeInOutSine: return -(cos(Double.pi * x) - 1) / 2
        case .easeInOutCubic: return x < 0.5 ? 4 * x * x * x : 1 - pow(-2 * x + 2, 3) / 2
        case .easeOutCubic: return 1 - pow(1 - x, 3)
        }
    }
}
