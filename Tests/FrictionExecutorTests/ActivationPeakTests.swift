import FrictionAnalysis
import FrictionCore
@testable import FrictionExecutor
import FrictionLoaders
import FrictionTestSupport
import Testing

/// The activation peak predicted from shapes alone agrees with the live bytes the executor
/// measures running the same graph on the same inputs (within 10%).
@Suite struct ActivationPeakTests {
    struct NoValues: TensorValues {
        func int64s(_ tensor: TensorInfo) -> [Int64]? { TensorReader().int64s(tensor) }
        func doubles(_ tensor: TensorInfo) -> [Double]? { TensorReader().doubles(tensor) }
    }

    static let models = ["executor-models/resnet_block", "executor-models/mobilenet_block", "executor-models/bert_encoder",
                         "executor-models/gpt2_block", "executor-models/unet_upsample", "replay/layernorm_fp16_overflow",
                         "replay/attention_mask_neg_inf"]

    @Test(arguments: models)
    func predictionMatchesTheExecutor(dir: String) throws {
        let (executor, feeds) = try PrecisionReplayTests.load(Fixtures.path(dir))
        _ = try executor.run(feeds)
        let measured = Double(executor.peakLiveBytes)
        let model = try ModelLoader.load(Fixtures.path(dir + "/model.onnx"))
        let graph = try #require(model.graph)
        let inference = ShapeInference.infer(graph, values: NoValues(), functions: model.functions)
        let peak = ActivationPeak.estimate(graph, inference: inference, dims: [:])
        #expect(peak.unknown.isEmpty, "\(dir): sizes not inferred for \(peak.unknown)")
        let predicted = Double(peak.peakBytes)
        #expect(abs(predicted - measured) <= 0.1 * measured, "\(dir): predicted \(Int(predicted)) bytes, measured \(Int(measured))")
    }
}

extension ActivationPeakTests {
    /// A graph with symbolic batch and sequence dims: the peak is a formula in them, and at
    /// batch 3, seq 7 it equals what the executor measures.
    @Test func symbolicDimsGiveAFormula() throws {
        let x = ValueInfo(name: "x", type: .tensor(.dtype(.float32), Shape([.symbolic("batch"), .symbolic("seq"), .fixed(8)])))
        let nodes = [GraphNode(name: "relu", opType: "Relu", inputs: ["x"], outputs: ["a"]),
                     GraphNode(name: "tile", opType: "Concat", inputs: ["a", "a"], outputs: ["b"],
                               attributes: [NodeAttribute(name: "axis", value: .int(2))]),
                     GraphNode(name: "sig", opType: "Sigmoid", inputs: ["b"], outputs: ["y"])]
        let graph = Graph(nodes: nodes, inputs: [x], outputs: [ValueInfo(name: "y", type: nil)], opsetImports: ["": 17])
        let inference = ShapeInference.infer(graph, values: NoValues())
        let peak = ActivationPeak.estimate(graph, inference: inference, dims: ["batch": 3, "seq": 7])
        #expect(peak.formula.contains("batch") && peak.formula.contains("seq"), "\(peak.formula)")
        #expect(peak.symbols == ["batch": true, "seq": true])
        let executor = Executor(graph: graph)
        _ = try executor.run(["x": Tensor(zeros: .float32, [3, 7, 8])])
        #expect(Int(peak.peakBytes) == executor.peakLiveBytes, "\(peak.peakBytes) vs \(executor.peakLiveBytes)")
    }
}
