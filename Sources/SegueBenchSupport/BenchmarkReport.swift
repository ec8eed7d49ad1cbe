import Foundation

/// Writes one benchmark's section into BENCHMARKS.md, replacing that section only.
public enum BenchmarkReport {
    /// Replaces the section headed `## title` in `file` (up to the next `## ` heading) with `body`,
    /// or appends it; creates the file with its preamble when there is none.
    public static func write(section title: String, body: String, file: String = "BENCHMARKS.md") throws {
        let heading = "## \(title)"
        var text =
            (try? String(contentsOfFile: file, encoding: .utf8))
            ?? "# Benchmarks\n\nWritten by `segue-bench …` (release build); each figure sits beside its anchor from the same run.\n"
        var lines = text.components(separatedBy: "\n")
        if let start = lines.firstIndex(of: heading) {
            var end = start + 1
            while end < lines.count && !lines[end].hasPrefix("## ") { end += 1 }
            lines.replaceSubrange(start..<end, with: (heading + "\n" + body + "\n").components(separatedBy: "\n"))
            text = lines.joined(separator: "\n")
        } else {
            if !text.hasSuffix("\n") { text += "\n" }
            text += "\n" + heading + "\n" + body + "\n"
        }
        try text.write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// A description of this machine for the report.
    public static func machine() -> String {
        let cpu =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .components(separatedBy: "\n").first { $0.hasPrefix("model name") }?
            .components(separatedBy: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu)"
    }
}

/// Runs a child process and returns its wall time, exit status, standard output and peak memory.
public struct ChildRun: Sendable {
    public var seconds: Double
    public var status: Int32
    public var output: String
    /// The child's own peak resident set, in MiB, measured by GNU time.
    ///
    /// `getrusage(RUSAGE_CHILDREN)` would not do: Linux counts the resident set a child inherits
    /// before `exec`, and the benchmark holds the generated export in memory.
    public var peakMiB: Double

    /// Runs `executable` under GNU time (`/usr/bin/time`) with its standard output captured.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ChildRun {
        let process = Process()
        let report = (NSTemporaryDirectory() as NSString).appendingPathComponent("segue-time-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(atPath: report) }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-f", "%M", "-o", report, executable] + arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        let start = DispatchTime.now()
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let kilobytes =
            (try? String(contentsOfFile: report, encoding: .utf8))?
            .split(separator: "\n").last.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        return ChildRun(
            seconds: seconds, status: process.terminationStatus, output: String(decoding: data, as: UTF8.self),
            peakMiB: kilobytes / 1024)
    }
}

/// The middle value (the upper one of an even count); 0 for none.
public func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.isEmpty ? 0 : s[s.count / 2]
}
