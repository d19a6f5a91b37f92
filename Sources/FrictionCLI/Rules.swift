import ArgumentParser
import FrictionCore
import FrictionReport
import FrictionRules

/// `friction rules`: the rule catalog as a table, Markdown or JSON; `--test` runs rule examples.
struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the rules, or test rule files' examples.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, markdown, json }

    @Option(help: "table, markdown or json.")
    var format: Format = .table

    @Option(help: "Extra rule files to include (repeatable).")
    var rules: [String] = []

    @Option(help: "Rules directory (default: the bundled rules/).")
    var rulesDir: String?

    @Flag(help: "Run the examples of every listed rule as tests; exit 1 if any fails.")
    var test = false

    func run() throws {
        let catalog = try loadCatalog(rulesDir: rulesDir, extra: rules)
        if test {
            var failures = 0
            // With --rules, test just those files (a user checking their own rules).
            let files = Set(rules)
            let tested = files.isEmpty ? catalog.rules : catalog.rules.filter { rule in files.contains { rule.file == $0 || rule.file.hasSuffix("/" + $0) } }
            for rule in tested {
                let problems = RuleTester.test(rule, knowledge: catalog.knowledge)
                failures += problems.count
                FileHandleOutput.standardOutput(problems.isEmpty ? "ok    \(rule.code) \(rule.name)\n" : problems.map { "FAIL  \($0)\n" }.joined())
            }
            FileHandleOutput.standardOutput("\(tested.count) rules tested, \(failures) failures\n")
            if failures > 0 { throw ExitCode(1) }
            return
        }
        switch format {
        case .table:
            var table = TextTable(columns: [("code", .left), ("name", .left), ("severity", .left), ("check", .left), ("summary", .left)])
            for r in catalog.rules { table.add([r.code, r.name, r.severity.rawValue, r.check, r.summary]) }
            FileHandleOutput.standardOutput(table.render(indent: "").joined(separator: "\n") + "\n")
        case .markdown:
            FileHandleOutput.standardOutput(RuleDocsRenderer.markdown(catalog))
        case .json:
            let rows = catalog.rules.map { r in
                JSONValue.object([("code", .string(r.code)), ("name", .string(r.name)), ("severity", .string(r.severity.rawValue)),
                                  ("category", .string(r.category)), ("check", .string(r.check)), ("summary", .string(r.summary)),
                                  ("formats", .array(r.formats.map(JSONValue.string)))])
            }
            FileHandleOutput.standardOutput(JSONValue.array(rows).serialized(indent: 2) + "\n")
        }
    }
}

/// `friction explain CODE`: what a rule checks, why it matters, how to fix it, and sources.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain a rule: what, why, fix, references.")

    @Argument(help: "A rule code (PREC001) or name.")
    var code: String

    @Option(help: "Rules directory (default: the bundled rules/).")
    var rulesDir: String?

    func run() throws {
        let catalog = try loadCatalog(rulesDir: rulesDir, extra: [])
        guard let rule = catalog.rule(code) else { throw ValidationError("no rule \(code); see `friction rules`") }
        FileHandleOutput.standardOutput(RuleDocsRenderer.explain(rule, style: Style.forDescriptor(1)))
    }
}

func loadCatalog(rulesDir: String?, extra: [String]) throws -> RuleCatalog {
    guard let directory = rulesDir ?? RuleCatalog.locateBundled() else {
        throw ValidationError("cannot find the rules directory; pass --rules-dir or set FRICTION_RULES")
    }
    do throws(RuleFileError) { return try RuleCatalog.load(directory: directory, extraFiles: extra) } catch {
        throw ValidationError(error.description)
    }
}
