import Foundation
import FrictionCore
import FrictionTestSupport
import Testing

/// `friction compare` and `friction lint --reference` end to end on fixtures/compare.
@Suite struct CompareCommandTests {
    static let llama = Fixtures.path("compare/llama")

    @Test func aCleanExportExitsZeroAndADamagedOneOne() {
        let clean = FrictionBinary.run(["compare", Self.llama, Fixtures.path("compare/llama-q8_0.gguf")])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout.contains("29 pairs, 0 flagged") && clean.stdout.contains("[permute_q]"))
        let damaged = FrictionBinary.run(["compare", Self.llama, Fixtures.path("compare/llama-damaged.gguf")])
        #expect(damaged.status == 1)
        for text in ["4 flagged", "stored transposed", "matches blk.1.ffn_down.weight instead", "error concentrated in block 5"] {
            #expect(damaged.stdout.contains(text), "missing \(text)")
        }
    }

    @Test func everyFormatRenders() throws {
        let args = ["compare", Self.llama, Fixtures.path("compare/llama-damaged.gguf")]
        let json = FrictionBinary.run(args + ["--format", "json"])
        let doc = try JSONParser.parse(Array(json.stdout.utf8)).value
        #expect(doc["schema"]?.stringValue == "friction.compare/1")
        #expect(doc["pairs"]?.arrayValue?.count == 29 && doc["flagged"]?.int64Value == 4)
        #expect(doc["by_layer"]?.arrayValue?.count == 4 && doc["by_role"]?.arrayValue?.isEmpty == false)
        let md = FrictionBinary.run(args + ["--format", "markdown"])
        #expect(md.stdout.hasPrefix("# friction compare") && md.stdout.contains("| tensor | types |") && md.stdout.contains("## By block"))
        let html = FrictionBinary.run(args + ["--format", "html"])
        #expect(html.stdout.contains("<svg") && html.stdout.contains("class=\"flag\"") && html.stdout.hasSuffix("</html>\n"))
        #expect(FrictionBinary.run(args + ["--format", "yaml"]).status == 2)
    }

    @Test func aUserMapPairsTensorsByName() throws {
        let dir = Fixtures.temporaryDirectory("friction-compare")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let map = dir + "/map.yml"
        Fixtures.write("""
            model.embed_tokens.weight: onnx::Gather_100
            model.layers.0.mlp.up_proj.weight: {name: onnx::MatMul_101, transform: transpose}
            model.layers.0.mlp.gate_proj.weight: onnx::MatMul_103
            """, to: map)
        let run = FrictionBinary.run(["compare", "--format", "json", "--map", map, Self.llama, Fixtures.path("compare/llama-layer0.onnx")])
        let doc = try JSONParser.parse(Array(run.stdout.utf8)).value
        let pairs = doc["pairs"]?.arrayValue ?? []
        let methods = Dictionary(pairs.map { ($0["b"]?.stringValue ?? "", $0["method"]?.stringValue ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(methods["onnx::Gather_100"] == "user-map" && methods["onnx::MatMul_101"] == "user-map")
        #expect(methods["onnx::MatMul_102"] == "fingerprint")
        // A square MatMul initializer mapped without its transform is flagged as stored transposed.
        let up = pairs.first { $0["b"]?.stringValue == "onnx::MatMul_101" }
        #expect(up?["transform"]?.stringValue == "transpose" && up?["flagged"]?.boolValue == false)
        let gate = pairs.first { $0["b"]?.stringValue == "onnx::MatMul_103" }
        #expect(gate?["flagged"]?.boolValue == true && gate?["diagnosis"]?.arrayValue?.first?.stringValue?.contains("stored transposed") == true)
        #expect(run.status == 1)
    }

    @Test func activationDumpsGiveKLAndTopK() {
        let run = FrictionBinary.run(["compare", "--temperature", "1", "--temperature", "2", Fixtures.path("compare/activations/train.npz"),
                                      Fixtures.path("compare/activations/infer.npz")])
        #expect(run.status == 1)
        #expect(run.stdout.contains("KL@T=1.0 0.826933 nats") && run.stdout.contains("KL@T=2.0 0.265370 nats"), "\(run.stdout)")
        #expect(run.stdout.contains("top-1 agreement 87.5%") && run.stdout.contains("top-5 overlap 92.5%"))
    }

    @Test func lintWithAReferenceRaisesTheCompareRules() {
        let run = FrictionBinary.run(["lint", "--reference", Self.llama, Fixtures.path("compare/llama-damaged.gguf"),
                                      Fixtures.path("compare/llama-pruned.gguf"), Fixtures.path("compare/llama-q4_0.gguf")])
        #expect(run.status == 1)
        #expect(run.stdout.components(separatedBy: "[PREC013]").count - 1 == 4, "\(run.stdout)")
        #expect(run.stdout.contains("[EXP024]") && run.stdout.contains("depth pruning") && run.stdout.contains("rope_theta"))
        #expect(!run.stdout.contains("llama-q4_0.gguf:blk"), "the clean Q4_0 export raises nothing")
        #expect(FrictionBinary.run(["lint", "--reference", "/no/such/file", Self.llama]).status == 2)
    }
}
