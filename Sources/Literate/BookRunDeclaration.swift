/// How a chapter says which arguments the book runs its program with.
///
/// The book runs every chapter's program with no arguments, unless the chapter prints the
/// command it is run with in a shell block marked `book-run`:
///
/// ````markdown
/// ```sh book-run
/// swift run -c release ch12 --real-corpora
/// ```
/// ````
///
/// The block is prose like any other (the page shows it as the command that reproduces the
/// run), and it is the only place the arguments are written: the site and `book verify` pass
/// the words after the program's name to it, the site's cache key includes them, and the
/// tangled program treats its claims as binding when it is run with them. The words are
/// passed as they are, with no shell in between, so they are restricted to characters a
/// shell leaves alone; the seed is the book's to choose (`UNROLLED_SEED`), not the chapter's.
public enum BookRunDeclaration {
    /// The fence's info string that marks the block.
    public static let info = "sh book-run"

    public struct Problem: Error, Equatable {
        public var message: String
    }

    /// Whether a fenced block's info string marks it as the declaration (rightly or not).
    static func isDeclaration(info: String) -> Bool {
        words(info).contains("book-run")
    }

    /// The arguments after the program's name, or the problem with the block.
    ///
    /// - Parameter target: the chapter's program (`ch12`); `nil` when the file name is
    ///   already reported as wrong, and then any program name is accepted.
    static func arguments(info: String, literal: String, target: String?) throws(Problem) -> [String] {
        guard words(info) == ["sh", "book-run"] else {
            throw Problem(message: "the block that declares the book's run is fenced ```\(Self.info), got ```\(info)")
        }
        let lines = literal.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
        let example = "swift run -c release \(target ?? "chNN") --flag value"
        guard lines.count == 1 else {
            throw Problem(message: "a ```\(Self.info) block holds one command, such as `\(example)`; found \(lines.count) lines")
        }
        let command = words(String(lines[0]))
        let prefix = ["swift", "run", "-c", "release"]
        guard command.count > prefix.count, Array(command.prefix(prefix.count)) == prefix else {
            throw Problem(message: "the book's run is a release build: write `\(example)`")
        }
        let program = command[prefix.count]
        if let target, program != target {
            throw Problem(message: "this chapter's program is \(target), not \(program): write `\(example)`")
        }
        let arguments = Array(command.dropFirst(prefix.count + 1))
        for word in arguments {
            if word == "--seed" || word.hasPrefix("--seed=") {
                throw Problem(message: "the book chooses the seed (UNROLLED_SEED, one per run of `book verify`): remove \(word)")
            }
            if word == "--" {
                throw Problem(message: "write the program's arguments without a `--` before them")
            }
            if let bad = word.unicodeScalars.first(where: { !isPlain($0) }) {
                throw Problem(message: "\"\(word)\" contains \"\(bad)\": the arguments reach the program without a shell, so use only letters, digits and - _ . , / : = +")
            }
        }
        return arguments
    }

    /// Letters, digits and the punctuation a shell passes through unchanged.
    static func isPlain(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.,/:=+".unicodeScalars.contains(scalar))
    }

    private static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }
}
