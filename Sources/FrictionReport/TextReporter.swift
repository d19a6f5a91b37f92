import FrictionCore
import FrictionRules

/// Terminal output: findings grouped by input, one greppable line each
/// (`path@offset:tensor: severity[CODE] message`), then a summary line and the command.
public struct TextReporter: Reporter {
    public static let id = "text"
    public static let summary = "grouped, greppable lines with a summary (colour on a terminal)"
    public var style: Style

    public init(style: Style) { self.style = style }

    func tag(_ s: Severity) -> String {
        switch s {
        case .error: style.red("error")
        case .warning: style.yellow("warning")
        case .info: style.cyan("info")
        }
    }

    public func render(_ report: LintReport) -> String {
        var lines: [String] = []
        for input in report.inputs {
            lines.append(style.bold(input.path))
            if let error = input.error, !input.findings.contains(where: { $0.location.file == error.location.file && $0.location.offset == error.location.offset }) {
                lines.append("  \(style.red("load error")) \(error)")
            }
            if input.findings.isEmpty && input.error == nil { lines.append("  " + style.dim("no findings")) }
            for f in input.findings {
                lines.append("  \(f.where_): \(tag(f.severity))[\(f.code)] \(f.message) " + style.dim("(\(f.name))"))
            }
            lines.append("")
        }
        if !report.targets.isEmpty { lines.append("targets: " + report.targets.map(\.description).joined(separator: ", ")) }
        lines.append(style.bold(ReportSummary(report).line))
        lines.append(style.dim("command: \(report.command)"))
        return lines.joined(separator: "\n") + "\n"
    }
}
