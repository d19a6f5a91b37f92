import Foundation
import FrictionCore
import FrictionTestSupport
import Testing

/// The test-support JSON Schema validator agrees with Python's jsonschema (the answers frozen in
/// fixtures/schemas/samples/keyword-cases.json) and with the SARIF samples' intent.
@Suite struct JSONSchemaValidatorTests {
    static let sarifSchema = Fixtures.json("fixtures/schemas/sarif-schema-2.1.0.json")
    static let samples: [String] = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.path("schemas/samples")))?
        .filter { $0.hasSuffix(".sarif.json") }.sorted() ?? []

    @Test func theSchemaIsTheOfficialOne() {
        #expect(Self.sarifSchema["title"]?.stringValue?.contains("SARIF") == true)
        #expect(Self.sarifSchema["properties"]?["version"]?["enum"] == .array([.string("2.1.0")]))
    }

    @Test(arguments: samples)
    func sarifSamples(name: String) {
        let doc = Fixtures.json("fixtures/schemas/samples/" + name)
        let errors = JSONSchemaValidator(schema: Self.sarifSchema).validate(doc)
        if name.hasPrefix("valid-") { #expect(errors == [], "\(name)") } else { #expect(errors.count == 1, "\(name): \(errors)") }
    }

    @Test func keywordCasesAgreeWithPythonJSONSchema() {
        guard case .array(let cases) = Fixtures.json("fixtures/schemas/samples/keyword-cases.json") else {
            Issue.record("no keyword cases"); return
        }
        #expect(cases.count > 100)
        for (i, c) in cases.enumerated() {
            let valid = JSONSchemaValidator(schema: c["schema"] ?? .null).isValid(c["instance"] ?? .null)
            #expect(.bool(valid) == c["valid"], "case \(i): \(c.serialized())")
        }
    }
}
