import Foundation
import PackagePlugin

/// Compiles the package's `queries/*.sql` into the target it is applied to (TrailCore), as a
/// generated Swift file defining `embeddedQuerySources`, so an installed `trail` carries its
/// named queries and works outside the source tree.
///
/// SwiftPM asks a plugin for its commands again only when the package's structure changes
/// (Package.swift, files added to or removed from a target's folder), and `queries/` belongs to no
/// target. So the tool lists the folder itself when it runs, and the command's inputs are the
/// folder (adding, removing or renaming a query changes it and reruns the tool) and each query
/// file (editing one in place reruns it). The one gap: after a query file is deleted, a build
/// whose plan predates the deletion stops with "missing inputs" naming that file; `touch
/// Package.swift` makes SwiftPM ask the plugin again.
@main
struct EmbedQueries: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appendingPathComponent("queries")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let files = names.filter { $0.hasSuffix(".sql") && !$0.hasPrefix(".") }.sorted()
            .map { folder.appendingPathComponent($0) }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedQueries.swift")
        let folderExists = FileManager.default.fileExists(atPath: folder.path)
        return [
            .buildCommand(
                displayName: "Embedding the named queries into \(target.name)",
                executable: try context.tool(named: "EmbedQueriesTool").url,
                arguments: [output.path, folder.path],
                inputFiles: (folderExists ? [folder] : []) + files,
                outputFiles: [output]
            ),
        ]
    }
}
