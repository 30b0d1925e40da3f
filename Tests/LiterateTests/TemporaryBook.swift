import Foundation

/// A throwaway package folder with a `chapters/` folder, for tests of whole books.
struct TemporaryBook {
    let root: URL
    var chapters: URL { root.appendingPathComponent("chapters") }

    /// Creates the folder with the given chapters (file name -> Markdown). With `nil`, no
    /// `chapters/` folder is created at all.
    init(_ files: [String: String]?) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("unrolled-book-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        guard let files else { return }
        try FileManager.default.createDirectory(at: chapters, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(to: chapters.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    /// Adds the placeholder file SwiftPM needs for a chapter target.
    func addTargetFolder(_ target: String) throws {
        let folder = root.appendingPathComponent("Sources/Chapters/\(target)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "// placeholder\n".write(to: folder.appendingPathComponent("\(target).swift"), atomically: true, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}
