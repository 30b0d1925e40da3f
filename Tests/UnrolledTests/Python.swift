import Foundation
import ProgramRunner

/// Runs Python 3 for the tests that check our work against numpy: the safetensors files
/// and the numpy benchmark reference. Without python3 and its packages those tests are
/// skipped and say why (`make test` installs numpy and safetensors with pip when it can).
enum Python {
    /// Whether `python3` runs here and imports numpy.
    static let hasNumpy: Bool = (try? run("import numpy").status) == 0

    /// Whether `python3` runs here and imports numpy and safetensors.
    static let hasSafetensors: Bool = (try? run("import numpy, safetensors.numpy").status) == 0

    /// Runs `script` with `arguments` as `sys.argv[1...]`; returns the exit status and
    /// what it printed (standard output and error together).
    static func run(_ script: String, arguments: [String] = []) throws -> (status: Int32, output: String) {
        try runPython(["-c", script] + arguments)
    }

    /// Runs the Python file at `path` with `arguments`.
    static func run(file path: String, arguments: [String] = []) throws -> (status: Int32, output: String) {
        try runPython([path] + arguments)
    }

    private static func runPython(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try Subprocess.run("python3", arguments)
        return (result.status, result.text)
    }
}
