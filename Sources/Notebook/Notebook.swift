import Foundation

/// What links a compiled chapter to the notebook it came from.
///
/// The tangler puts `Notebook.beginCell(i, line:)` before each cell. Run in a terminal,
/// that does nothing and the program prints as any program does. Run by the site builder
/// (which sets `UNROLLED_NOTEBOOK`), it writes a marker line to standard output, so
/// everything printed after it can be filed under cell `i` on the chapter's page.
public enum Notebook {
    /// Set by the site builder when it runs a chapter to capture its outputs.
    public static let isCapturing: Bool = ProcessInfo.processInfo.environment["UNROLLED_NOTEBOOK"] != nil

    /// The line that starts a cell's output in captured mode. It begins with the ASCII
    /// record separator, which no chapter prints by accident.
    public static func cellMarker(_ index: Int) -> String {
        "\u{1E}unrolled-cell \(index)"
    }

    /// Marks the start of cell `index`, which begins at `line` of the chapter.
    public static func beginCell(_ index: Int, line: Int) {
        guard isCapturing else { return }
        print(cellMarker(index))
    }
}
