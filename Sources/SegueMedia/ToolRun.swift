import Foundation

/// A finished child process: exit status and what it printed.
struct ToolRun {
    var status: Int32
    var stdout: Data
    var stderr: String

    /// Runs `executable` to completion; stderr goes to a temporary file so neither pipe can fill up.
    static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil) throws(MediaError) -> ToolRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("segue-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: errPath.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errPath) }
        guard let errHandle = try? FileHandle(forWritingTo: errPath) else {
            throw .outputNotWritable(path: errPath.path, reason: "cannot create a log file")
        }
        process.standardError = errHandle
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        do { try process.run() } catch { throw .toolNotFound(executable) }
        if let stdin {
            MediaSignals.ignoreSIGPIPE()
            try? input.fileHandleForWriting.write(contentsOf: stdin)
            try? input.fileHandleForWriting.close()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? errHandle.close()
        let log = (try? String(contentsOf: errPath, encoding: .utf8)) ?? ""
        return ToolRun(status: process.terminationStatus, stdout: data, stderr: log)
    }
}

/// Process-wide signal set-up the encoders need.
public enum MediaSignals {
    /// A dying ffmpeg must give EPIPE on write instead of killing Segue with SIGPIPE.
    public static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }
}
