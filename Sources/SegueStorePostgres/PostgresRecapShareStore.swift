import Foundation
import PostgresNIO
import SegueStore

/// Published recaps on PostgreSQL (the same rows as the SQLite web store's `recap_share`).
public final class PostgresRecapShareStore: RecapShareStore, @unchecked Sendable {
    public let backend: PostgresBackend

    public init(backend: PostgresBackend) {
        self.backend = backend
    }

    private static let columns = "id, owner, token_sha256, query, theme, created_ms"

    private static func share(_ row: PostgresRow) throws -> RecapShare {
        let r = row.makeRandomAccess()
        return RecapShare(
            id: try r[0].decode(Int64.self), owner: try r[1].decode(String.self), tokenHash: try r[2].decode(String.self),
            query: try r[3].decode(String.self), theme: try r[4].decode(String.self), createdMillis: try r[5].decode(Int64.self))
    }

    public func addRecapShare(owner: String, tokenHash: String, query: String, theme: String, millis: Int64) throws -> RecapShare {
        let insert: PostgresQuery = """
            INSERT INTO recap_share(owner, token_sha256, query, theme, created_ms) VALUES (\(owner), \(tokenHash), \(query), \(theme), \(millis))
            """
        let sql = PostgresQuery(unsafeSQL: insert.sql + " RETURNING " + Self.columns, binds: insert.binds)
        return try backend.withConnection { db in
            guard let row = try db.query(sql).rows.first else { throw PostgresStoreError.server("INSERT INTO recap_share returned no row") }
            return try Self.share(row)
        }
    }

    public func recapShares(owner: String) throws -> [RecapShare] {
        var binds = PostgresBindings()
        binds.append(owner)
        let sql = PostgresQuery(
            unsafeSQL: "SELECT \(Self.columns) FROM recap_share WHERE owner = $1 ORDER BY created_ms DESC, id DESC", binds: binds)
        return try backend.withConnection { db in try db.query(sql).rows.map(Self.share) }
    }

    public func recapShare(tokenHash: String) throws -> RecapShare? {
        var binds = PostgresBindings()
        binds.append(tokenHash)
        let sql = PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM recap_share WHERE token_sha256 = $1", binds: binds)
        return try backend.withConnection { db in try db.query(sql).rows.first.map(Self.share) }
    }

    public func revokeRecapShare(id: Int64, owner: String) throws -> Bool {
        try backend.withConnection { db in
            try db.changes("DELETE FROM recap_share WHERE id = \(id) AND owner = \(owner)") > 0
        }
    }

    public func deleteRecapShares(owner: String) throws {
        try backend.withConnection { db in
            try db.query("DELETE FROM recap_share WHERE owner = \(owner)")
        }
    }
}
