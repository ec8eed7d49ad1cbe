import ArgumentParser
import Foundation
import SegueModel
import SegueStore

/// `segue users add NAME`: a ListenBrainz-compatible user whose token scrobblers send.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Users of the ListenBrainz-compatible API.", subcommands: [Add.self, Show.self, NewToken.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user and print the token to give scrobblers.",
            discussion: """
                Every listen the user's scrobblers submit is a play of a profile: in its top lists, stats and \
                races as soon as it is stored. That is the profile given with --profile, else the one named \
                like the user (on a --single-user server, its one profile).
                """)
        @OptionGroup var store: StoreOptions
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "User name.") var name: String

        func run() throws {
            let (listens, close) = try database.openListenStore(store)
            defer { close() }
            guard try listens.user(named: name) == nil else {
                printError("error: user '\(name)' exists: `segue users new-token \(name)` gives it a new token")
                throw ExitCode(1)
            }
            print(try listens.createUser(named: name, profile: store.givenProfile).token)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether a user exists (its token is stored only as a SHA-256).")
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
            print(
                "\(TerminalText.escape(user.name)): the token was printed once when it was made and only its SHA-256 is kept; "
                    + "`segue users new-token \(TerminalText.escape(user.name))` replaces it")
        }
    }

    struct NewToken: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new-token", abstract: "Give a user a new token and print it (the old one stops working).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "User name.") var name: String

        func run() throws {
            let (listens, close) = try database.openListenStore(store)
            defer { close() }
            guard let user = try listens.replaceToken(named: name) else {
                printError("error: no user '\(name)': `segue users add \(name)` creates it")
                throw ExitCode(1)
            }
            print(user.token)
        }
    }
}
