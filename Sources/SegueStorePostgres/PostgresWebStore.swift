import Foundation
import PostgresNIO
import SegueStore

/// Web sessions and feedback on PostgreSQL: a browser's cookie works on every node behind the
/// load balancer, and feedback sent to any node is read in one place.
public final class PostgresWebStore: SessionStore, FeedbackStore, @unchecked Sendable {
    public let backend: PostgresBackend

    public init(backend: PostgresBackend) {
        self.backend = backend
    }

    // MARK: Sessions

    private static let sessionColumns = "id, profile_name, csrf_token, created_ms, last_seen_ms"

    private static func session(_ row: PostgresRow) throws -> WebSession {
        let (id, profile, csrf, created, seen) = try row.decode((String, String, String, Int64, Int64).self)
        return WebSession(id: id, profileName: profile, csrfToken: csrf, createdMillis: created, lastSeenMillis: seen)
    }

    public func insertSession(_ session: WebSession) throws {
        try backend.withConnection { db in
            try db.query(
                """
                INSERT INTO web_session(id, profile_name, csrf_token, created_ms, last_seen_ms)
                VALUES (\(session.id), \(session.profileName), \(session.csrfToken), \(session.createdMillis), \(session.lastSeenMillis))
                """)
        }
    }

    public func session(id: String) throws -> WebSession? {
        var binds = PostgresBindings()
        binds.append(id)
        return try backend.withConnection { db in
            try db.query(PostgresQuery(unsafeSQL: "SELECT \(Self.sessionColumns) FROM web_session WHERE id = $1", binds: binds))
                .rows.first.map(Self.session)
        }
    }

    public func touchSession(id: String, millis: Int64) throws {
        try backend.withConnection { db in
            // Never backwards: two nodes may touch one session out of order.
            try db.query("UPDATE web_session SET last_seen_ms = greatest(last_seen_ms, \(millis)) WHERE id = \(id)")
        }
    }

    public func deleteSession(id: String) throws {
        try backend.withConnection { db in try db.query("DELETE FROM web_session WHERE id = \(id)") }
    }

    public func sessions(idleBefore millis: Int64) throws -> [WebSession] {
        var binds = PostgresBindings()
        binds.append(millis)
        return try backend.withConnection { db in
            try db.query(
                PostgresQuery(unsafeSQL: "SELECT \(Self.sessionColumns) FROM web_session WHERE last_seen_ms < $1", binds: binds)
            ).rows.map(Self.session)
        }
    }

    // MARK: Feedback

    public func addFeedback(message: String, rating: Int?, contact: String?, millis: Int64) throws -> Int64 {
        let stars = rating.map { Int32(clamping: $0) }
        return try backend.withConnection { db in
            let row = try db.query(
                "INSERT INTO feedback(message, rating, contact, created_ms) VALUES (\(message), \(stars), \(contact), \(millis)) RETURNING id"
            ).rows.first
            guard let row else { throw PostgresStoreError.server("INSERT INTO feedback returned no id") }
            return try row.decode(Int64.self)
        }
    }

    public func feedback(limit: Int) throws -> [FeedbackEntry] {
        try backend.withConnection { db in
            try db.query(
                "SELECT id, message, rating, contact, created_ms FROM feedback ORDER BY created_ms DESC, id DESC LIMIT \(Int64(limit))"
            ).rows.map {
                let (id, message, rating, contact, created) = try $0.decode((Int64, String, Int32?, String?, Int64).self)
                return FeedbackEntry(id: id, message: message, rating: rating.map(Int.init), contact: contact, createdMillis: created)
            }
        }
    }
}
