import Foundation

/// Checks a statement the chapter's prose makes about its run.
///
/// The book's rule is that the prose states nothing about a run that the run does not
/// check, for every seed. A sentence such as "with T = 4 the network learns the echo, with
/// T = 3 it does not" is backed by a claim in the cell beside it:
///
/// ```swift
/// claim(lossT4 < 0.5 && lossT3 > 0.6, "T = 4 learns the echo, T = 3 does not")
/// ```
///
/// A claim that does not hold prints `chapters/FILE.md:LINE: claim failed: STATEMENT` on
/// standard error (the chapter's cells are compiled under `#sourceLocation`, so `#filePath`
/// and `#line` name the Markdown), and under the cell on the site. The run goes on, so
/// every failed claim is reported, and the program exits with status 1 at its end.
///
/// Claims are about the book's run: the chapter with its default settings, for any seed.
/// A reader who runs it with other settings (`--hidden 8`, `--data FILE`) is experimenting,
/// and a statement that does not hold then is news, not an error: it is printed as a note
/// (`chapters/FILE.md:LINE: note: the book says …, which this run does not show`) and the
/// exit status is unchanged.
public func claim(_ condition: Bool, _ statement: @autoclosure () -> String,
                  file: StaticString = #filePath, line: UInt = #line) {
    Notebook.checkedClaims += 1
    guard !condition else { return }
    if Notebook.runsWithBookSettings {
        Notebook.claimFailed("\(file):\(line): claim failed: \(statement())")
    } else {
        FileHandle.standardError.write(Data("\(file):\(line): note: the book says \"\(statement())\", which this run (with your settings) does not show\n".utf8))
    }
}

extension Notebook {
    /// The seed a chapter's run starts from: `$UNROLLED_SEED` when it is set (so
    /// `book verify --seeds 1,2,3` can run every chapter with other seeds), otherwise 1.
    /// Every `--seed` option defaults to it.
    public static let seed: UInt64 = {
        guard let text = ProcessInfo.processInfo.environment["UNROLLED_SEED"] else { return 1 }
        guard let value = UInt64(text) else {
            FileHandle.standardError.write(Data("UNROLLED_SEED must be a whole number from 0 to \(UInt64.max), got \"\(text)\"\n".utf8))
            exit(1)
        }
        return value
    }()

    /// The arguments the book runs this program with: those of the chapter's
    /// ```` ```sh book-run ```` block, which the tangler sets first thing in the program; none
    /// for most chapters.
    public nonisolated(unsafe) static var bookArguments: [String] = []

    /// Whether the program runs as the book runs it: with the chapter's ``bookArguments``,
    /// or with none, apart from a seed (and the leading `--` that `swift run` may pass on).
    /// Only then must its claims hold. (A chapter that declares arguments runs its default
    /// part without them too, and that part's claims bind there as well.)
    public static var runsWithBookSettings: Bool {
        runsWithBookSettings(arguments: Array(CommandLine.arguments.dropFirst()), bookArguments: bookArguments)
    }

    static func runsWithBookSettings(arguments: [String], bookArguments: [String] = []) -> Bool {
        var rest = arguments[...]
        if rest.first == "--" { rest = rest.dropFirst() }
        var others: [String] = []
        while let argument = rest.first {
            if argument == "--seed" {
                guard rest.count >= 2 else { return false }
                rest = rest.dropFirst(2)
            } else if argument.hasPrefix("--seed=") {
                rest = rest.dropFirst()
            } else {
                others.append(argument)
                rest = rest.dropFirst()
            }
        }
        return others.isEmpty || others == bookArguments
    }

    /// Records a value of the run that the prose shows as `{{key}}`.
    ///
    /// The site puts the recorded text where the prose names the key, so a number in the
    /// prose is always the number of the run beside it. `{{key=TEXT}}` instead shows TEXT
    /// and fails the build unless the run recorded exactly TEXT: for a value that must not
    /// change with the seed. In a terminal, recording prints nothing; the cell prints what
    /// a reader should see.
    public static func record(_ key: String, _ value: String, file: StaticString = #filePath, line: UInt = #line) {
        precondition(Transcript.isValidKey(key), "\(file):\(line): a recorded key is letters, digits, '_', '.' or '-', got \"\(key)\"")
        guard isCapturing else { return }
        print(Transcript.valueMarker(key: key, value: value))
    }

    /// Records a number, formatted with `String(format:)` (`"%.2f"`, `"%.0f"`, `"%.1e"`).
    public static func record(_ key: String, _ value: Double, format: String, file: StaticString = #filePath, line: UInt = #line) {
        record(key, String(format: format, value), file: file, line: line)
    }

    /// Records a whole number.
    public static func record(_ key: String, _ value: Int, file: StaticString = #filePath, line: UInt = #line) {
        record(key, String(value), file: file, line: line)
    }

    /// Notes that the run read a file, so a cached run is redone when the file changes.
    /// The corpus loader calls it for every file it reads.
    public static func recordInput(path: String) {
        guard isCapturing else { return }
        print(Transcript.inputMarker(path: path))
    }

    /// How many claims this run has checked, and how many of them failed.
    public internal(set) nonisolated(unsafe) static var checkedClaims = 0
    public private(set) nonisolated(unsafe) static var failedClaims = 0

    static func claimFailed(_ line: String) {
        failedClaims += 1
        FileHandle.standardError.write(Data((line + "\n").utf8))
        if isCapturing { print(Transcript.claimFailureMarker(line)) }
    }

    /// The end of a chapter's program (the tangler calls it after the last cell): exit
    /// status 1 if any claim failed, so the failure cannot go unnoticed.
    public static func finish() {
        if isCapturing { print(Transcript.claimsCheckedMarker(checkedClaims)) }
        guard failedClaims > 0 else { return }
        FileHandle.standardError.write(Data("\(failedClaims) claim\(failedClaims == 1 ? "" : "s") failed\n".utf8))
        exit(1)
    }
}
