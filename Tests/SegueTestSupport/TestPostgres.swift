import Foundation

/// The throwaway PostgreSQL that scripts/test.sh starts (scripts/pg.sh), for the PostgreSQL runs of
/// the store suites.
///
/// The rule: with `SEGUE_TEST_POSTGRES_URL` set, the PostgreSQL runs happen. Without it, a developer's
/// machine leaves them out; CI (`CI` set) runs them anyway, and they fail saying what is missing:
/// a CI that silently skipped them would pass without testing PostgreSQL at all.
public enum TestPostgres {
    /// What the PostgreSQL runs fail with when they have no server.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "SEGUE_TEST_POSTGRES_URL is not set, and CI must run the PostgreSQL store tests: run them through scripts/test.sh (it starts a throwaway PostgreSQL with scripts/pg.sh)"
        }
    }

    /// The server's URL, when there is one.
    public static var url: String? {
        let value = ProcessInfo.processInfo.environment["SEGUE_TEST_POSTGRES_URL"] ?? ""
        return value.isEmpty ? nil : value
    }

    /// Whether the PostgreSQL runs are part of this test run.
    public static var isEnabled: Bool {
        url != nil || !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty
    }

    /// A URL to a schema of its own (created by the store on first use), so every store starts empty.
    /// - Throws: `Missing` without a server.
    public static func freshSchemaURL(pool: Int = 4) throws -> String {
        guard let url else { throw Missing() }
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        return url + (url.contains("?") ? "&" : "?") + "schema=\(schema)&pool=\(pool)&sslmode=disable"
    }

    /// A shell command that restarts the server (same data, same port), for fault tests.
    public static var restartCommand: String? {
        ProcessInfo.processInfo.environment["SEGUE_TEST_POSTGRES_RESTART"]
    }
}
