import FrictionCore
import FrictionRules
import FrictionTestSupport
import Testing

/// Rule, configuration and YAML errors name the file and the line.
@Suite struct RuleFileErrorTests {
    static let valid = """
        code: SPR900
        name: odd-rows
        summary: Rows not a multiple of 32
        category: sparsity
        severity: warning
        check: tensor-selector
        params:
          min_rank: 2
          dim_not_multiple_of: 32
        message: "{tensor} has {size}"
        docs:
          what: w
          why: y
          fix: f
          references: [a spec]
        examples:
          triggering:
            - model: {tensors: [{name: w, dtype: F16, shape: [33, 64]}]}
          non_triggering:
            - model: {tensors: [{name: w, dtype: F16, shape: [32, 64]}]}
        """

    func load(_ text: String) throws(RuleFileError) -> Rule {
        let rule = try Rule.parse(try YAMLDocument.parse(text, file: "user.yaml"))
        _ = try RuleCatalog.compile(rule, params: rule.params, knowledge: Knowledge())
        return rule
    }

    @Test func aValidUserRuleParses() throws {
        let rule = try load(Self.valid)
        #expect(rule.code == "SPR900")
        #expect(RuleTester.test(rule, knowledge: Knowledge()) == [])
    }

    @Test(arguments: [
        ("  dim_not_multiple_of: 32", "  dim_not_multiple: 32", 9, "unknown parameter 'dim_not_multiple'"),
        ("  dim_not_multiple_of: 32", "  dim_not_multiple_of: thirty", 9, "must be of type int"),
        ("check: tensor-selector", "check: no-such-check", 6, "unknown check 'no-such-check'"),
        ("severity: warning", "severity: fatal", 5, "severity must be one of"),
        ("category: sparsity", "category: memory", 4, "category of a SPR rule must be 'sparsity'"),
        ("name: odd-rows", "name: Odd_Rows", 2, "kebab-case"),
        ("code: SPR900", "code: SPARSE1", 1, "must be an area"),
        ("  references: [a spec]", "  references: []", 15, "references"),
        ("summary: Rows not a multiple of 32", "summary: Rows\nsummary: again", 4, "appears twice"),
    ])
    func errorsNameTheLine(original: String, replacement: String, line: Int, text: String) {
        let broken = Self.valid.replacingOccurrences(of: original, with: replacement)
        #expect(broken != Self.valid)
        do {
            _ = try load(broken)
            Issue.record("accepted: \(replacement)")
        } catch {
            #expect(error.file == "user.yaml")
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(text), "\(error)")
        }
    }

    @Test func yamlSyntaxErrorsNameTheLine() {
        #expect(throws: RuleFileError.self) { try YAMLDocument.parse("a: [1, 2\nb: 3\n", file: "x.yaml") }
        do { _ = try YAMLDocument.parse("a: 1\nb: [\n", file: "x.yaml") } catch {
            #expect(error.description.hasPrefix("x.yaml:"))
        }
    }

    @Test func quotedScalarsStayStrings() throws {
        let doc = try YAMLDocument.parse("a: \"0.10\"\nb: 0.10\nc: 'true'\nd: true\ne: 1_000\nf: ~\n", file: "x")
        #expect(doc.root["a"] == .string("0.10"))
        #expect(doc.root["b"] == .double(0.1))
        #expect(doc.root["c"] == .string("true"))
        #expect(doc.root["d"] == .bool(true))
        #expect(doc.root["e"] == .int(1000))
        #expect(doc.root["f"] == .null)
        #expect(doc.line(of: "/e") == 5)
    }
}
