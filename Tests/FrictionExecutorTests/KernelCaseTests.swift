import FrictionCore
@testable import FrictionExecutor
import FrictionTestSupport
import Testing

/// Every kernel against small node cases whose expected outputs were frozen from onnx's
/// ReferenceEvaluator (fixtures/generate/gen_executor.py), with each case's tolerance: exact
/// where the reference result is exact, rtol 1e-4 / atol 1e-5 otherwise.
@Suite struct KernelCaseTests {
    static let cases: [JSONValue] = {
        guard case .array(let rows) = Fixtures.json("fixtures/executor/cases.json") else { return [] }
        return rows
    }()
    static let names = cases.compactMap { $0["name"]?.stringValue }

    @Test(arguments: names)
    func caseMatchesTheReference(name: String) throws {
        let row = try #require(Self.cases.first { $0["name"]?.stringValue == name })
        let rtol = row["rtol"]?.doubleValue ?? 1e-4, atol = row["atol"]?.doubleValue ?? 1e-5
        let result = NodeTestCase(directory: Fixtures.path("executor/" + name)).run(rtol: rtol, atol: atol)
        #expect(result.outcome == .passed, "\(name) [\(result.op)]: \(result.outcome) \(result.detail)")
    }

    /// The ops issue 7 requires, by name (default domain unless prefixed).
    static let required = """
        Add Sub Mul Div Pow Sqrt Reciprocal Neg Abs Exp Log Erf Tanh Sigmoid Relu LeakyRelu Elu Gelu HardSigmoid HardSwish \
        Softplus Clip Min Max Mean Sum Mod Floor Ceil Round Sign Sin Cos Equal Less LessOrEqual Greater GreaterOrEqual And Or \
        Not Xor IsNaN IsInf Where Cast CastLike MatMul Gemm Conv ConvTranspose BatchNormalization InstanceNormalization \
        LayerNormalization RMSNormalization GroupNormalization Softmax LogSoftmax ReduceMean ReduceSum ReduceMax ReduceMin \
        ReduceProd ReduceL2 ReduceSumSquare ArgMax ArgMin TopK Reshape Flatten Transpose Concat Split Slice Gather \
        GatherElements GatherND ScatterND ScatterElements Unsqueeze Squeeze Expand Tile Pad Shape Size ConstantOfShape \
        Constant Range Identity Dropout MaxPool AveragePool GlobalAveragePool GlobalMaxPool Resize Trilu CumSum Einsum OneHot \
        NonZero Attention RotaryEmbedding QuantizeLinear DequantizeLinear DynamicQuantizeLinear MatMulInteger If Loop \
        com.microsoft.MatMulNBits com.microsoft.Attention com.microsoft.SkipLayerNormalization com.microsoft.BiasGelu \
        com.microsoft.FastGelu com.microsoft.EmbedLayerNormalization
        """.split(separator: " ").map(String.init)

    @Test func everyRequiredOpHasAKernel() {
        let registered = Set(KernelRegistry.all.map { ($0.domain.isEmpty ? "" : $0.domain + ".") + $0.op })
        let missing = Self.required.filter { !registered.contains($0) }
        #expect(missing.isEmpty, "no kernel for \(missing)")
    }

    @Test func noOpIsRegisteredTwiceForTheSameOpset() {
        var seen: [String: [ClosedRange<Int>]] = [:]
        for k in KernelRegistry.all {
            let key = k.domain + "/" + k.op
            for r in seen[key] ?? [] { #expect(!r.overlaps(k.versions), "\(key) registered twice for \(r) and \(k.versions)") }
            seen[key, default: []].append(k.versions)
        }
    }

    @Test func aMissingKernelNamesWhatExists() {
        #expect(throws: ExecutionError.self) { try KernelRegistry.kernel("NoSuchOp", domain: "", opset: 17) }
        do { _ = try KernelRegistry.kernel("NoSuchOp", domain: "", opset: 17) } catch {
            #expect(error.code == "missing-kernel")
            #expect(error.message.contains("MatMul"))
        }
    }
}
