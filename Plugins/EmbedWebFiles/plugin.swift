import Foundation
import PackagePlugin

/// Compiles the files under a target's `Web/` folder into the target as `WebFiles.files` (raw string
/// literals written by `segue-embed`), so the binary serves them wherever it is copied: SwiftPM resources
/// would need a bundle folder beside the executable on Linux.
@main
struct EmbedWebFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = target.directoryURL.appending(path: "Web")
        var files: [URL] = []
        if let walk = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walk where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                if !url.lastPathComponent.hasPrefix(".") { files.append(url) }
            }
        }
        files.sort { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "WebFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) web files into \(target.name)",
                executable: try context.tool(named: "segue-embed").url,
                arguments: [output.path, "WebFiles", root.path] + files.map(\.path),
                inputFiles: files, outputFiles: [output])
        ]
    }
}
