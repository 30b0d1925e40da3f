import Foundation
import ProgramRunner

/// Runs the Swift compiler on generated code, as the build would, so tests can see the
/// diagnostics a reader would see.
enum Compiler {
    struct Result {
        var status: Int32
        var output: String
    }

    /// `swiftc` next to the `swift` on the PATH.
    static var swiftc: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("swiftc")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Compiles `files` (name -> source) in a fresh folder with `arguments`, returning the
    /// compiler's status and combined output. With `run`, also runs the program built.
    static func compile(_ files: [String: String], arguments: [String], run: Bool = false) throws -> Result {
        guard let swiftc else { throw CompilerMissing() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-tangle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for (name, source) in files.sorted(by: { $0.key < $1.key }) {
            let url = folder.appendingPathComponent(name)
            try source.write(to: url, atomically: true, encoding: .utf8)
            paths.append(url.path)
        }
        let binary = folder.appendingPathComponent("program").path
        let compiled = try execute(swiftc, arguments + paths + (run ? ["-o", binary] : []))
        guard run, compiled.status == 0 else { return compiled }
        return try execute(URL(fileURLWithPath: binary), [])
    }

    private static func execute(_ executable: URL, _ arguments: [String]) throws -> Result {
        let result = try Subprocess.run(executable.path, arguments)
        return Result(status: result.status, output: result.text)
    }

    struct CompilerMissing: Error, CustomStringConvertible {
        var description: String { "swiftc was not found on the PATH" }
    }
}
