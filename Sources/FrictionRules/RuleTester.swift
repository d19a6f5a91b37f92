import FrictionCore

/// Runs a rule's examples: triggering examples must give exactly the expected findings,
/// non-triggering ones none. Used by the test suite and by `friction rules --test`.
public enum RuleTester {
    /// Problems found, as readable lines; empty when every example behaves.
    public static func test(_ rule: Rule, knowledge: Knowledge) -> [String] {
        var problems: [String] = []
        let catalog = RuleCatalog(rules: [rule], knowledge: knowledge, directory: "")
        for (kind, examples) in [("triggering", rule.triggering), ("non_triggering", rule.nonTriggering)] {
            for (i, example) in examples.enumerated() {
                let label = "\(rule.file):\(example.line ?? 0): \(rule.code) \(kind)[\(i)]"
                do throws(ParamError) {
                    let targets = try example.targets.map { spec throws(ParamError) in try Target.parse(spec, knowledge: knowledge) }
                    let built = try ExampleModel.build(example.model, path: "example-\(i)")
                    var linter: Linter
                    do throws(RuleFileError) {
                        linter = try Linter(catalog: catalog, configuration: Configuration(), targets: targets)
                        linter.values = built.values
                    } catch {
                        problems.append("\(label): \(error)")
                        continue
                    }
                    let findings = linter.lint(path: "example-\(i)", model: built.model, error: built.error, statistics: built.statistics).findings
                    problems += check(findings, example: example, triggering: kind == "triggering").map { "\(label): \($0)" }
                } catch {
                    problems.append("\(label): \(error.message)")
                }
            }
        }
        return problems
    }

    static func check(_ findings: [Finding], example: RuleExample, triggering: Bool) -> [String] {
        guard triggering else {
            return findings.isEmpty ? [] : ["expected no finding, got: " + findings.map(\.message).joined(separator: " | ")]
        }
        guard !findings.isEmpty else { return ["expected a finding, got none"] }
        var problems: [String] = []
        var unmatched = findings
        for expectation in example.expect {
            if let i = unmatched.firstIndex(where: { matches($0, expectation) }) {
                unmatched.remove(at: i)
            } else {
                problems.append("no finding matches \(expectation.serialized()); got: " + findings.map { "\($0.location): \($0.message)" }.joined(separator: " | "))
            }
        }
        if !example.expect.isEmpty, problems.isEmpty, !unmatched.isEmpty {
            problems.append("unexpected findings: " + unmatched.map { "\($0.location): \($0.message)" }.joined(separator: " | "))
        }
        return problems
    }

    static func matches(_ finding: Finding, _ expectation: JSONValue) -> Bool {
        if let tensor = expectation["tensor"]?.stringValue, finding.location.path != tensor { return false }
        if let file = expectation["file"]?.stringValue, !finding.location.file.hasSuffix(file) { return false }
        if let text = expectation["message"]?.stringValue, !finding.message.contains(text) { return false }
        if let severity = expectation["severity"]?.stringValue, finding.severity.rawValue != severity { return false }
        return true
    }
}
