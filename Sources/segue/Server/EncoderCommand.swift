import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SegueMedia
import SegueServer

/// `segue encoder serve`: encode videos for other machines (the GPU box of a scaled deployment).
struct EncoderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encoder", abstract: "The encoder service: encodes frame streams sent by `segue race --encoder URL`.",
        subcommands: [Serve.self])

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept frame streams over HTTP and answer with the encoded video (MP4, WebM or GIF).")

        @Option(help: "Address to listen on (0.0.0.0 for other machines).")
        var host = "127.0.0.1"

        @Option(help: "Port to listen on.")
        var port = 8090

        @Option(help: "Videos encoded at once; later streams wait for a slot.")
        var concurrent = 2

        @Option(help: "Log level: trace, debug, info, notice, warning, error.")
        var logLevel = "info"

        func validate() throws {
            guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1 to 65535") }
            guard (1...64).contains(concurrent) else { throw ValidationError("--concurrent must be 1 to 64") }
        }

        func run() async throws {
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let logger = Logger(label: "segue.encoder")
            let tools: FFmpegTools
            do {
                tools = try FFmpegTools.locate()
            } catch {
                throw ValidationError("\(error)")
            }
            let service = EncoderService(tools: tools, concurrentEncodes: concurrent)
            logger.info(
                "Segue encoder service is listening",
                metadata: ["url": "http://\(host):\(port)/v1/encode", "h264": "\(service.autoH264.rawValue)"])
            let app = Application(
                router: service.router(logger: logger),
                configuration: .init(address: .hostname(host, port: port), serverName: "segue-encoder"), logger: logger)
            try await app.runService()
        }
    }
}
