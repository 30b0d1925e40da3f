import Foundation

/// What links a compiled chapter to the notebook it came from.
///
/// The tangler puts `Notebook.beginCell(i, line:)` before each cell. Run in a terminal,
/// that does nothing: the program prints as any program does, ``show(_:)`` draws figures
/// with text characters, and ``Progress`` redraws one status line on standard error.
///
/// Run by the site builder (which sets `UNROLLED_NOTEBOOK`), the chapter writes a
/// *transcript* to standard output instead: its ordinary output, a marker line before
/// each cell, and each figure as SVG framed by a marker (see ``Transcript``). The site
/// builder reads it back and files every line and figure under the cell that made it.
public enum Notebook {
    /// Set by the site builder when it runs a chapter to capture its outputs.
    public static let isCapturing: Bool = ProcessInfo.processInfo.environment["UNROLLED_NOTEBOOK"] != nil

    /// The line that starts a cell's output in captured mode. It begins with the ASCII
    /// record separator, which no chapter prints by accident.
    public static func cellMarker(_ index: Int) -> String {
        Transcript.separator + "unrolled-cell \(index)"
    }

    /// Marks the start of cell `index`, which begins at `line` of the chapter.
    public static func beginCell(_ index: Int, line: Int) {
        guard isCapturing else { return }
        print(cellMarker(index))
    }

    /// Shows a figure under the current cell.
    ///
    /// In a terminal it is drawn with block and braille characters, at most 80 columns
    /// wide (in colour when standard output is a colour terminal). Under the site builder
    /// it becomes an SVG image on the chapter's page, with every value in a tooltip.
    ///
    /// ```swift
    /// let plot = LinePlot(
    ///     title: "Training loss", xLabel: "step", yLabel: "loss",
    ///     caption: "The smoothed loss falls from ln 65 ≈ 4.2 as the model learns.",
    ///     series: [Series("smoothed", y: smoothLosses), Series("per window", y: losses)])
    /// Notebook.show(plot)
    /// ```
    public static func show(_ figure: some Figure) {
        if isCapturing {
            let svg = figure.svg()
            print(Transcript.figureHeader(byteCount: svg.utf8.count))
            print(svg)
        } else {
            print(figure.text(width: terminalWidth, color: TerminalStyle.standardOutputHasColor))
        }
    }

    /// Columns available for a figure in the terminal: `$COLUMNS` when it is smaller
    /// than 80, otherwise 80.
    static var terminalWidth: Int {
        let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) } ?? 80
        return max(40, min(80, columns))
    }
}
