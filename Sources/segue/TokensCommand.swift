import ArgumentParser
import Foundation
import SegueStore

/// `segue tokens create --scope ingest`: tokens for the bulk events API (`POST /api/v1/events`).
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Tokens for the bulk events API.", subcommands: [Create.self, List.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print it (shown once: only its SHA-256 is stored).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "What the token may do: \(IngestToken.scopes.joined(separator: ", ")).") var scope: String
        @Option(help: "A name to tell tokens apart.") var name: String?

        func validate() throws {
            guard IngestToken.scopes.contains(scope) else {
                throw ValidationError("--scope must be one of: \(IngestToken.scopes.joined(separator: ", ")) (got '\(scope)')")
            }
        }

        func run() throws {
            let (listens, close) = try database.openListenStore(store)
            defer { close() }
            print(try listens.createIngestToken(name: name, scope: scope).secret)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens: id, scope, prefix, created, name.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let (listens, close) = try database.openListenStore(store)
            defer { close() }
            for t in try listens.ingestTokens() {
                let created = Date(timeIntervalSince1970: Double(t.createdAt) / 1000).formatted(.iso8601)
                print([String(t.id), t.scope, t.prefix + "…", created, t.name ?? ""].joined(separator: "\t"))
            }
        }
    }
}
