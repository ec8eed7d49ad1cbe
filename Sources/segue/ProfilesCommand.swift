import ArgumentParser
import Foundation
import SegueStore

struct ProfilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles", abstract: "List profiles, or delete one with all its data.",
        subcommands: [List.self, Delete.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        @OptionGroup var store: StoreOptions
        @OptionGroup var database: DatabaseOptions
        func run() throws {
            for p in try database.openStore(store).profiles() { print(p.name) }
        }
    }

    struct Delete: ParsableCommand {
        @OptionGroup var store: StoreOptions
        @OptionGroup var database: DatabaseOptions
        func run() throws {
            let db = try database.openStore(store)
            guard try db.existingProfile(named: store.profile) != nil else {
                printError("error: no profile '\(store.profile)'")
                throw ExitCode(1)
            }
            try db.deleteProfile(named: store.profile)
            print("Deleted profile '\(store.profile)' and all its plays.")
        }
    }
}
