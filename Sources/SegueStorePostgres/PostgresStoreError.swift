import PostgresNIO

/// What the PostgreSQL stores fail with; each case says what to do about it.
public enum PostgresStoreError: Error, CustomStringConvertible, Sendable {
    /// The `postgres://` URL could not be read.
    case badURL(String, reason: String)
    /// No connection could be made (or kept) within the time allowed.
    case unavailable(String)
    /// The server answered with an error (the message includes its SQLSTATE).
    case server(String)
    /// The database was migrated by a newer Segue.
    case schemaTooNew(found: Int, known: Int)
    /// Something this backend does not do yet.
    case unsupported(String)

    public var description: String {
        switch self {
        case .badURL(let url, let reason):
            "bad PostgreSQL URL '\(url)': \(reason) (expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require&schema=NAME])"
        case .unavailable(let why): "PostgreSQL is unavailable: \(why)"
        case .server(let message): "PostgreSQL error: \(message)"
        case .schemaTooNew(let found, let known):
            "the database's schema is at version \(found), newer than this Segue knows (\(known)): upgrade Segue"
        case .unsupported(let what): "not supported on PostgreSQL yet: \(what)"
        }
    }

    /// A readable form of a postgres-nio error (its `description` hides the server's message).
    static func wrap(_ error: any Error) -> any Error {
        guard let e = error as? PSQLError else { return error }
        if let info = e.serverInfo {
            let state = info[.sqlState] ?? "?"
            var text = "\(info[.message] ?? "error") (SQLSTATE \(state))"
            if let detail = info[.detail] { text += ": \(detail)" }
            return PostgresStoreError.server(text)
        }
        return e
    }
}
