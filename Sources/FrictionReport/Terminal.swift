#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ANSI styling that is applied only when output goes to a terminal and NO_COLOR is unset.
public struct Style: Sendable {
    public var enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    /// Colour for a file descriptor: a TTY, NO_COLOR unset or empty, TERM not `dumb`.
    public static func forDescriptor(_ fd: Int32) -> Style {
        let noColor = getenv("NO_COLOR").map { String(cString: $0) } ?? ""
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        return Style(enabled: isatty(fd) == 1 && noColor.isEmpty && term != "dumb")
    }

    private func wrap(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    public func bold(_ t: String) -> String { wrap("1", t) }
    public func dim(_ t: String) -> String { wrap("2", t) }
    public func red(_ t: String) -> String { wrap("31", t) }
    public func yellow(_ t: String) -> String { wrap("33", t) }
    public func cyan(_ t: String) -> String { wrap("36", t) }
}

/// Human-readable sizes and counts.
public enum Units {
    /// `1.5 KiB`, `16.0 GiB`; bytes below 1024 as `512 B`.
    public static func bytes(_ n: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(n) B" }
        return formatOneDecimal(value) + " " + units[unit]
    }

    /// `1,234,567`.
    public static func count(_ n: UInt64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }

    static func formatOneDecimal(_ v: Double) -> String {
        let tenths = (v * 10).rounded()
        let whole = Int(tenths / 10)
        let frac = Int(tenths) - whole * 10
        return "\(whole).\(frac)"
    }
}

/// Left/right-aligned columns for terminal tables.
public struct TextTable {
    public enum Align { case left, right }
    public var columns: [(String, Align)]
    public var rows: [[String]] = []

    public init(columns: [(String, Align)]) { self.columns = columns }

    public mutating func add(_ row: [String]) { rows.append(row) }

    /// The table as lines, each prefixed by `indent`; the header is passed through `header`.
    public func render(indent: String = "  ", header: (String) -> String = { $0 }) -> [String] {
        var widths = columns.map { $0.0.count }
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                let last = i == cells.count - 1
                parts.append(columns[i].1 == .left ? (last ? cell : cell + pad) : pad + cell)
            }
            return indent + parts.joined(separator: "  ")
        }
        return [header(line(columns.map(\.0)))] + rows.map(line)
    }
}
