import FrictionRules

/// Rule documentation for `friction explain` and `friction rules --format markdown`.
public enum RuleDocsRenderer {
    public static func explain(_ r: Rule, style: Style) -> String {
        var out = style.bold("\(r.code) \(r.name)") + "  (\(r.severity.rawValue), \(r.category))\n"
        out += "\(r.summary)\n\n"
        out += style.bold("What") + "\n  \(r.docs.what)\n\n"
        out += style.bold("Why") + "\n  \(r.docs.why)\n\n"
        out += style.bold("Fix") + "\n  \(r.docs.fix)\n\n"
        out += style.bold("References") + "\n" + r.docs.references.map { "  - \($0)\n" }.joined()
        out += "\n" + style.dim("check: \(r.check)  formats: \(r.formats.isEmpty ? "all" : r.formats.joined(separator: ", "))  file: \(r.file)") + "\n"
        return out
    }

    public static func markdown(_ catalog: RuleCatalog) -> String {
        var out = "# friction rules\n\n| code | name | severity | summary |\n| --- | --- | --- | --- |\n"
        for r in catalog.rules { out += "| [\(r.code)](#\(r.code.lowercased())) | \(r.name) | \(r.severity.rawValue) | \(r.summary) |\n" }
        for r in catalog.rules {
            out += "\n## \(r.code)\n\n**\(r.name)** · \(r.severity.rawValue) · \(r.category) · check `\(r.check)`\n\n\(r.docs.what)\n\n"
            out += "**Why.** \(r.docs.why)\n\n**Fix.** \(r.docs.fix)\n\n" + r.docs.references.map { "- \($0)" }.joined(separator: "\n") + "\n"
        }
        return out
    }
}
