import FrictionCore
import FrictionRules

/// The machine-readable report: schema-versioned, sorted keys, findings in report order.
public struct JSONReporter: Reporter {
    public static let id = "json"
    public static let summary = "schema-versioned JSON (friction.lint/1)"
    public static let schema = "friction.lint/1"

    public init() {}

    public func document(_ report: LintReport) -> JSONValue {
        let s = ReportSummary(report)
        let used = Set(report.findings.map(\.code))
        return .object([
            ("schema", .string(Self.schema)),
            ("tool", .object([("name", .string("friction")), ("version", .string(report.toolVersion))])),
            ("command", .string(report.command)),
            ("fail_on", report.failOn.map { .string($0.rawValue) } ?? .string("never")),
            ("targets", .array(report.targets.map { .string($0.description) })),
            ("summary", .object([
                ("errors", .int(Int64(s.errors))), ("warnings", .int(Int64(s.warnings))), ("infos", .int(Int64(s.infos))),
                ("inputs", .int(Int64(s.inputs))), ("load_errors", .int(Int64(s.loadErrors))), ("baselined", .int(Int64(s.baselined))),
            ])),
            ("inputs", .array(report.inputs.map(input))),
            ("rules", .array(report.rules.filter { used.contains($0.code) }.map(rule))),
        ])
    }

    public func render(_ report: LintReport) -> String { document(report).serialized(indent: 2) + "\n" }

    func input(_ i: InputResult) -> JSONValue {
        .object([
            ("path", .string(i.path)),
            ("format", i.model.map { .string($0.format.rawValue) } ?? .null),
            ("load_error", i.error.map(InspectJSON.error) ?? .null),
            ("findings", .array(i.findings.map(finding))),
        ])
    }

    func finding(_ f: Finding) -> JSONValue {
        .object([
            ("code", .string(f.code)), ("name", .string(f.name)), ("category", .string(f.category)),
            ("severity", .string(f.severity.rawValue)), ("message", .string(f.message)),
            ("file", .string(f.location.file)), ("offset", f.location.offset.map(JSONValue.uint) ?? .null),
            ("path", f.location.path.map(JSONValue.string) ?? .null), ("fingerprint", .string(f.fingerprint)),
        ])
    }

    func rule(_ r: Rule) -> JSONValue {
        .object([
            ("code", .string(r.code)), ("name", .string(r.name)), ("summary", .string(r.summary)), ("category", .string(r.category)),
            ("severity", .string(r.severity.rawValue)), ("fix", .string(r.docs.fix)),
            ("references", .array(r.docs.references.map(JSONValue.string))),
        ])
    }
}
