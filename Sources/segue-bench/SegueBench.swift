import ArgumentParser
import SegueAudio

/// The `segue-bench` command line: Segue's benchmarks, kept out of the `segue` product. Benches that
/// measure the product as people run it start the `segue` executable found beside this one.
@main
struct SegueBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segue-bench", abstract: "Benchmarks; figures go to BENCHMARKS.md.",
        subcommands: [
            BenchImportCommand.self, BenchStoreCommand.self, BenchRaceCommand.self, BenchLiveCommand.self, BenchAnalysisCommand.self,
            BenchPlaylistsCommand.self, BenchWorkersCommand.self, BenchRecapCommand.self,
        ])

    /// Chooses OpenBLAS's kernels as `segue` does (`BLASKernel`), so that the analysis benches run
    /// the kernels the product runs, then runs the command.
    static func main() async {
        BLASKernel.chooseKernelsBeforeLoading()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
