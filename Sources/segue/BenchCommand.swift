import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks; figures go to BENCHMARKS.md.",
        subcommands: [
            BenchImportCommand.self, BenchStoreCommand.self, BenchRaceCommand.self, BenchLiveCommand.self, BenchAnalysisCommand.self,
            BenchPlaylistsCommand.self, BenchWorkersCommand.self, BenchRecapCommand.self,
        ])
}
