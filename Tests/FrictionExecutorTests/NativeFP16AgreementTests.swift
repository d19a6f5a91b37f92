import FrictionCore
@testable import FrictionExecutor
import FrictionLoaders
import FrictionTestSupport
import Foundation
import Testing

/// Emulated FP16 / BF16 equal, bit for bit, running the graph converted to FP16 / BF16 natively (every
/// initializer and input stored in the narrow type; each kernel computes and rounds its outputs
/// to that type, as NumPy's float16 arithmetic does). onnxruntime is not in this environment's
/// wheel set, so the executor's own narrow-type kernels stand in for it.
@Suite struct NativeFP16AgreementTests {
    @Test(arguments: [("resnet_block", DType.float16), ("mobilenet_block", .float16), ("unet_upsample", .float16), ("resnet_block", .bfloat16)])
    func emulationMatchesNativeNarrowExecution(name: String, type: DType) throws {
        let dir = Fixtures.path("executor-models/" + name)
        let (executor, feeds) = try PrecisionReplayTests.load(dir)
        let graph = executor.graph
        // The converted graph: initializers become narrow-typed inputs.
        var converted = graph
        converted.initializers = []
        var narrowFeeds: [String: Tensor] = [:]
        let materializer = TensorMaterializer()
        for info in graph.initializers {
            let t = try materializer.tensor(info)
            narrowFeeds[info.name] = t.type == .float32 ? Tensor.fromFloats(t.floats(), type: type, shape: t.shape) : t
            converted.inputs.append(ValueInfo(name: info.name, type: nil))
        }
        for (n, t) in feeds { narrowFeeds[n] = Tensor.fromFloats(t.floats(), type: type, shape: t.shape) }
        let native = try Executor(graph: converted, functions: []).run(narrowFeeds)
        let replay = PrecisionReplay(executor: executor, policy: try #require(PrecisionPolicy.preset(type == .float16 ? "fp16" : "bf16")))
        let report = try replay.run(feeds)
        let emulated = try replay.emulatedValues(feeds)
        for o in graph.outputs {
            let n = try #require(native[o.name]).floats()
            let e = try #require(emulated[o.name])
            let c = TensorComparison.compare(Tensor.floats(e, shape: [e.count]), Tensor.floats(n, shape: [n.count]), rtol: 0, atol: 0)
            #expect(c.matches, "\(name) \(type) \(o.name): \(c.detail)")
        }
        #expect(!report.nodes.isEmpty)
    }
}
