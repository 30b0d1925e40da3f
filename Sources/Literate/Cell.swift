/// What a fenced Swift block is for, read from the words after `swift` in its info string.
///
/// | info string          | tangled into                                   | on the site                |
/// |----------------------|------------------------------------------------|----------------------------|
/// | `swift`              | the chapter's program, in order                | shown, with its output     |
/// | `swift lib`          | the `Unrolled` library                         | shown, marked as library   |
/// | `swift hide`         | the chapter's program                          | not shown                  |
/// | `swift norun`        | nothing (it must still parse)                  | shown                      |
/// | `swift exercise=ID`  | the program, when built with `-DEXERCISES`     | shown                      |
/// | `swift solution=ID`  | the program, otherwise                         | folded under the exercise  |
public enum CellKind: Equatable, Hashable, Sendable {
    case run
    case library
    case hidden
    case noRun
    case exercise(id: String)
    case solution(id: String)

    /// Whether the cell's code ends up in the chapter's executable (in some build).
    public var isInProgram: Bool {
        switch self {
        case .run, .hidden, .exercise, .solution: true
        case .library, .noRun: false
        }
    }

    /// The exercise id for exercise and solution cells.
    public var exerciseID: String? {
        switch self {
        case .exercise(let id), .solution(let id): id
        default: nil
        }
    }
}

/// A fenced ```swift block of a chapter.
public struct Cell: Equatable, Sendable {
    public var kind: CellKind
    /// The Swift source between the fences, with `\n` line endings.
    public var code: String
    /// Line of the opening fence in the Markdown file (1-based).
    public var fenceLine: Int
    /// Position among the chapter's cells, counting from 0. Outputs are stored against it.
    public var index: Int

    public init(kind: CellKind, code: String, fenceLine: Int, index: Int) {
        self.kind = kind
        self.code = code
        self.fenceLine = fenceLine
        self.index = index
    }

    /// Line of the first line of code: the one after the fence.
    public var firstCodeLine: Int { fenceLine + 1 }
}

/// The attributes a Swift cell may carry, parsed from a fence's info string.
enum CellAttributes {
    static let vocabulary = "lib, hide, norun, exercise=ID, solution=ID"

    /// Returns `nil` when the fence is not Swift (so it is prose), the cell kind when the
    /// attributes are known, and throws a message otherwise.
    static func kind(fromInfo info: String) throws(CellAttributeError) -> CellKind? {
        let words = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let language = words.first, language == "swift" else { return nil }
        let attributes = words.dropFirst()
        guard let attribute = attributes.first else { return .run }
        guard attributes.count == 1 else {
            throw CellAttributeError(message: "a cell takes at most one attribute, found \(attributes.count): \"\(attributes.joined(separator: " "))\"")
        }
        switch attribute {
        case "lib": return .library
        case "hide": return .hidden
        case "norun": return .noRun
        default: break
        }
        for (prefix, make) in [("exercise=", CellKind.exercise), ("solution=", CellKind.solution)] where attribute.hasPrefix(prefix) {
            let id = String(attribute.dropFirst(prefix.count))
            guard isValidExerciseID(id) else {
                throw CellAttributeError(message: "exercise id \"\(id)\" must be letters, digits, '.', '-' or '_' (for example exercise=4.2)")
            }
            return make(id)
        }
        throw CellAttributeError(message: "unknown cell attribute \"\(attribute)\" (known: \(vocabulary))")
    }

    static func isValidExerciseID(_ id: String) -> Bool {
        !id.isEmpty && id.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || ".-_".unicodeScalars.contains(scalar))
        }
    }
}

struct CellAttributeError: Error {
    var message: String
}
