// How every program of the book reads its command line: the chapters (`chNN`), `book` and
// `bench`. One entry point, so they all agree on three things:
//
// - one leading `--` is ignored (`swift run ch04 -- --unroll 50` and `swift run ch04
//   --unroll 50` mean the same: older SwiftPM needed the `--`, Swift 6.3 passes it on);
// - bad input is one line on standard error and a non-zero status, never a usage screen
//   or a trap;
// - with `UNROLLED_PARSE_ONLY=1` in the environment a program parses and validates its
//   options and exits 0 without running, so a test can prove that a command printed in the
//   book is accepted, in a fraction of a second.

import ArgumentParser
import Foundation

public enum CommandLineSupport {
    /// The environment variable that makes a program stop after parsing its options.
    public static let parseOnlyVariable = "UNROLLED_PARSE_ONLY"

    /// True when `UNROLLED_PARSE_ONLY=1`.
    public static var isParseOnly: Bool {
        ProcessInfo.processInfo.environment[parseOnlyVariable] == "1"
    }

    /// The program's name, as it prefixes its error lines.
    public static var programName: String {
        URL(fileURLWithPath: CommandLine.arguments.first ?? "program").lastPathComponent
    }

    /// The arguments after the program's name, without one leading `--`.
    public static func arguments(_ given: [String] = Array(CommandLine.arguments.dropFirst())) -> [String] {
        given.first == "--" ? Array(given.dropFirst()) : given
    }

    /// `text` on one line: newlines, carriage returns, tabs and every other control
    /// character written as an escape (`\n`, `\r`, `\t`, `\u{1B}`), so that an error line
    /// stays one line and cannot move the cursor or clear the terminal.
    public static func oneLine(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Prints `program: message` as one line on standard error and exits with `status`.
    public static func exit(_ message: String, status: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data((programName + ": " + oneLine(message) + "\n").utf8))
        Foundation.exit(status)
    }
}

/// Bad input ends a program with one line on standard error (`chNN: message`, control
/// characters escaped) and exit status 1.
public func fail(_ message: String) -> Never {
    CommandLineSupport.exit(message)
}

extension ParsableArguments {
    /// Parses the command line (one leading `--` ignored), validates it, and returns the
    /// options; on `--help` prints the help and exits 0; on bad input prints one line and
    /// exits 64. With `UNROLLED_PARSE_ONLY=1` exits 0 once the options are accepted.
    public static func parseCommandLine(_ arguments: [String] = CommandLineSupport.arguments()) -> Self {
        let options: Self
        do {
            options = try parse(arguments)
        } catch {
            exitReporting(error)
        }
        if CommandLineSupport.isParseOnly { Foundation.exit(0) }
        return options
    }

    /// The help text `--help` prints: what the site shows as a chapter's flags.
    public static func helpText() -> String {
        helpMessage(columns: 100)
    }

    /// Ends the program for `error`: help requested → the help on standard output, exit 0;
    /// anything else → one line on standard error with ArgumentParser's status for it.
    static func exitReporting(_ error: Error) -> Never {
        let status = exitCode(for: error)
        let message = message(for: error)
        if status == .success {
            if !message.isEmpty { print(fullMessage(for: error)) }
            Foundation.exit(0)
        }
        if message.isEmpty { Foundation.exit(status.rawValue) }
        CommandLineSupport.exit(message, status: status.rawValue)
    }
}

extension ParsableCommand {
    /// The `main` of a command-line tool made of `ParsableCommand`s (`book`, `bench`): as
    /// `parseCommandLine`, then runs the command that was chosen. Errors thrown by `run()`
    /// are one line too; `ExitCode` ends the program with that status silently.
    public static func runCommandLine(_ arguments: [String] = CommandLineSupport.arguments()) -> Never {
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exitReporting(error)
        }
        if CommandLineSupport.isParseOnly { Foundation.exit(0) }
        do {
            try command.run()
        } catch {
            exitReporting(error)
        }
        Foundation.exit(0)
    }
}

/// The command line of a chapter that takes no flags: `--help` says so, a leading `--` is
/// ignored, anything else is one line and exit 64.
public struct NoOptions: ParsableCommand {
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: CommandLineSupport.programName, abstract: "This chapter takes no flags: run it as it is.")
    }
    public init() {}
}

/// "1 character", "2 characters": a count with its noun, for messages.
public func counted(_ count: Int, _ singular: String, plural: String? = nil) -> String {
    "\(count) " + (count == 1 ? singular : plural ?? singular + "s")
}
