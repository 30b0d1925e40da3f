import Foundation
import Literate
import ProgramRunner
import Testing
@testable import Site

/// The run cache must never serve numbers that a change to the program's code would have
/// changed: its key covers every source a chapter program is built from, found by listing
/// the folders, and what it leaves out is named and checked here.
@Suite(.serialized) struct RunKeyTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL

    @Test func theKeyCoversEveryProgramSourceAndNoToolOnlyOne() {
        let sources = RunKey.programSources(packageRoot: Self.packageRoot)
        for path in ["Package.swift", "Plugins/Tangle/TanglePlugin.swift", "Sources/Literate/Tangler.swift",
                     "Sources/CommandLineSupport/CommandLineSupport.swift", "Sources/SafeTensors/CharModelCheckpoint.swift",
                     "Sources/Notebook/Claims.swift", "Sources/UnrolledKernels/SharedWeightProducts.swift",
                     "Sources/CAllocator/Allocator.c", "Sources/CBLAS/shim.h", "Sources/CBLAS/module.modulemap",
                     "Sources/Chapters/ch03/ch03.swift"] {
            #expect(sources[path] != nil, "\(path) is not in the run key")
        }
        for path in sources.keys {
            let target = path.split(separator: "/").dropFirst().first.map(String.init) ?? ""
            #expect(!(path.hasPrefix("Sources/") && (RunKey.toolOnlyTargets.contains(target) || RunKey.recordedWhenUsed.contains(target))), "\(path)")
        }
    }

    /// The lists of what the key leaves out are checked against the manifest: no chapter
    /// program depends on a tool-only target, every recorded-when-used target is linked
    /// by them, and every folder under Sources/ is one or the other or in the key.
    @Test func toolOnlyTargetsAreLinkedByNoChapter() throws {
        // Its own scratch folder: `swift test` holds the package's .build while the tests run.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-manifest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try Subprocess.run("swift", ["package", "--scratch-path", scratch.path, "dump-package"], directory: Self.packageRoot, timeout: 300)
        try #require(result.succeeded, "swift package dump-package failed")
        let manifest = try #require(try JSONSerialization.jsonObject(with: result.standardOutput) as? [String: Any])
        let targets = try #require(manifest["targets"] as? [[String: Any]])
        var dependencies: [String: [String]] = [:]
        for target in targets {
            let name = target["name"] as! String
            let uses = (target["dependencies"] as? [[String: Any]] ?? []) + (target["pluginUsages"] as? [[String: Any]] ?? [])
            dependencies[name] = uses.compactMap { use in
                for kind in ["byName", "target", "plugin"] { if let value = use[kind] as? [Any], let dependency = value.first as? String { return dependency } }
                return nil  // a product of another package
            }
        }
        var linked = Set<String>()
        var pending = dependencies.keys.filter { $0.hasPrefix("ch") && $0.count == 4 }
        while let next = pending.popLast() {
            guard linked.insert(next).inserted else { continue }
            pending += dependencies[next] ?? []
        }
        #expect(linked.isDisjoint(with: RunKey.toolOnlyTargets), "\(linked.intersection(RunKey.toolOnlyTargets))")
        #expect(RunKey.recordedWhenUsed.isSubset(of: linked))
        let folders = try FileManager.default.contentsOfDirectory(atPath: Self.packageRoot.appendingPathComponent("Sources").path)
        for folder in folders where folder != "Chapters" {
            #expect(linked.contains(folder) || RunKey.toolOnlyTargets.contains(folder), "Sources/\(folder) is neither linked by a chapter nor listed as tool-only")
        }
    }

    /// Touching the packed kernel's C file re-runs the chapters whose runs used it (they
    /// list it among their inputs) and no other; touching the library re-runs all; touching
    /// a tool re-runs none.
    @Test func touchingTheKernelRerunsOnlyTheChaptersThatUsedIt() throws {
        let fixture = try SiteFixture()
        defer { fixture.remove() }
        for target in ["ch03", "ch10"] {
            let number = target.dropFirst(2)
            try fixture.write("\(number)-\(target).md", "# Chapter \(number)\n\n```swift\nprint(\(number))\n```\n")
        }
        func write(_ path: String, _ text: String) throws {
            let url = fixture.root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let kernel = "Sources/CPackedGEMM/PackedGEMM.c"
        try write(kernel, "void packed_gemm(void) {}\n")
        try write("Sources/Unrolled/Matrix.swift", "struct Matrix {}\n")
        try write("Sources/book/Book.swift", "// the command\n")
        let runner = FakeRunner()
        runner.inputs["ch10"] = [fixture.root.appendingPathComponent(kernel).path]
        _ = try fixture.build(runner)
        #expect(runner.calls.sorted() == ["ch01", "ch03", "ch10"])

        try write(kernel, "void packed_gemm(void) {}\n// a comment\n")
        runner.calls = []
        _ = try fixture.build(runner)
        #expect(runner.calls == ["ch10"], "the kernel changed: only the chapter that used it runs again")

        try write("Sources/book/Book.swift", "// the command, edited\n")
        runner.calls = []
        _ = try fixture.build(runner)
        #expect(runner.calls.isEmpty, "a tool changed: no chapter runs again")

        try write("Sources/Unrolled/Matrix.swift", "struct Matrix { var rows = 0 }\n")
        runner.calls = []
        _ = try fixture.build(runner)
        #expect(runner.calls.sorted() == ["ch01", "ch03", "ch10"], "the library changed: every chapter runs again")
    }

    /// The real runs that `make site` cached: chapters 10 and 12 list the kernel's C file
    /// among what they read, chapter 3 does not.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["UNROLLED_SITE"] != nil, "set UNROLLED_SITE to a built site (make test does)"))
    func theBooksRunsRecordTheKernelWhereTheyUseIt() throws {
        let site = URL(fileURLWithPath: ProcessInfo.processInfo.environment["UNROLLED_SITE"]!)
        let runs = site.deletingLastPathComponent().appendingPathComponent("_cache/runs")
        func inputs(_ target: String) throws -> [String] {
            let files = try FileManager.default.contentsOfDirectory(atPath: runs.path).filter { $0.hasPrefix(target + "-") }
            let file = try #require(files.first, "no cached run of \(target) in \(runs.path)")
            let run = try JSONDecoder().decode(ChapterRun.self, from: Data(contentsOf: runs.appendingPathComponent(file)))
            return Array(run.inputs.keys)
        }
        #expect(try inputs("ch10").contains { $0.hasSuffix("Sources/CPackedGEMM/PackedGEMM.c") })
        #expect(try inputs("ch12").contains { $0.hasSuffix("Sources/CPackedGEMM/PackedGEMM.c") })
        #expect(try !inputs("ch03").contains { $0.contains("CPackedGEMM") })
    }
}
