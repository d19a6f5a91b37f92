import FrictionCore
import FrictionRules
import FrictionTestSupport
import Testing

/// `.friction.yml`: selection, overrides, ignores, targets, baseline, discovery.
@Suite struct ConfigurationTests {
    static let catalog = try? RuleCatalog.load(directory: Fixtures.rulesDirectory)

    /// The demo-like model: F32 weights under a bfloat16 config, and odd dims.
    static let model: Model = {
        let spec: JSONValue = .object([
            ("format", .string("hf-folder")),
            ("config", .object([("torch_dtype", .string("bfloat16"))])),
            ("tensors", .array([
                .object([("name", .string("lm_head.weight")), ("dtype", .string("F32")), ("shape", .array([.int(100), .int(48)]))]),
                .object([("name", .string("model.norm.weight")), ("dtype", .string("F32")), ("shape", .array([.int(48)]))]),
            ])),
        ])
        return (try? ExampleModel.build(spec, path: "models/demo"))?.model ?? Model(path: "x", format: .folder)
    }()

    func codes(_ yaml: String, targets: [String] = []) throws -> [String] {
        let dir = Fixtures.temporaryDirectory()
        Fixtures.write(yaml, to: dir + "/.friction.yml")
        let config = try Configuration.load(path: dir + "/.friction.yml")
        let catalog = try #require(Self.catalog)
        let parsed = try (targets.isEmpty ? config.targets : targets).map { try Target.parse($0, knowledge: catalog.knowledge) }
        let linter = try Linter(catalog: catalog, configuration: config, targets: parsed)
        return linter.lint(path: "models/demo", model: Self.model, error: nil).findings.map { "\($0.code):\($0.severity.rawValue):\($0.location.path ?? "")" }
    }

    @Test func defaultsRunEveryRule() throws {
        let found = try codes("")
        #expect(found.contains("PREC001:warning:torch_dtype"))
        #expect(found.contains("SPR001:warning:lm_head.weight"))
    }

    @Test func selectIgnoreAndSeverity() throws {
        #expect(try codes("select: [PREC]") == ["PREC001:warning:torch_dtype"])
        #expect(try codes("ignore: [SPR001, weights-wider-than-config-dtype]") == [])
        #expect(try codes("select: [PREC001]\nseverity: {PREC001: error}") == ["PREC001:error:torch_dtype"])
    }

    @Test func paramOverridesReachTheCheck() throws {
        #expect(try codes("select: [SPR001]\nparams: {SPR001: {dim_not_multiple_of: 4}}") == [])
        #expect(try codes("select: [SPR001]\nparams: {SPR001: {dim_not_multiple_of: 64}}") == ["SPR001:warning:lm_head.weight"])
        #expect(throws: RuleFileError.self) { try codes("params: {SPR001: {bogus: 1}}") }
    }

    @Test func pathAndTensorIgnores() throws {
        #expect(try codes("select: [SPR001, PREC001]\nper_path_ignores: {'models/*': [SPR]}") == ["PREC001:warning:torch_dtype"])
        #expect(try codes("select: [SPR001]\nignore_tensors: [{tensor: 'lm_head.*'}]") == [])
        #expect(try codes("select: [SPR001]\nignore_tensors: [{tensor: 'lm_head.*', codes: [PREC]}]") == ["SPR001:warning:lm_head.weight"])
    }

    @Test func targetsComeFromTheConfiguration() throws {
        let found = try codes("select: [MEM001]\ntargets: [{gpu: t4}]")
        #expect(found == [], "a 19 KB model fits a T4")
        #expect(throws: (any Error).self) { try codes("targets: [gpu=nope]") }
    }

    @Test func unknownKeysAreErrorsWithLines() {
        let dir = Fixtures.temporaryDirectory()
        Fixtures.write("select: [EXP]\nselct: [PREC]\n", to: dir + "/.friction.yml")
        do {
            _ = try Configuration.load(path: dir + "/.friction.yml")
            Issue.record("accepted an unknown key")
        } catch {
            #expect(error.line == 2)
            #expect(error.message.contains("selct"))
        }
    }

    @Test func discoveryWalksUpFromTheInput() throws {
        let dir = Fixtures.temporaryDirectory()
        Fixtures.write("select: [EXP]\n", to: dir + "/.friction.yml")
        try FileManagerShim.mkdir(dir + "/a/b")
        Fixtures.write("x", to: dir + "/a/b/model.safetensors")
        #expect(Configuration.find(from: dir + "/a/b/model.safetensors") == dir + "/.friction.yml")
        #expect(Configuration.find(from: dir + "/a/b") == dir + "/.friction.yml")
    }

    @Test func baselineHidesKnownFindings() throws {
        let catalog = try #require(Self.catalog)
        let config = Configuration()
        let first = try Linter(catalog: catalog, configuration: config, targets: []).lint(path: "models/demo", model: Self.model, error: nil)
        #expect(!first.findings.isEmpty)
        let dir = Fixtures.temporaryDirectory()
        Fixtures.write(Baseline.document(first.findings).serialized(indent: 2), to: dir + "/baseline.json")
        let baseline = try Baseline.load(path: dir + "/baseline.json")
        let second = try Linter(catalog: catalog, configuration: config, targets: [], baseline: baseline).lint(path: "models/demo", model: Self.model, error: nil)
        #expect(second.findings.isEmpty)
        #expect(second.baselined == first.findings.count)
        Fixtures.write("{\"schema\": \"other\"}", to: dir + "/bad.json")
        #expect(throws: RuleFileError.self) { try Baseline.load(path: dir + "/bad.json") }
    }
}

import Foundation
enum FileManagerShim {
    static func mkdir(_ path: String) throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
}
