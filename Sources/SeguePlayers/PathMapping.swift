/// Rewrites the start of a path from how Segue sees the library to how a player's server sees it
/// (`/home/me/Music=/music` for a server in a container mounting the same folder at /music).
public struct PathMapping: Sendable, Equatable, Codable {
    public var from: String
    public var to: String

    /// Parses `FROM=TO`; both absolute.
    public init(_ text: String) throws(PlayerError) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, parts[0].hasPrefix("/"), parts[1].hasPrefix("/"), !parts[0].contains("\n"), !parts[1].contains("\n") else {
            throw PlayerError.invalidPathMapping(text)
        }
        self.init(from: parts[0], to: parts[1])
    }

    public init(from: String, to: String) {
        self.from = Self.trimmed(from)
        self.to = Self.trimmed(to)
    }

    /// `path` with `from` replaced by `to` when it starts with `from` as whole folders; else unchanged.
    public func apply(_ path: String) -> String {
        if path == from { return to }
        let prefix = from == "/" ? "/" : from + "/"
        guard path.hasPrefix(prefix) else { return path }
        let rest = path.dropFirst(prefix.count)
        return to == "/" ? "/" + rest : to + "/" + rest
    }

    private static func trimmed(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }
}
