import FrictionCore
@testable import FrictionExecutor
import FrictionLoaders
import FrictionTestSupport
import Foundation
import Testing

/// The classic low-precision failures, reproduced on purpose-built graphs
/// (fixtures/generate/gen_replay.py): FP16 overflow in a decomposed LayerNorm, an attention
/// mask constant that becomes -inf, an FP16 reduction that overflows, and INT8 collapse from an
/// outlier channel. The replay finds each at the node the generator names, and its
/// localization yields a policy that makes the model pass.
@Suite struct ReproductionTests {
    static let cases: [JSONValue] = {
        guard case .array(let rows)? = Fixtures.json("fixtures/replay/cases.json")["cases"] else { return [] }
        return rows
    }()
    static let names = cases.compactMap { $0["name"]?.stringValue }

    @Test func allFourFailuresAreReproduced() {
        #expect(Set(Self.names).isSuperset(of: ["layernorm_fp16_overflow", "attention_mask_neg_inf", "reduction_fp16_overflow", "int8_outlier_channel"]))
    }

    @Test(arguments: names)
    func theReplayFindsAndFixesIt(name: String) throws {
        let row = try #require(Self.cases.first { $0["name"]?.stringValue == name })
        let (executor, feeds) = try PrecisionReplayTests.load(Fixtures.path("replay/" + name))
        let preset = try #require(row["precision"]?.stringValue)
        let replay = PrecisionReplay(executor: executor, policy: try #require(PrecisionPolicy.preset(preset)))
        var report = try replay.run(feeds)
        #expect(report.firstBreak?.name == row["breaks_at"]?.stringValue, "\(name): first break \(String(describing: report.firstBreak?.name))")
        #expect(report.outputs.contains { !$0.passes }, "\(name) should fail in \(preset)")
        try replay.localize(&report, feeds: feeds)
        let keep = try #require(report.keepFP32, "\(name): no policy found")
        #expect(!keep.isEmpty)
        var fixed = try #require(PrecisionPolicy.preset(preset))
        for n in keep { fixed.nodes[n] = .fp32 }
        let check = try PrecisionReplay(executor: executor, policy: fixed).run(feeds)
        #expect(check.outputs.allSatisfy { $0.passes }, "\(name): keeping \(keep) in FP32 still fails")
        if case .array(let expected)? = row["keep_fp32"] {
            // Never more nodes than the generator's own minimal set needs, give or take one.
            #expect(keep.count <= expected.count + 1, "\(name): \(keep) vs \(expected)")
        }
    }
}

/// Graphs with explicit Q/DQ (FP8 per tensor, INT4 blocked, FP4 blocked): every value the
/// executor computes equals onnx's ReferenceEvaluator, node by node (Q/DQ are honoured as
/// written, whatever the precision policy says).
@Suite struct QDQNodeByNodeTests {
    static let cases: [JSONValue] = {
        guard case .array(let rows)? = Fixtures.json("fixtures/replay/cases.json")["qdq"] else { return [] }
        return rows
    }()
    static let names = cases.compactMap { $0["name"]?.stringValue }

    @Test(arguments: names)
    func everyValueMatchesTheReference(name: String) throws {
        let row = try #require(Self.cases.first { $0["name"]?.stringValue == name })
        let dir = Fixtures.path("replay/" + name)
        let (executor, feeds) = try PrecisionReplayTests.load(dir)
        var seen: [String: Tensor] = [:]
        executor.observer = { record in for (n, t) in zip(record.node.outputs, record.outputs) { seen[n] = t } }
        _ = try executor.run(feeds)
        guard case .array(let values)? = row["values"], case .array(let files)? = row["files"] else { Issue.record("no values"); return }
        #expect(values.count >= 5)
        for (v, f) in zip(values, files) {
            let name = try #require(v.stringValue), file = try #require(f.stringValue)
            let expected = try NodeTestCase.tensor(dir + "/" + file)
            let actual = try #require(seen[name], "\(name) was not computed")
            let c = TensorComparison.compare(actual, expected, rtol: 1e-6, atol: 1e-6)
            #expect(c.matches, "\(name): \(c.detail)")
        }
        // A low-precision policy does not touch the Q/DQ nodes.
        let replay = PrecisionReplay(executor: executor, policy: try #require(PrecisionPolicy.preset("bf16")))
        let report = try replay.run(feeds)
        #expect(report.nodes.filter { $0.op == "DequantizeLinear" }.allSatisfy { $0.metrics.maxAbs == 0 })
    }
}
