import FrictionCore
import FrictionRules
import FrictionTestSupport
import Testing

/// The bundled catalog: loads, every rule's examples behave, the registry is complete, and
/// every rule file validates against rules/schema.json.
@Suite struct CatalogTests {
    static let catalog: RuleCatalog? = try? RuleCatalog.load(directory: Fixtures.rulesDirectory)
    static let codes: [String] = catalog?.rules.map(\.code) ?? []

    func rule(_ code: String) throws -> Rule { try #require(Self.catalog?.rule(code)) }

    @Test func catalogLoadsWithAtLeastTwentyRules() throws {
        let catalog = try RuleCatalog.load(directory: Fixtures.rulesDirectory)
        #expect(catalog.rules.count >= 20)
        #expect(Set(catalog.rules.map(\.code)).count == catalog.rules.count)
        #expect(Set(catalog.rules.map(\.area)).isSuperset(of: ["EXP", "PREC", "ARCH", "QNT", "SPR", "MEM", "SEC"]))
    }

    @Test(arguments: codes)
    func examplesBehave(code: String) throws {
        let rule = try rule(code)
        let knowledge = try #require(Self.catalog?.knowledge)
        #expect(RuleTester.test(rule, knowledge: knowledge) == [])
        #expect(!rule.triggering.isEmpty && !rule.nonTriggering.isEmpty)
    }

    @Test(arguments: codes)
    func ruleFileValidatesAgainstTheSchema(code: String) throws {
        let rule = try rule(code)
        let validator = JSONSchemaValidator(schema: Fixtures.json("rules/schema.json"))
        #expect(validator.validate(rule.document.root) == [], "\(rule.file)")
        #expect(rule.file.hasSuffix("\(rule.area)/\(rule.code)-\(rule.name).yaml"))
        #expect(rule.docs.references.allSatisfy { !$0.isEmpty })
    }

    @Test func everyCheckKindIsUsedAndEveryRuleKindIsRegistered() throws {
        let catalog = try #require(Self.catalog)
        let registered = CheckRegistry.kinds.map { $0.id }
        #expect(Set(registered).count == registered.count, "check ids are unique")
        let used = Set(catalog.rules.map(\.check))
        #expect(used.isSubset(of: Set(registered)))
        let unused = Set(registered).subtracting(used)
        #expect(unused.isEmpty, "check kinds no rule uses: \(unused)")
    }

    @Test func aWrongExpectationIsCaught() throws {
        var rule = try rule("SPR001")
        rule.triggering[0].expect = [.object([("tensor", .string("no-such-tensor"))])]
        let problems = RuleTester.test(rule, knowledge: try #require(Self.catalog?.knowledge))
        #expect(problems.count == 1)
        #expect(problems.first?.contains("no finding matches") == true)
        var silent = try self.rule("EXP006")
        silent.nonTriggering = silent.triggering
        #expect(RuleTester.test(silent, knowledge: try #require(Self.catalog?.knowledge)).count == silent.triggering.count)
    }

    @Test func messageTemplatesUseOnlyValuesChecksProvide() throws {
        for rule in Self.catalog?.rules ?? [] {
            let placeholders = MessageTemplate.placeholders(rule.message)
            #expect(!placeholders.isEmpty || !rule.message.isEmpty)
            let knowledge = try #require(Self.catalog?.knowledge)
            for (i, example) in rule.triggering.enumerated() {
                let built = try ExampleModel.build(example.model, path: "e\(i)")
                let targets = try example.targets.map { try Target.parse($0, knowledge: knowledge) }
                var linter = try Linter(catalog: RuleCatalog(rules: [rule], knowledge: knowledge, directory: ""), configuration: Configuration(), targets: targets)
                linter.values = built.values
                for finding in linter.lint(path: "e\(i)", model: built.model, error: built.error, statistics: built.statistics).findings {
                    let unfilled = placeholders.contains { finding.message.contains("{\($0)}") }
                    #expect(!unfilled, "\(rule.code): unfilled placeholder in '\(finding.message)'")
                }
            }
        }
    }
}
