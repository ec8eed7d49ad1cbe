import Foundation

/// Bounds on one run of ffmpeg or ffprobe over a file that came from outside: a wall-clock watchdog
/// that ends the child with SIGKILL, and kernel resource limits set on the child before it starts
/// (CPU time, address space, size of files it writes), plus a cap on what Segue reads from it.
public struct ToolLimits: Sendable, Equatable {
    /// Wall-clock seconds before the child is killed with SIGKILL (it may ignore SIGTERM).
    public var wallSeconds: Double
    /// CPU seconds (`RLIMIT_CPU`): the kernel stops a child that computes for longer.
    public var cpuSeconds: Int
    /// Address space in bytes (`RLIMIT_AS`): a child that tries to map more fails its allocation.
    public var addressSpaceBytes: Int
    /// Largest file the child may write, in bytes (`RLIMIT_FSIZE`).
    public var fileSizeBytes: Int
    /// The most bytes read from the child's standard output; past it the child is killed.
    public var maxOutputBytes: Int

    public init(
        wallSeconds: Double = 300, cpuSeconds: Int = 600, addressSpaceBytes: Int = 3 << 30, fileSizeBytes: Int = 1 << 30,
        maxOutputBytes: Int = 1 << 30
    ) {
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        self.addressSpaceBytes = addressSpaceBytes
        self.fileSizeBytes = fileSizeBytes
        self.maxOutputBytes = maxOutputBytes
    }

    /// For ffprobe: two minutes (a 100 MB tag takes tens of seconds on a busy machine), and a few
    /// megabytes of JSON at most.
    public static let probe = ToolLimits(wallSeconds: 120, cpuSeconds: 120, maxOutputBytes: 4 << 20)
    /// For decoding or transcoding a whole file.
    public static let decode = ToolLimits()
}

/// A finished child process: exit status and what it printed.
public struct ToolRun: Sendable {
    /// The exit status, or the signal number that ended it.
    public var status: Int32
    public var stdout: Data
    public var stderr: String
    /// The watchdog killed it (wall-clock limit).
    public var timedOut = false
    /// It printed more than `maxOutputBytes` and was killed.
    public var outputTooLarge = false

    /// Runs `executable` to completion; stderr goes to a temporary file so neither pipe can fill up.
    /// With `limits`, the child runs under `prlimit` (when `prlimit` is given) with those resource
    /// limits, and a watchdog kills it with SIGKILL after `limits.wallSeconds`.
    static func run(
        _ executable: String, _ arguments: [String], stdin: Data? = nil, limits: ToolLimits? = nil, prlimit: String? = nil
    ) throws(MediaError) -> ToolRun {
        let process = Process()
        if let limits, let prlimit {
            process.executableURL = URL(fileURLWithPath: prlimit)
            // `env --default-signal` because a signal ignored here stays ignored across exec: with
            // SIGXFSZ ignored, ffmpeg gets EFBIG, keeps a truncated file and still exits 0.
            let defaults =
                FileManager.default.isExecutableFile(atPath: "/usr/bin/env")
                ? ["/usr/bin/env", "--default-signal=XFSZ,XCPU"] : []
            process.arguments =
                ["--cpu=\(limits.cpuSeconds)", "--as=\(limits.addressSpaceBytes)", "--fsize=\(limits.fileSizeBytes)", "--core=0"]
                + defaults + [executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
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
        do { try process.run() } catch { throw .toolNotFound(process.executableURL?.path ?? executable) }
        let killed = KillFlag()
        var watchdog: DispatchWorkItem?
        if let limits {
            let pid = process.processIdentifier
            let item = DispatchWorkItem {
                killed.set()
                kill(pid, SIGKILL)
            }
            watchdog = item
            DispatchQueue.global().asyncAfter(deadline: .now() + limits.wallSeconds, execute: item)
        }
        if let stdin {
            MediaSignals.ignoreSIGPIPE()
            try? input.fileHandleForWriting.write(contentsOf: stdin)
            try? input.fileHandleForWriting.close()
        }
        let cap = limits?.maxOutputBytes ?? Int.max
        var data = Data()
        var tooLarge = false
        let reader = out.fileHandleForReading
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            if data.count + chunk.count > cap {
                tooLarge = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            data.append(chunk)
        }
        process.waitUntilExit()
        // Cancelled only after the wait: the pid cannot be reused while it is still ours to reap.
        watchdog?.cancel()
        try? errHandle.close()
        let log = (try? String(contentsOf: errPath, encoding: .utf8)) ?? ""
        return ToolRun(
            status: process.terminationStatus, stdout: tooLarge ? Data() : data, stderr: log, timedOut: killed.value,
            outputTooLarge: tooLarge)
    }

    /// Set once by a watchdog, read after the child has exited.
    final class KillFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var flag = false
        func set() { lock.withLock { flag = true } }
        var value: Bool { lock.withLock { flag } }
    }
}

/// Process-wide signal set-up the encoders need.
public enum MediaSignals {
    /// A dying ffmpeg must give EPIPE on write instead of killing Segue with SIGPIPE.
    public static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }
}
