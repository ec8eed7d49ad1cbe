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

        @Option(help: "Address to listen on (127.0.0.1 unless told otherwise; 0.0.0.0 for other machines, on a private network).")
        var host = "127.0.0.1"

        @Option(help: "Port to listen on.")
        var port = 8090

        @Option(help: "Videos encoded at once; later streams wait for a slot.")
        var concurrent = 2

        @Option(help: "A file holding the token clients must send (they set SEGUE_ENCODER_TOKEN to it). Required.")
        var tokenFile: String

        @Option(help: "Frame streams that may wait for a slot; more are refused (429).")
        var maxWaiting = 8

        @Option(help: "Longest frame stream accepted, in megabytes.")
        var maxStreamMb = 6144

        @Option(help: "Log level: trace, debug, info, notice, warning, error.")
        var logLevel = "info"

        func validate() throws {
            guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1 to 65535") }
            guard (1...64).contains(concurrent) else { throw ValidationError("--concurrent must be 1 to 64") }
            guard (0...1000).contains(maxWaiting) else { throw ValidationError("--max-waiting must be 0 to 1000") }
            guard maxStreamMb >= 1 else { throw ValidationError("--max-stream-mb must be positive") }
            _ = try token()
        }

        /// The token from `--token-file` (its first line).
        func token() throws -> String {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw ValidationError("cannot read the token file \(tokenFile)")
            }
            let token = String(text.prefix { $0 != "\n" && $0 != "\r" }).trimmingCharacters(in: .whitespaces)
            guard token.count >= 16 else {
                throw ValidationError("the token in \(tokenFile) is shorter than 16 characters: put a long random one there (openssl rand -hex 32)")
            }
            return token
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
            let service = EncoderService(
                tools: tools, concurrentEncodes: concurrent, maxWaiting: maxWaiting, token: try token(),
                maxStreamBytes: maxStreamMb * 1024 * 1024)
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
