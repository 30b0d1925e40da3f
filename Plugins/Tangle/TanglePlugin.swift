import Foundation
import PackagePlugin

/// Runs `tangle` at build time, so the chapters' Markdown stays the only source of truth.
///
/// - On the `Unrolled` library: one generated file per chapter with its `swift lib` cells.
/// - On a chapter target `chNN`: a `main.swift` from `chapters/NN-*.md`.
///
/// Each command lists its chapter as input, so SwiftPM re-tangles only what changed.
@main
struct TanglePlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tangle = try context.tool(named: "tangle").url
        let chaptersFolder = context.package.directoryURL.appending(path: "chapters")
        let chapterFiles = ((try? FileManager.default.contentsOfDirectory(atPath: chaptersFolder.path)) ?? [])
            .filter { $0.hasSuffix(".md") }
            .sorted()

        func command(_ part: String, _ fileName: String, output: URL) -> Command {
            .buildCommand(
                displayName: "Tangling \(part) of chapters/\(fileName)",
                executable: tangle,
                arguments: [
                    part, chaptersFolder.appending(path: fileName).path,
                    "--display-path", "chapters/\(fileName)",
                    "--output", output.path,
                ],
                inputFiles: [chaptersFolder.appending(path: fileName)],
                outputFiles: [output]
            )
        }

        if target.name == "Unrolled" {
            return chapterFiles.map { fileName in
                let stem = fileName.dropLast(3)
                return command("library", fileName, output: context.pluginWorkDirectoryURL.appending(path: "Library_\(stem).swift"))
            }
        }
        // A chapter target: ch01 is built from chapters/01-*.md.
        let number = target.name.dropFirst(2)
        guard target.name.hasPrefix("ch"), let fileName = chapterFiles.first(where: { $0.hasPrefix(number + "-") }) else {
            Diagnostics.error("Tangle: no chapter file chapters/\(number)-*.md for target \(target.name)")
            return []
        }
        return [command("program", fileName, output: context.pluginWorkDirectoryURL.appending(path: "main.swift"))]
    }
}
