/// A window a live dashboard may show: its name in requests (`10m`), its length, and how people read it.
/// The one list of them: the hub keeps a window for each, the API accepts their names, the OpenAPI document
/// lists them, and the Live page offers and describes them.
public struct LiveWindowChoice: Sendable, Equatable {
    /// The name in `?window=`.
    public let name: String
    public let seconds: Int
    /// The page's menu label ("10 min").
    public let label: String
    /// The page's words after a figure ("streams, last 10 min").
    public let phrase: String

    public static let all: [LiveWindowChoice] = [
        LiveWindowChoice(name: "1m", seconds: 60, label: "1 min", phrase: "last minute"),
        LiveWindowChoice(name: "5m", seconds: 300, label: "5 min", phrase: "last 5 min"),
        LiveWindowChoice(name: "10m", seconds: 600, label: "10 min", phrase: "last 10 min"),
        LiveWindowChoice(name: "1h", seconds: 3600, label: "1 hour", phrase: "last hour"),
        LiveWindowChoice(name: "24h", seconds: 86_400, label: "24 hours", phrase: "last 24 hours"),
    ]

    /// The choice named `name`, or nil.
    public static func named(_ name: some StringProtocol) -> LiveWindowChoice? { all.first { $0.name == name } }
}
