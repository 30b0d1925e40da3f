import Foundation
import ProgramRunner
import Testing

/// Every `swift run …` command the README or a chapter prints, as a reader would copy it.
struct DocumentedCommand: CustomStringConvertible {
    /// Where it is printed: `chapters/05-batching-text.md:18`.
    var location: String
    /// The command as printed.
    var text: String
    /// The product it runs (`ch04`, `book`) and the arguments after it.
    var product: String
    var arguments: [String]

    var description: String { "\(location): \(text)" }

    /// The package this test file belongs to.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The commands of README.md and chapters/*.md: every code span, and every line of a
    /// ```` ```sh ```` block, that starts with `swift run` (after `NAME=value` settings, which
    /// are dropped: `OPENBLAS_CORETYPE` picks kernels, it does not change what parses).
    static func all() throws -> [DocumentedCommand] {
        let chapters = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("chapters").path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "chapters/" + $0 }
        var commands: [DocumentedCommand] = []
        for file in ["README.md"] + chapters {
            let text = try String(contentsOf: packageRoot.appendingPathComponent(file), encoding: .utf8)
            commands += extract(from: text, file: file)
        }
        return commands
    }

    /// The commands in one Markdown text.
    static func extract(from markdown: String, file: String) -> [DocumentedCommand] {
        var found: [DocumentedCommand] = []
        var fence: (marker: String, isShell: Bool)? = nil
        for (index, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let location = "\(file):\(index + 1)"
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let open = fence {
                if trimmed.hasPrefix(open.marker) && trimmed.allSatisfy({ $0 == open.marker.first }) {
                    fence = nil
                } else if open.isShell, let command = command(String(trimmed), location: location) {
                    found.append(command)
                }
                continue
            }
            if let marker = ["```", "~~~"].first(where: { trimmed.hasPrefix($0) }) {
                let run = String(trimmed.prefix { $0 == marker.first })
                let info = trimmed.dropFirst(run.count).trimmingCharacters(in: .whitespaces)
                // The language is the info string's first word: ```sh book-run is a shell block too.
                let language = info.split(separator: " ").first.map(String.init) ?? ""
                fence = (run, ["sh", "bash", "shell", "console"].contains(language))
                continue
            }
            for span in codeSpans(in: String(line)) {
                if let command = command(span, location: location) { found.append(command) }
            }
        }
        return found
    }

    /// The contents of the inline code spans of a line of prose.
    static func codeSpans(in line: String) -> [String] {
        var spans: [String] = []
        var rest = Substring(line)
        while let start = rest.firstIndex(of: "`") {
            let ticks = rest[start...].prefix { $0 == "`" }
            let afterOpen = rest[ticks.endIndex...]
            guard let close = afterOpen.range(of: String(ticks)) else { break }
            spans.append(afterOpen[..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = afterOpen[close.upperBound...]
        }
        return spans
    }

    /// A `swift run` command, split into words as a POSIX shell would for the quoting the
    /// book uses (double and single quotes), or nil when the text is not one.
    static func command(_ text: String, location: String) -> DocumentedCommand? {
        var words = shellWords(text)
        while let first = words.first, first.contains("="), !first.hasPrefix("-") { words.removeFirst() }
        guard words.count >= 3, words[0] == "swift", words[1] == "run" else { return nil }
        words.removeFirst(2)
        // SwiftPM's own options come before the product: `-c release`.
        while let first = words.first, first.hasPrefix("-") {
            words.removeFirst()
            if first == "-c" || first == "--configuration" { words.removeFirst() }
        }
        guard let product = words.first else { return nil }
        return DocumentedCommand(location: location, text: text, product: product, arguments: Array(words.dropFirst()))
    }

    static func shellWords(_ text: String) -> [String] {
        var words: [String] = [], word = "", quote: Character? = nil, inWord = false
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character; inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(word); word = ""; inWord = false }
            } else if character == "#" && !inWord {
                break   // a comment
            } else {
                word.append(character); inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }
}

/// The book's commands are run exactly as printed, so a flag that was renamed, a `--` that
/// SwiftPM passes on, or an option that refuses its own documented value fails here. They
/// run with `UNROLLED_PARSE_ONLY=1`: each program parses and validates its options and exits
/// 0 without training for minutes; `--help` prints the help as it would.
@Suite struct DocumentedCommandTests {
    @Test func extractsSpansAndShellBlocks() {
        let markdown = """
            Run `swift run ch04 --unroll 50` or `OPENBLAS_CORETYPE=SkylakeX swift run -c release ch02 --size 512`.

            ```sh
            swift run ch06 --prime "The " --temperature 0.8   # a comment
            make test
            ```

            ```swift
            print("swift run ch09")
            ```

            ```sh book-run
            swift run -c release ch12 --real-corpora
            ```
            """
        let commands = DocumentedCommand.extract(from: markdown, file: "x.md")
        #expect(commands.map(\.product) == ["ch04", "ch02", "ch06", "ch12"])
        #expect(commands[3].arguments == ["--real-corpora"])
        #expect(commands[0].arguments == ["--unroll", "50"])
        #expect(commands[1].arguments == ["--size", "512"])
        #expect(commands[2].arguments == ["--prime", "The ", "--temperature", "0.8"])
        #expect(commands[2].location == "x.md:4")
    }

    @Test func everyDocumentedCommandIsAccepted() throws {
        let commands = try DocumentedCommand.all()
        // The README's table alone names every chapter program.
        #expect(commands.count >= 20, "\(commands)")
        var environment = ProcessInfo.processInfo.environment
        environment["UNROLLED_PARSE_ONLY"] = "1"
        for command in commands {
            let program = try Subprocess.builtBeside(command.product)
            let result = try Subprocess.run(program.path, command.arguments, environment: environment,
                                            directory: DocumentedCommand.packageRoot, timeout: 120)
            #expect(result.succeeded, "\(command) exited \(result.status)\(result.timedOut ? " (timed out: does it parse with `Options.parseCommandLine()`, which stops under UNROLLED_PARSE_ONLY?)" : ""): \(result.text)")
        }
    }

    /// Older SwiftPM needed `swift run ch04 -- --unroll 50`; Swift 6.3 passes the `--` on.
    /// Every program ignores one leading `--`, so both forms work.
    /// Every chapter program (a new one too: the list is read from `Sources/Chapters`),
    /// `book` and `bench`.
    static let programs: [String] = ((try? FileManager.default.contentsOfDirectory(
        atPath: DocumentedCommand.packageRoot.appendingPathComponent("Sources/Chapters").path)) ?? [])
        .filter { $0.hasPrefix("ch") }.sorted() + ["book", "bench"]

    @Test(arguments: programs)
    func oneLeadingDoubleDashIsIgnored(program: String) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["UNROLLED_PARSE_ONLY"] = "1"
        let arguments = program == "book" ? ["--", "list"] : ["--"]
        let result = try Subprocess.run(try Subprocess.builtBeside(program).path, arguments, environment: environment, timeout: 60)
        #expect(result.succeeded, "\(program) \(arguments): \(result.text) (every program parses with CommandLineSupport: `Options.parseCommandLine()`)")
        let help = try Subprocess.run(try Subprocess.builtBeside(program).path, ["--", "--help"], timeout: 60)
        #expect(help.succeeded && String(decoding: help.standardOutput, as: UTF8.self).contains("USAGE"), "\(help.text)")
    }
}
