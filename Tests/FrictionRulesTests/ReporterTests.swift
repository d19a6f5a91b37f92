import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import FrictionCore
import FrictionLoaders
import FrictionReport
import FrictionRules
import FrictionTestSupport
import Testing

/// Every reporter over one shared run of the demo models: deterministic, and each format's
/// contract (SARIF schema, JUnit XML, self-contained HTML, versioned JSON).
@Suite struct ReporterTests {
    static let report: LintReport? = {
        guard let catalog = try? RuleCatalog.load(directory: Fixtures.rulesDirectory) else { return nil }
        let targets = ["gpu=t4,runtime=tensorrt@10.0", "runtime=llama.cpp@b4000"].compactMap { try? Target.parse($0, knowledge: catalog.knowledge) }
        guard let linter = try? Linter(catalog: catalog, configuration: Configuration(), targets: targets) else { return nil }
        var inputs: [InputResult] = []
        for name in ["demo/fp8_model", "demo/hf_model", "demo/moe_mxfp4.gguf", "bad/safetensors/trailing_bytes.safetensors"] {
            let path = "fixtures/" + name
            do throws(LoadError) {
                inputs.append(linter.lint(path: path, model: try ModelLoader.load(Fixtures.path(name)), error: nil))
            } catch {
                inputs.append(linter.lint(path: path, model: nil, error: error))
            }
        }
        return LintReport(inputs: inputs, rules: linter.rules, targets: targets, command: "friction lint fixtures/demo", failOn: .error, toolVersion: "test")
    }()

    func render(_ format: ReportFormat) throws -> String { format.reporter().render(try #require(Self.report)) }

    @Test(arguments: ReportFormat.allCases)
    func deterministic(format: ReportFormat) throws {
        #expect(try render(format) == render(format))
        #expect(try !render(format).isEmpty)
    }

    @Test func sarifValidatesAgainstTheOfficialSchema() throws {
        let text = try render(.sarif)
        let doc = try JSONParser.parse(Array(text.utf8)).value
        let errors = JSONSchemaValidator(schema: Fixtures.json("fixtures/schemas/sarif-schema-2.1.0.json")).validate(doc)
        #expect(errors == [])
        guard case .array(let runs)? = doc["runs"], case .array(let results)? = runs.first?["results"],
              case .array(let rules)? = runs.first?["tool"]?["driver"]?["rules"] else { Issue.record("no results"); return }
        #expect(rules.count >= 20, "full rule metadata")
        #expect(results.contains { $0["ruleId"]?.stringValue == "QNT001" })
        let byteOffsets = results.compactMap { r -> Int64? in
            guard case .array(let locs)? = r["locations"] else { return nil }
            return locs.first?["physicalLocation"]?["region"]?["byteOffset"]?.int64Value
        }
        #expect(!byteOffsets.isEmpty, "binary artifacts are located by byte offset")
        #expect(rules.allSatisfy { $0["help"]?["text"]?.stringValue?.isEmpty == false })
    }

    @Test func jsonCarriesItsSchemaAndSummary() throws {
        let doc = try JSONParser.parse(Array(try render(.json).utf8)).value
        #expect(doc["schema"]?.stringValue == "friction.lint/1")
        #expect(doc["summary"]?["load_errors"]?.int64Value == 1)
        #expect((doc["summary"]?["errors"]?.int64Value ?? 0) >= 4)
    }

    @Test func junitIsWellFormedXML() throws {
        let xml = try render(.junit)
        let parser = XMLParser(data: Data(xml.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(xml.contains("<failure"))
        #expect(xml.contains("<error"))
    }

    @Test func htmlIsSelfContained() throws {
        let html = try render(.html)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("src=\""))
        #expect(!html.contains("<link"))
        let memoryCharts = html.components(separatedBy: "Memory per target GPU").count - 1
        #expect(html.components(separatedBy: "<svg").count - 1 == 2 + memoryCharts, "two overview charts and one memory chart per input with a GPU target")
        let external = html.components(separatedBy: "http").count - 1
        #expect(external == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1, "no URL but the SVG namespace")
        #expect(html.contains("Why it matters and how to fix it"))
        #expect(html.contains("QNT001"))
    }

    @Test func markdownAndTextShowEveryFinding() throws {
        let report = try #require(Self.report)
        let md = try render(.markdown), text = try render(.text)
        for f in report.findings {
            #expect(md.contains(f.code) && text.contains("[\(f.code)]"))
        }
        #expect(text.contains("command: friction lint fixtures/demo"))
    }
}
