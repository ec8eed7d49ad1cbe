import ArgumentParser
import Foundation

/// `segue users add NAME`: a ListenBrainz-compatible user whose token scrobblers send.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Users of the ListenBrainz-compatible API.", subcommands: [Add.self, Show.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user and print the token to give scrobblers.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "User name.") var name: String

        func run() throws {
            let (listens, close) = try database.openListenStore(store)
            defer { close() }
            guard try listens.user(named: name) == nil else {
                printError("error: user '\(name)' exists: `segue users show \(name)` prints the token")
                throw ExitCode(1)
            }
            print(try listens.createUser(named: name).token)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a user's token.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "User name.") var name: String

        func run() throws {
            let (listens, close) = try database.openListenStore(store)
            defer { close() }
            guard let user = try listens.user(named: name) else {
                printError("error: no user '\(name)'")
                throw ExitCode(1)
            }
            print(user.token)
        }
    }
}
