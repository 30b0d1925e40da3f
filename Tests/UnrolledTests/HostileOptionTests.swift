import Foundation
import ProgramRunner
import Testing

/// No option of any program can crash it: every option every program's `--help` lists is
/// given values chosen to break arithmetic (the largest Int, a negative number, a number that
/// underflows, zero, nan, inf). Each must be refused with one line and status 1 or 64, or
/// accepted; and the ones that would overflow, trap or allocate without bound — the largest
/// Int as a count, nan, inf, a negative number — must be refused, before any work.
@Suite struct HostileOptionTests {
    static let hostileValues = ["9223372036854775807", "-1", "1e-308", "0", "nan", "inf"]

    /// An option as `--help` lists it, with its help text (wrapped lines joined).
    struct ListedOption {
        var name: String
        var help: String
        /// Declared with a range (CommandLineSupport writes it into the help text).
        var isNumeric: Bool { help.range(of: #"\((each )?-?[0-9][0-9.e+-]* to |\(above "#, options: .regularExpression) != nil }
        /// A count, declared with a range of whole numbers.
        var isWhole: Bool { help.range(of: #"\((each )?-?[0-9]+ to -?[0-9]+[;)]"#, options: .regularExpression) != nil }
    }

    /// The options that take a value, read from `program arguments --help`.
    static func options(_ program: String, _ arguments: [String]) throws -> [ListedOption] {
        let result = try Subprocess.run(try Subprocess.builtBeside(program).path, arguments + ["--help"], timeout: 60)
        var options: [ListedOption] = []
        for line in String(decoding: result.standardOutput, as: UTF8.self).split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("-") {
                guard let name = trimmed.range(of: #"--[a-z0-9-]+"#, options: .regularExpression),
                      let value = trimmed.range(of: "<"), value.lowerBound < (trimmed.range(of: "   ")?.lowerBound ?? trimmed.endIndex)
                else { options.append(ListedOption(name: "", help: "")); continue }
                options.append(ListedOption(name: String(trimmed[name]), help: trimmed))
            } else if !options.isEmpty, line.hasPrefix("      ") {
                options[options.count - 1].help += " " + trimmed
            }
        }
        return options.filter { !$0.name.isEmpty && $0.name != "--help" }
    }

    /// Every program and subcommand with options: the chapters, `bench`, and `book`'s
    /// subcommands as its help lists them.
    static func commands() throws -> [(program: String, arguments: [String])] {
        let chapters = try FileManager.default.contentsOfDirectory(atPath: DocumentedCommand.packageRoot.appendingPathComponent("Sources/Chapters").path)
            .filter { $0.hasPrefix("ch") }.sorted()
        let bookHelp = try Subprocess.run(try Subprocess.builtBeside("book").path, ["--help"], timeout: 60)
        var subcommands: [String] = []
        var inSubcommands = false
        for line in String(decoding: bookHelp.standardOutput, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS") { inSubcommands = true; continue }
            if inSubcommands, line.hasPrefix("  "), !line.hasPrefix("      "),
               let name = line.split(separator: " ").first, name != "help" {
                subcommands.append(String(name))
            }
            if inSubcommands && line.isEmpty && !subcommands.isEmpty { break }
        }
        return chapters.map { ($0, []) } + [("bench", [])] + subcommands.map { ("book", [$0]) }
    }

    @Test func everyOptionRefusesHostileValuesWithOneLine() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["UNROLLED_PARSE_ONLY"] = "1"
        let commands = try Self.commands()
        #expect(commands.contains { $0.arguments == ["gradcheck"] }, "\(commands)")
        var numericOptions = 0
        for (program, arguments) in commands {
            for option in try Self.options(program, arguments) {
                if option.isNumeric { numericOptions += 1 }
                for value in Self.hostileValues {
                    let given = arguments + [option.name, value]
                    let result = try Subprocess.run(try Subprocess.builtBeside(program).path, given, environment: environment, timeout: 60)
                    let what = "\(program) \(given.joined(separator: " "))"
                    #expect(!result.wasSignalled && !result.timedOut, "\(what) crashed: \(result.text)")
                    if result.status == 0 {
                        let mustRefuse = option.isNumeric && (["nan", "inf", "-1"].contains(value)
                            || (value == "9223372036854775807" && option.isWhole && option.name != "--seed"))
                        #expect(!mustRefuse, "\(what) was accepted")
                    } else {
                        let lines = String(decoding: result.standardError, as: UTF8.self).split(separator: "\n")
                        #expect([1, 64].contains(result.status), "\(what) exited \(result.status)")
                        #expect(lines.count == 1 && lines[0].hasPrefix("\(program): ") && result.standardOutput.isEmpty,
                                "\(what) printed: \(result.text)")
                        if option.isNumeric, let line = lines.first {
                            #expect(line.contains(option.name), "\(what): the error does not name the option: \(line)")
                        }
                    }
                }
            }
        }
        // ch02–ch06, gradcheck, site and bench declare their numbers with ranges.
        #expect(numericOptions >= 35, "only \(numericOptions) options with ranges found")
    }
}
