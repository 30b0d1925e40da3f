/// Draws a figure's plot area with characters: a title, a y axis with values at the top,
/// middle and bottom rows, an x axis with labels under it, a legend and the caption.
///
/// The plot itself comes in as rows of cells, each cell one column wide on screen (it may
/// carry ANSI colour codes, so cells are strings, not characters).
struct TextFrame {
    var title: String
    var caption: String
    var yLabel: String
    var xLabel: String
    /// Value labels for the top, middle and bottom rows of the plot.
    var yTop: String
    var yMiddle: String
    var yBottom: String
    /// Text under the x axis, already laid out to the plot's width (or shorter).
    var xTickLine: String
    var legend: String = ""

    func render(rows: [[String]], width: Int) -> String {
        let labelWidth = max(yTop.count, yMiddle.count, yBottom.count)
        var lines: [String] = []
        lines.append(Self.centered(title, width: min(width, labelWidth + 2 + (rows.first?.count ?? 0))))
        if !yLabel.isEmpty { lines.append(String(repeating: " ", count: labelWidth + 1) + yLabel) }
        for (i, row) in rows.enumerated() {
            let label: String
            switch i {
            case 0: label = yTop
            case rows.count - 1: label = yBottom
            case rows.count / 2 where rows.count > 2: label = yMiddle
            default: label = ""
            }
            let tick = label.isEmpty ? "│" : "┤"
            lines.append(Self.padLeft(label, labelWidth) + " " + tick + row.joined())
        }
        let plotWidth = rows.first?.count ?? 0
        lines.append(String(repeating: " ", count: labelWidth + 1) + "└" + String(repeating: "─", count: plotWidth))
        if !xTickLine.isEmpty { lines.append(String(repeating: " ", count: labelWidth + 2) + xTickLine) }
        if !xLabel.isEmpty { lines.append(Self.centered(xLabel, width: labelWidth + 2 + plotWidth)) }
        if !legend.isEmpty { lines.append(String(repeating: " ", count: labelWidth + 2) + legend) }
        lines += SVGWriter.wrap(caption, limit: width)
        return Self.finish(lines, width: width)
    }

    /// Joins lines, each clipped to `width` visible columns and without trailing spaces.
    static func finish(_ lines: [String], width: Int) -> String {
        lines.map { trimmingTrailingSpaces(clip($0, to: width)) }.joined(separator: "\n")
    }

    /// The line cut to `width` visible columns; ANSI escape sequences take none, and a
    /// cut inside coloured text ends with a reset.
    static func clip(_ line: String, to width: Int) -> String {
        var out = ""
        var visible = 0
        var inEscape = false
        var sawEscape = false
        for scalar in line.unicodeScalars {
            if inEscape {
                out.unicodeScalars.append(scalar)
                if scalar == "m" { inEscape = false }
                continue
            }
            if scalar == "\u{1B}" {
                inEscape = true
                sawEscape = true
                out.unicodeScalars.append(scalar)
                continue
            }
            guard visible < width else {
                return out + (sawEscape ? "\u{1B}[0m" : "")
            }
            out.unicodeScalars.append(scalar)
            visible += 1
        }
        return out
    }

    /// `left` at the start and `right` at the end of a line `width` columns wide.
    static func spread(_ left: String, _ right: String, width: Int) -> String {
        let gap = width - left.count - right.count
        return gap >= 1 ? left + String(repeating: " ", count: gap) + right : left + " " + right
    }

    static func padLeft(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func centered(_ text: String, width: Int) -> String {
        String(repeating: " ", count: max(0, (width - text.count) / 2)) + text
    }

    static func trimmingTrailingSpaces(_ line: String) -> String {
        var line = Substring(line)
        while line.last == " " { line.removeLast() }
        return String(line)
    }
}

/// A grid of braille characters, each 2 dots wide and 4 dots tall, for drawing lines.
struct BrailleCanvas {
    let columns: Int
    let rows: Int
    private var bits: [UInt8]
    /// The series that last drew in each cell, or -1.
    private var owner: [Int]

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        bits = Array(repeating: 0, count: columns * rows)
        owner = Array(repeating: -1, count: columns * rows)
    }

    var dotWidth: Int { columns * 2 }
    var dotHeight: Int { rows * 4 }

    /// Sets the dot at (`x`, `y`), with y = 0 at the top.
    mutating func set(_ x: Int, _ y: Int, series: Int) {
        guard x >= 0, x < dotWidth, y >= 0, y < dotHeight else { return }
        let cell = (y / 4) * columns + x / 2
        let masks: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        bits[cell] |= masks[x % 2][y % 4]
        owner[cell] = series
    }

    /// A straight line of dots between two points (Bresenham).
    mutating func line(from a: (Int, Int), to b: (Int, Int), series: Int) {
        var (x0, y0) = a
        let (x1, y1) = b
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        while true {
            set(x0, y0, series: series)
            if x0 == x1 && y0 == y1 { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x0 += sx }
            if e2 <= dx { error += dx; y0 += sy }
        }
    }

    /// The cells as text. With colour each cell takes its series' colour; without colour
    /// and with several series, a cell shows its series' symbol so the lines stay apart.
    func cells(color: Bool, seriesCount: Int) -> [[String]] {
        (0..<rows).map { row in
            (0..<columns).map { column in
                let i = row * columns + column
                guard bits[i] != 0 else { return " " }
                let series = owner[i]
                if !color && seriesCount > 1 { return String(Palette.symbol(series)) }
                let glyph = String(UnicodeScalar(0x2800 + UInt32(bits[i]))!)
                return TerminalStyle.colored(glyph, ansi: Palette.ansi(series), enabled: color)
            }
        }
    }
}

/// Vertical bars drawn with the eighth-block characters ▁▂▃▄▅▆▇█, from a zero line.
enum BlockColumns {
    static let eighths: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Column cells, top row first, for a bar of `value` on a scale from `lo` to `hi`
    /// drawn `rows` tall. Bars grow up from zero (or from `lo` when zero is below it);
    /// negative bars grow down from zero in whole cells.
    static func column(value: Double, lo: Double, hi: Double, rows: Int, fill: Character = "█") -> [Character] {
        var cells = Array(repeating: Character(" "), count: rows)
        guard value.isFinite, hi > lo else { return cells }
        let perRow = (hi - lo) / Double(rows)
        let base = min(max(0, lo), hi)
        let baseHeight = (base - lo) / perRow  // in rows from the bottom
        let top = (min(max(value, lo), hi) - lo) / perRow
        if top >= baseHeight {
            for r in 0..<rows {
                let bottomOfRow = Double(r)
                let filled = min(max(top - max(bottomOfRow, baseHeight), 0), 1)
                guard bottomOfRow + 1 > baseHeight else { continue }
                let index = fill == "█" ? Int((filled * 8).rounded()) : (filled >= 0.5 ? 8 : 0)
                cells[rows - 1 - r] = index == 8 ? fill : (fill == "█" ? eighths[index] : " ")
            }
        } else {
            for r in 0..<rows where Double(r) + 0.5 >= top && Double(r) + 0.5 < baseHeight {
                cells[rows - 1 - r] = fill
            }
        }
        return cells
    }
}
