import FrictionCore

/// The documentation sections every rule carries (`friction explain` renders them).
public struct RuleDocs: Sendable, Hashable {
    public var what: String
    public var why: String
    public var fix: String
    public var references: [String]
}

/// One example of a rule: a synthesized model, optional targets, and the findings expected
/// (triggering) or none (non-triggering). Examples are run as tests.
public struct RuleExample: Sendable {
    public var model: JSONValue
    public var targets: [String]
    /// Each expectation matches a finding by tensor path, file suffix and/or message text.
    public var expect: [JSONValue]
    public var line: Int?
}

/// A rule: metadata, a check kind with parameters, a message template, docs and examples.
public struct Rule: Sendable {
    public static let areas: [String: String] = [
        "EXP": "export", "MEM": "memory", "PREC": "precision", "OPS": "operators",
        "ARCH": "architecture", "QNT": "quantization", "SPR": "sparsity", "SEC": "security",
    ]

    public var code: String
    public var name: String
    public var summary: String
    public var category: String
    public var severity: Severity
    /// Model formats the rule applies to (`safetensors`, `gguf`, `hf-folder`, …), or empty for all.
    public var formats: [String]
    public var check: String
    public var params: JSONValue
    public var message: String
    public var docs: RuleDocs
    public var triggering: [RuleExample]
    public var nonTriggering: [RuleExample]
    public var file: String
    public var document: YAMLDocument

    /// The area prefix of the code (`QNT` of `QNT004`).
    public var area: String { String(code.prefix { $0.isLetter }) }

    /// Parses and validates one rule file.
    public static func parse(_ doc: YAMLDocument) throws(RuleFileError) -> Rule {
        let root = doc.root
        guard case .object = root else { throw doc.error("a rule file is a mapping", at: "") }
        func text(_ key: String) throws(RuleFileError) -> String {
            guard let v = root[key]?.stringValue, !v.isEmpty else { throw doc.error("missing or empty '\(key)'", at: "/" + key) }
            return v
        }
        let allowed: Set<String> = ["code", "name", "summary", "category", "severity", "formats", "check", "params", "message", "docs", "examples", "since"]
        if case .object(let members) = root, let extra = members.first(where: { !allowed.contains($0.key) }) {
            throw doc.error("unknown key '\(extra.key)'", at: "/" + extra.key)
        }
        let code = try text("code")
        let area = String(code.prefix { $0.isLetter })
        guard let category = areas[area], code.dropFirst(area.count).count == 3, code.dropFirst(area.count).allSatisfy(\.isNumber) else {
            throw doc.error("code '\(code)' must be an area (\(areas.keys.sorted().joined(separator: ", "))) and three digits", at: "/code")
        }
        let name = try text("name")
        guard name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }), !name.hasPrefix("-"), !name.hasSuffix("-") else {
            throw doc.error("name '\(name)' must be kebab-case", at: "/name")
        }
        let declaredCategory = try text("category")
        guard declaredCategory == category else {
            throw doc.error("category of a \(area) rule must be '\(category)'", at: "/category")
        }
        guard let severity = Severity(rawValue: try text("severity")) else {
            throw doc.error("severity must be one of error, warning, info", at: "/severity")
        }
        var formats: [String] = []
        if let f = root["formats"] {
            guard case .array(let items) = f, items.allSatisfy({ $0.stringValue != nil }) else { throw doc.error("formats must be a list of format names", at: "/formats") }
            formats = items.compactMap(\.stringValue)
            let known = Set(ModelFormat.allCases.map(\.rawValue)).union(["onnx", "pytorch", "keras"])
            if let bad = formats.first(where: { !known.contains($0) }) { throw doc.error("unknown format '\(bad)'", at: "/formats") }
        }
        guard let docsNode = root["docs"], case .object = docsNode else { throw doc.error("missing 'docs' with what, why, fix, references", at: "/docs") }
        func docText(_ key: String) throws(RuleFileError) -> String {
            guard let v = docsNode[key]?.stringValue, !v.isEmpty else { throw doc.error("docs.\(key) is missing", at: "/docs/" + key) }
            return v
        }
        guard case .array(let refs)? = docsNode["references"], !refs.isEmpty, refs.allSatisfy({ $0.stringValue != nil }) else {
            throw doc.error("docs.references must list at least one issue, spec or source", at: "/docs/references")
        }
        let docs = RuleDocs(what: try docText("what"), why: try docText("why"), fix: try docText("fix"), references: refs.compactMap(\.stringValue))
        let (triggering, nonTriggering) = try examples(doc)
        return Rule(code: code, name: name, summary: try text("summary"), category: category, severity: severity, formats: formats,
                    check: try text("check"), params: root["params"] ?? .null, message: try text("message"), docs: docs,
                    triggering: triggering, nonTriggering: nonTriggering, file: doc.file, document: doc)
    }

    private static func examples(_ doc: YAMLDocument) throws(RuleFileError) -> ([RuleExample], [RuleExample]) {
        guard case .object? = doc.root["examples"] else { throw doc.error("missing 'examples' with triggering and non_triggering", at: "/examples") }
        func list(_ key: String) throws(RuleFileError) -> [RuleExample] {
            guard case .array(let items)? = doc.root["examples"]?[key], !items.isEmpty else {
                throw doc.error("examples.\(key) must list at least one example", at: "/examples/\(key)")
            }
            return try items.enumerated().map { i, item throws(RuleFileError) in
                let p = "/examples/\(key)/\(i)"
                guard case .object? = item["model"] else { throw doc.error("an example needs a 'model' mapping", at: p) }
                var targets: [String] = []
                if let t = item["targets"] {
                    guard case .array(let ts) = t, ts.allSatisfy({ $0.stringValue != nil }) else { throw doc.error("targets must be a list of target strings", at: p + "/targets") }
                    targets = ts.compactMap(\.stringValue)
                }
                var expect: [JSONValue] = []
                if case .array(let e)? = item["expect"] { expect = e }
                return RuleExample(model: item["model"] ?? .null, targets: targets, expect: expect, line: doc.line(of: p))
            }
        }
        return (try list("triggering"), try list("non_triggering"))
    }
}
