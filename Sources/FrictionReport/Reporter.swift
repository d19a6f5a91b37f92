import FrictionCore
import FrictionRules

/// Turns a lint run into one output format. Deterministic: same run, same bytes.
public protocol Reporter {
    /// The `--format` name.
    static var id: String { get }
    static var summary: String { get }
    func render(_ report: LintReport) -> String
}

/// The report formats of `friction lint --format`. The exhaustive switch wires each to its reporter.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, sarif, markdown, junit, html

    /// The reporter for this format; `style` only affects text.
    public func reporter(style: Style = Style(enabled: false)) -> any Reporter {
        switch self {
        case .text: TextReporter(style: style)
        case .json: JSONReporter()
        case .sarif: SARIFReporter()
        case .markdown: MarkdownReporter()
        case .junit: JUnitReporter()
        case .html: HTMLReporter()
        }
    }
}

/// Summary numbers shared by reporters.
struct ReportSummary {
    var errors: Int
    var warnings: Int
    var infos: Int
    var inputs: Int
    var loadErrors: Int
    var baselined: Int

    init(_ report: LintReport) {
        errors = report.count(.error)
        warnings = report.count(.warning)
        infos = report.count(.info)
        inputs = report.inputs.count
        loadErrors = report.inputs.filter { $0.error != nil }.count
        baselined = report.inputs.reduce(0) { $0 + $1.baselined }
    }

    /// `3 errors, 1 warning, 0 infos in 2 inputs`.
    var line: String {
        func n(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        var text = "\(n(errors, "error")), \(n(warnings, "warning")), \(n(infos, "info")) in \(n(inputs, "input"))"
        if loadErrors > 0 { text += "; \(n(loadErrors, "input")) could not be read" }
        if baselined > 0 { text += "; \(baselined) baselined" }
        return text
    }
}

extension Finding {
    /// `file@offset:tensor`.
    var where_: String { location.description }
}

/// The one-line summary, for stderr when the report goes to a file.
public enum ReportSummaryLine {
    public static func line(_ report: LintReport) -> String { ReportSummary(report).line }
}
