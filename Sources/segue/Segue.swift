import ArgumentParser

/// The `segue` command line: thin parsing over the library targets.
@main
struct Segue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segue",
        abstract: "Your music history, visualized; listening, live; seamless playlists.",
        subcommands: [
            ImportCommand.self, TopCommand.self, StatsCommand.self, ChartCommand.self, RaceCommand.self,
            AnalyzeCommand.self, LibraryCommand.self, PlaylistCommand.self, SimilarCommand.self, UsersCommand.self, TokensCommand.self, SimulateCommand.self, ProfilesCommand.self, DemoCommand.self, BenchCommand.self, ServeCommand.self, WorkerCommand.self, EncoderCommand.self, FeedbackCommand.self,
        ])
}
