import FrictionCore
@testable import FrictionExecutor
import FrictionLoaders
import FrictionTestSupport
import Foundation
import Testing

/// Real models exported by torch.onnx (fixtures/generate/gen_torch_models.py, torch 2.13.0):
/// a ResNet and a MobileNet block, a BERT encoder, a GPT-2 block and a U-Net upsampler. The
/// executor's outputs equal PyTorch's own within rtol 1e-4 / atol 1e-5.
@Suite struct ExportedModelTests {
    static let models: [JSONValue] = {
        guard case .array(let rows) = Fixtures.json("fixtures/executor-models/models.json") else { return [] }
        return rows
    }()
    static let names = models.compactMap { $0["name"]?.stringValue }

    @Test func theModelsCoverCNNsAndTransformers() {
        #expect(Set(Self.names).isSuperset(of: ["resnet_block", "mobilenet_block", "bert_encoder", "gpt2_block"]))
    }

    @Test(arguments: names)
    func outputsMatchPyTorch(name: String) throws {
        let row = try #require(Self.models.first { $0["name"]?.stringValue == name })
        let dir = Fixtures.path("executor-models/" + name)
        let model = try ModelLoader.load(dir + "/model.onnx")
        let graph = try #require(model.graph)
        guard case .array(let inputNames)? = row["inputs"], case .array(let outputNames)? = row["outputs"] else {
            Issue.record("models.json lists no inputs/outputs for \(name)")
            return
        }
        var feeds: [String: Tensor] = [:]
        for (k, n) in inputNames.enumerated() { feeds[n.stringValue ?? ""] = try NodeTestCase.tensor(dir + "/input_\(k).pb") }
        let outputs = try Executor(graph: graph, functions: model.functions).run(feeds)
        let rtol = row["rtol"]?.doubleValue ?? 1e-4, atol = row["atol"]?.doubleValue ?? 1e-5
        for (k, n) in outputNames.enumerated() {
            let expected = try NodeTestCase.tensor(dir + "/output_\(k).pb")
            let actual = try #require(outputs[n.stringValue ?? ""], "\(name): no output \(n)")
            let c = TensorComparison.compare(actual, expected, rtol: rtol, atol: atol)
            #expect(c.matches, "\(name) \(n): \(c.detail)")
        }
    }
}
