import FrictionCore
import FrictionRules

/// A Markdown report for pull-request comments and job summaries.
public struct MarkdownReporter: Reporter {
    public static let id = "markdown"
    public static let summary = "Markdown tables for PR comments and CI job summaries"

    public init() {}

    static func cell(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    public func render(_ report: LintReport) -> String {
        var out = "# friction report\n\n**\(ReportSummary(report).line)**\n\n"
        if !report.targets.isEmpty { out += "Targets: " + report.targets.map { "`\($0)`" }.joined(separator: ", ") + "\n\n" }
        for input in report.inputs {
            out += "## `\(input.path)`\n\n"
            if let e = input.error { out += "> **load error** `\(e.code)`: \(Self.cell(e.description))\n\n" }
            if input.findings.isEmpty {
                if input.error == nil { out += "No findings.\n\n" }
                continue
            }
            out += "| severity | code | where | message |\n| --- | --- | --- | --- |\n"
            for f in input.findings {
                out += "| \(f.severity.rawValue) | `\(f.code)` \(f.name) | `\(Self.cell(f.where_))` | \(Self.cell(f.message)) |\n"
            }
            out += "\n"
        }
        let used = Set(report.findings.map(\.code))
        let rules = report.rules.filter { used.contains($0.code) }
        if !rules.isEmpty {
            out += "## Rules\n\n"
            for r in rules {
                out += "### \(r.code) \(r.name)\n\n\(r.docs.what)\n\n**Why:** \(r.docs.why)\n\n**Fix:** \(r.docs.fix)\n\n"
                out += r.docs.references.map { "- \($0)" }.joined(separator: "\n") + "\n\n"
            }
        }
        out += "<sub>`\(report.command)` · friction \(report.toolVersion)</sub>\n"
        return out
    }
}
