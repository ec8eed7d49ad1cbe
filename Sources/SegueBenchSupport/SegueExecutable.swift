import Foundation

/// The `segue` executable the benches start (`segue import`, `segue serve`, `segue worker`): the one
/// beside the running `segue-bench`, so that a bench measures the product built with it.
public enum SegueExecutable {
    /// The path of `segue` in the folder of `benchExecutable` (default: this process's executable).
    /// - Throws: `SegueExecutableError` when there is no executable `segue` there.
    public static func path(besides benchExecutable: String? = nil) throws -> String {
        let own = try benchExecutable ?? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let folder = (own as NSString).deletingLastPathComponent
        let segue = (folder as NSString).appendingPathComponent("segue")
        guard FileManager.default.isExecutableFile(atPath: segue) else { throw SegueExecutableError(folder: folder) }
        return segue
    }
}

/// `segue` is not beside `segue-bench`.
public struct SegueExecutableError: Error, CustomStringConvertible {
    public var folder: String

    public var description: String {
        "there is no segue executable beside segue-bench in \(folder): build it too (swift build --product segue, same configuration)"
    }
}
