import Foundation
import SegueAudio
import SegueStore

extension AnalyzeParameters {
    /// Enqueues one analysis job per `filesPerJob` audio files found under `paths` (relative paths
    /// from the current folder), for `segue library add --queue` and `segue-bench workers`.
    /// - Returns: the jobs queued, the number of files, and the paths that do not exist.
    public static func enqueue(paths: [String], filesPerJob: Int, on queue: any JobStore) throws -> (
        jobs: [JobRecord], files: Int, missing: [String]
    ) {
        let cwd = FileManager.default.currentDirectoryPath
        let absolute = paths.map { $0.hasPrefix("/") ? $0 : (cwd as NSString).appendingPathComponent($0) }
        let (files, missing) = LibraryIngest.audioFiles(absolute)
        var jobs: [JobRecord] = []
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for start in stride(from: 0, to: files.count, by: filesPerJob) {
            let batch = Array(files[start..<min(files.count, start + filesPerJob)])
            let parameters = String(decoding: try JSONEncoder().encode(AnalyzeParameters(paths: batch)), as: UTF8.self)
            let id = (0..<4).map { _ in String(format: "%08x", UInt32.random(in: 0...UInt32.max)) }.joined()
            let job = JobRecord(id: id, owner: "library", kind: AnalyzeParameters.kind, parameters: parameters, createdMillis: now)
            try queue.enqueue(job)
            jobs.append(job)
        }
        return (jobs, files.count, missing)
    }
}
