import Foundation

/// All chapters of the book, in reading order, with the checks that span chapters.
public struct Book: Sendable {
    public var chapters: [Chapter]

    public init(chapters: [Chapter]) {
        self.chapters = chapters
    }

    /// Reads every `*.md` file of a folder as a chapter, sorted by file name.
    ///
    /// - Parameters:
    ///   - directory: the folder on disk.
    ///   - displayName: how diagnostics name the folder, normally `chapters`.
    /// - Throws: ``Diagnostics`` with every problem in every chapter, not just the first.
    public static func load(from directory: URL, displayName: String = "chapters") throws(Diagnostics) -> Book {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Diagnostics([Diagnostic(file: displayName + "/", line: nil, message: "no chapters folder: the book's Markdown lives in \(displayName)/NN-slug.md")])
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".md") }
            .sorted()
        guard !names.isEmpty else {
            throw Diagnostics([Diagnostic(file: displayName + "/", line: nil, message: "the chapters folder has no chapters: add one as \(displayName)/01-slug.md")])
        }

        var chapters: [Chapter] = []
        var problems: [Diagnostic] = []
        for name in names {
            let path = displayName + "/" + name
            let source: String
            do {
                source = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            } catch {
                problems.append(Diagnostic(file: path, line: nil, message: "cannot be read as UTF-8 text"))
                continue
            }
            do {
                chapters.append(try Chapter(path: path, source: source))
            } catch {
                problems += error.all
            }
        }
        let book = Book(chapters: chapters)
        problems += book.crossChapterProblems()
        guard problems.isEmpty else { throw Diagnostics(problems) }
        return book
    }

    /// Problems no single chapter can see: two chapters with one number, or one exercise
    /// id used twice (`book exercise 4.2` must name one exercise).
    func crossChapterProblems() -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var chapterByNumber: [String: Chapter] = [:]
        var exerciseOwner: [String: Chapter] = [:]
        for chapter in chapters {
            if let other = chapterByNumber[chapter.number] {
                problems.append(Diagnostic(file: chapter.path, line: nil, message: "chapter number \(chapter.number) is also used by \(other.path)"))
            }
            chapterByNumber[chapter.number] = chapter
            for cell in chapter.cells {
                guard case .exercise(let id) = cell.kind else { continue }
                if let other = exerciseOwner[id], other.path != chapter.path {
                    problems.append(Diagnostic(file: chapter.path, line: cell.fenceLine, message: "exercise id \(id) is also used in \(other.path)"))
                }
                exerciseOwner[id] = chapter
            }
        }
        return problems
    }

    /// Problems with how the package is laid out for these chapters. Every chapter with
    /// cells must be listed in Package.swift's `chapterNumbers` (SwiftPM caches the
    /// manifest, so the list is written out, not discovered) and needs a placeholder file in
    /// `Sources/Chapters/chNN/` (SwiftPM drops a target whose folder has no Swift file).
    public func layoutProblems(packageRoot: URL) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let manifest = try? String(contentsOf: packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        let declared = manifest.flatMap(Self.declaredChapterNumbers(inManifest:))
        for chapter in chapters {
            guard let target = chapter.targetName else { continue }
            if let declared, !declared.contains(chapter.number) {
                problems.append(Diagnostic(file: chapter.path, line: nil, message: "has Swift cells, so Package.swift's chapterNumbers must list \"\(chapter.number)\""))
            }
            let folder = packageRoot.appendingPathComponent("Sources/Chapters/\(target)")
            let hasSwiftFile = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).contains { $0.hasSuffix(".swift") }
            if !hasSwiftFile {
                problems.append(Diagnostic(
                    file: chapter.path, line: nil,
                    message: "has Swift cells, so it needs the folder Sources/Chapters/\(target)/ with a placeholder \(target).swift (one comment line) for SwiftPM to build it"
                ))
            }
        }
        let numbersWithCells = Set(chapters.filter { $0.targetName != nil }.map(\.number))
        for number in declared ?? [] where !numbersWithCells.contains(number) {
            problems.append(Diagnostic(file: "Package.swift", line: nil, message: "chapterNumbers lists \"\(number)\", but no chapter \(number) with Swift cells exists"))
        }
        return problems
    }

    /// The strings in a manifest's `let chapterNumbers = ["00", "01"]`, or `nil` without one.
    static func declaredChapterNumbers(inManifest manifest: String) -> [String]? {
        guard let start = manifest.range(of: "let chapterNumbers = [") else { return nil }
        guard let end = manifest[start.upperBound...].firstIndex(of: "]") else { return nil }
        return manifest[start.upperBound..<end]
            .split(separator: ",")
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \n\t\"")) }
            .filter { !$0.isEmpty }
    }

    /// The chapter that owns an exercise id.
    public func chapter(withExercise id: String) -> Chapter? {
        chapters.first { $0.exerciseIDs.contains(id) }
    }

    /// The chapter named by a number (`1`, `01`), a target (`ch01`) or a file name.
    public func chapter(named name: String) -> Chapter? {
        chapters.first { chapter in
            chapter.number == name || chapter.targetName == name || Chapter.targetName(forNumber: chapter.number) == name
                || chapter.path.hasSuffix("/" + name) || chapter.path.hasSuffix("/" + name + ".md")
                || (Int(name) != nil && Int(chapter.number) == Int(name))
        }
    }
}
