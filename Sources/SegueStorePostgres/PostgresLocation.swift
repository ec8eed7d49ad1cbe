import Foundation
import PostgresNIO

/// Where a PostgreSQL database is, read from a `postgres://` URL.
///
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` with optional query items `sslmode`
/// (`disable`, `prefer`: the default, `require`), `schema` (tables go in this schema, created when
/// missing; `public` by default), `pool` (the largest number of connections, 20 by default) and
/// `application_name` (`segue` by default).
/// A `host` query item naming a folder connects through the Unix socket in that folder.
public struct PostgresLocation: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var socketFolder: String?
    public var username: String
    public var password: String?
    public var database: String
    public var schema: String
    public var tls: TLSMode
    public var maximumConnections: Int
    /// How the connections name themselves in `pg_stat_activity` (`application_name`).
    public var applicationName: String

    /// How the connection is encrypted.
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    /// Whether `text` looks like a PostgreSQL URL (and not a file path).
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(url text: String) throws {
        func bad(_ reason: String) -> PostgresStoreError { .badURL(text, reason: reason) }
        guard Self.isURL(text), let url = URLComponents(string: text) else { throw bad("not a postgres:// URL") }
        var query: [String: String] = [:]
        for item in url.queryItems ?? [] { query[item.name] = item.value ?? "" }
        socketFolder = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        host = url.host ?? ""
        if host.isEmpty && socketFolder == nil { throw bad("no host") }
        port = url.port ?? 5432
        username = url.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = url.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        guard !path.isEmpty, !path.contains("/") else { throw bad("no database name after the host") }
        database = path
        schema = query["schema"] ?? "public"
        guard schema.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw bad("schema must be lower-case letters, digits and underscores")
        }
        guard let mode = TLSMode(rawValue: query["sslmode"] ?? "prefer") else { throw bad("sslmode must be disable, prefer or require") }
        tls = mode
        guard let pool = Int(query["pool"] ?? "20"), pool > 0 else { throw bad("pool must be a positive number") }
        maximumConnections = pool
        applicationName = query["application_name"] ?? "segue"
    }

    /// The URL without its password (for logs and messages).
    public var redacted: String {
        "postgres://\(username)@\(socketFolder == nil ? "\(host):\(port)" : "[\(socketFolder!)]")/\(database)"
            + (schema == "public" ? "" : "?schema=\(schema)")
    }

    /// postgres-nio's configuration for this location.
    func clientConfiguration() throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketFolder {
            configuration = .init(
                unixSocketPath: socketFolder + "/.s.PGSQL.\(port)", username: username, password: password, database: database)
        } else {
            let tlsConfiguration: PostgresClient.Configuration.TLS
            switch tls {
            case .disable: tlsConfiguration = .disable
            case .prefer: tlsConfiguration = .prefer(.makeClientConfiguration())
            case .require: tlsConfiguration = .require(.makeClientConfiguration())
            }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tlsConfiguration)
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        // Every connection works in the store's schema; `public` stays on the path for the vector type.
        configuration.options.additionalStartupParameters = [
            ("search_path", schema == "public" ? "public" : "\(schema), public"), ("application_name", applicationName),
        ]
        return configuration
    }
}
