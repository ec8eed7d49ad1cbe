import ArgumentParser
import SegueAudio

/// The `segue` command line: thin parsing over the library targets.
@main
struct Segue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segue",
        abstract: "Your music history, visualized; listening, live; seamless playlists.",
        subcommands: [
            ImportCommand.self, ExportCommand.self, TopCommand.self, StatsCommand.self, RecapCommand.self, ChartCommand.self, RaceCommand.self,
            AnalyzeCommand.self, LibraryCommand.self, PlaylistCommand.self, PlayersCommand.self, SimilarCommand.self, UsersCommand.self,
            TokensCommand.self, SimulateCommand.self, ProfilesCommand.self, DemoCommand.self, ServeCommand.self, WorkerCommand.self,
            EncoderCommand.self, FeedbackCommand.self,
        ])

    /// Chooses OpenBLAS's AVX-512 kernels when the CPU has them (`BLASKernel`; `OPENBLAS_CORETYPE`
    /// set by the user wins) for whenever OpenBLAS is loaded, then runs the command.
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
