/// A published recap: a read-only page at `/r/TOKEN` that anyone with the link may read.
///
/// Only the token's SHA-256 is stored, so a copy of the database cannot open the pages; the owner
/// sees the link once, when it is made.
public struct RecapShare: Sendable, Equatable, Codable {
    public var id: Int64
    /// The profile whose recap it shows.
    public var owner: String
    /// SHA-256 of the token, 64 lowercase hex digits.
    public var tokenHash: String
    /// The recap's query as the API takes it (`year=2024`, `from=…&to=…&tz=…`), checked when made.
    public var query: String
    /// `dark` or `light`.
    public var theme: String
    public var createdMillis: Int64

    public init(id: Int64, owner: String, tokenHash: String, query: String, theme: String, createdMillis: Int64) {
        self.id = id
        self.owner = owner
        self.tokenHash = tokenHash
        self.query = query
        self.theme = theme
        self.createdMillis = createdMillis
    }
}

/// Where published recaps are kept (the web store's file, or PostgreSQL).
public protocol RecapShareStore: Sendable {
    /// Stores a new share and returns it with its id.
    func addRecapShare(owner: String, tokenHash: String, query: String, theme: String, millis: Int64) throws -> RecapShare
    /// The shares of `owner`, newest first.
    func recapShares(owner: String) throws -> [RecapShare]
    /// The share whose token hashes to `tokenHash`, or nil (never made, or revoked).
    func recapShare(tokenHash: String) throws -> RecapShare?
    /// Revokes (erases) share `id` when `owner` made it; false when there is no such share of theirs.
    func revokeRecapShare(id: Int64, owner: String) throws -> Bool
    /// Erases every share of `owner` (their session and data are gone).
    func deleteRecapShares(owner: String) throws
}
