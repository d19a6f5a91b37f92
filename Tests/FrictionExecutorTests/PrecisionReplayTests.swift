import FrictionCore
@testable import FrictionExecutor
import FrictionLoaders
import FrictionNumerics
import FrictionTestSupport
import Foundation
import Testing

/// The low-precision replay: rounding agrees with the numerics library, policies resolve as
/// written, every preset runs on the torch-exported models, and localization finds and fixes.
@Suite struct PrecisionReplayTests {
    @Test func bf16AndFP16RoundingMatchTheScalarFormats() {
        var v: [Float] = (0..<20000).map { i in Float(bitPattern: UInt32(truncatingIfNeeded: i &* 2654435761)) }.filter(\.isFinite)
        var h = v
        FormatRounding().apply(.bf16, &v, shape: [v.count])
        FormatRounding().apply(.fp16, &h, shape: [h.count])
        let original: [Float] = (0..<20000).map { i in Float(bitPattern: UInt32(truncatingIfNeeded: i &* 2654435761)) }.filter(\.isFinite)
        for (i, x) in original.enumerated() {
            let b = ScalarFormat.bfloat16.decode(ScalarFormat.bfloat16.encode(x, overflow: .mlDtypes))
            let f = ScalarFormat.float16.decode(ScalarFormat.float16.encode(x, overflow: .mlDtypes))
            #expect(v[i].bitPattern == b.bitPattern || (v[i].isNaN && b.isNaN), "bf16 \(x)")
            #expect(h[i].bitPattern == f.bitPattern || (h[i].isNaN && f.isNaN), "fp16 \(x)")
        }
    }

    @Test func saturationClampsInsteadOfOverflowing() {
        var v: [Float] = [70000, -70000, 1e30]
        FormatRounding(saturate: true).apply(.fp16, &v, shape: [3])
        #expect(v == [65504, -65504, 65504])
        var w: [Float] = [70000]
        FormatRounding().apply(.fp16, &w, shape: [1])
        #expect(w[0] == .infinity)
    }

    @Test func int8PerTensorCollapsesSmallValuesNextToAnOutlier() {
        var v: [Float] = [1000, 0.05, -0.04, 0.03]
        FormatRounding().apply(.int8, &v, shape: [4])
        #expect(v[0] == 1000)
        #expect(v[1...].allSatisfy { $0 == 0 })
    }

    @Test func policiesResolveMostSpecificFirst() throws {
        let doc = try YAMLLike.parse("""
            {"preset": "nvfp4", "op_types": {"Softmax": "fp32"}, "nodes": {"head": "bf16"},
             "layers": [{"last_n": 1, "precision": "bf16"}]}
            """)
        let p = try PrecisionPolicy.parse(doc)
        let gemm = GraphNode(name: "/layers.0/MatMul", opType: "MatMul")
        let lastGemm = GraphNode(name: "/layers.3/MatMul", opType: "MatMul")
        #expect(p.rule(for: gemm, layer: 0, layerCount: 4).input == .nvfp4)
        #expect(p.rule(for: lastGemm, layer: 3, layerCount: 4).input == .bf16)
        #expect(p.rule(for: GraphNode(name: "sm", opType: "Softmax"), layer: nil, layerCount: 4) == .fp32)
        #expect(p.rule(for: GraphNode(name: "head", opType: "MatMul"), layer: nil, layerCount: 4).input == .bf16)
        #expect(p.rule(for: GraphNode(name: "q", opType: "QuantizeLinear"), layer: nil, layerCount: 4) == .fp32)
        #expect(PrecisionPolicy.layerIndex("/model/layers.11/self_attn/MatMul") == 11)
        #expect(PrecisionPolicy.layerIndex("/blocks.2/mlp/fc/MatMul") == 2)
    }

    static func load(_ dir: String) throws -> (Executor, [String: Tensor]) {
        let model = try ModelLoader.load(dir + "/model.onnx")
        let graph = try #require(model.graph)
        var feeds: [String: Tensor] = [:]
        let names = graph.inputs.map(\.name).filter { n in !graph.initializers.contains { $0.name == n } }
        for (k, n) in names.enumerated() where FileManager.default.fileExists(atPath: dir + "/input_\(k).pb") {
            feeds[n] = try NodeTestCase.tensor(dir + "/input_\(k).pb")
        }
        return (Executor(graph: graph, functions: model.functions), feeds)
    }

    @Test(arguments: PrecisionPolicy.presetNames)
    func everyPresetRunsOnTheExportedModels(preset: String) throws {
        for name in ["resnet_block", "mobilenet_block", "bert_encoder", "gpt2_block", "unet_upsample"] {
            let (executor, feeds) = try Self.load(Fixtures.path("executor-models/" + name))
            let replay = PrecisionReplay(executor: executor, policy: try #require(PrecisionPolicy.preset(preset)))
            let report = try replay.run(feeds)
            #expect(!report.nodes.isEmpty)
            #expect(report.outputs.allSatisfy { $0.metrics.nonFinite == 0 }, "\(preset) \(name)")
            if preset == "fp32" { #expect(report.outputs.allSatisfy { $0.metrics.maxAbs == 0 }) }
        }
    }

    @Test func localModeFeedsReferenceInputs() throws {
        let (executor, feeds) = try Self.load(Fixtures.path("executor-models/gpt2_block"))
        var options = PrecisionReplay.Options()
        options.mode = .local
        let local = try PrecisionReplay(executor: executor, policy: try #require(PrecisionPolicy.preset("bf16")), options: options).run(feeds)
        let propagated = try PrecisionReplay(executor: executor, policy: try #require(PrecisionPolicy.preset("bf16"))).run(feeds)
        // Errors accumulate: the final output is further off when emulated values flow on.
        let l = try #require(local.outputs.first), p = try #require(propagated.outputs.first)
        #expect(p.metrics.relativeRMS > l.metrics.relativeRMS)
    }

    @Test func localizationMakesTheModelPass() throws {
        let (executor, feeds) = try Self.load(Fixtures.path("executor-models/gpt2_block"))
        var options = PrecisionReplay.Options()
        options.rtol = 1e-2
        options.atol = 0.05
        let replay = PrecisionReplay(executor: executor, policy: try #require(PrecisionPolicy.preset("fp8")), options: options)
        var report = try replay.run(feeds)
        #expect(report.outputs.contains { !$0.passes })
        try replay.localize(&report, feeds: feeds)
        let keep = try #require(report.keepFP32)
        #expect(!keep.isEmpty)
        // Feeding the written policy back passes.
        let yaml = replay.policy.yaml(keepingFP32: keep, base: "fp8")
        var fixed = try PrecisionPolicy.parse(try YAMLLike.parse(YAMLLike.jsonFromSimpleYAML(yaml)))
        fixed.name = "fp8+fixed"
        let check = try PrecisionReplay(executor: executor, policy: fixed, options: options).run(feeds)
        #expect(check.outputs.allSatisfy { $0.passes })
    }
}

/// JSON documents for policy tests (YAML flow style is JSON), and the policy file the
/// localization writes (preset + a nodes map), read back without the YAML library.
enum YAMLLike {
    static func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8)).value
    }

    static func jsonFromSimpleYAML(_ yaml: String) -> String {
        var preset = "fp32"
        var nodes: [String] = []
        for line in yaml.split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("preset: ") { preset = String(line.dropFirst(8)) }
            if line.hasPrefix("  "), let colon = line.range(of: ": fp32", options: .backwards) {
                nodes.append(String(line[line.index(line.startIndex, offsetBy: 2)..<colon.lowerBound]) + ": \"fp32\"")
            }
        }
        return "{\"preset\": \"\(preset)\", \"nodes\": {\(nodes.joined(separator: ", "))}}"
    }
}

/// The fast FP8 rounding path equals the numerics library's saturating E4M3 / E5M2 encode.
@Suite struct MiniFloatRoundingTests {
    @Test(arguments: [false, true])
    func fp8RoundingMatchesScalarFormat(e5m2: Bool) {
        let format: ScalarFormat = e5m2 ? .float8E5M2 : .float8E4M3FN
        var values: [Float] = []
        var x: UInt32 = 12345
        for _ in 0..<50000 {
            x = x &* 1664525 &+ 1013904223
            let v = Float(bitPattern: x)
            if v.isFinite, abs(v) < 1e6 { values.append(v) }
        }
        values += [0, -0.0, 448, 449, 464, -500, 57344, 60000, 1e-9, -1e-3, 0.001953125, 0.0009765625]
        for v in values {
            let expected = format.decode(format.encode(v, overflow: .saturate))
            let actual = FormatRounding.miniFloat(v, mantissa: UInt32(format.mantissaBits), minNormalExponent: format.minNormalExponent,
                                                  maxFinite: Float(format.maxFinite))
            #expect(actual == expected || (actual == 0 && expected == 0), "\(v): \(actual) vs \(expected)")
        }
    }
}
