/// What other nodes sharing the database stored into the live listens and events, delivered to
/// this node's live view once each (the node counts what it stores itself).
public protocol LiveFeed: Sendable {
    /// Delivers other nodes' plays until the task is cancelled, reconnecting when needed.
    func run(_ deliver: @escaping @Sendable ([RecentPlay]) async -> Void) async
}
