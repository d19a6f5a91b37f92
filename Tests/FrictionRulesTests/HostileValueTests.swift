import FrictionAnalysis
import FrictionCore
import FrictionReport
import FrictionRules
import FrictionTestSupport
import Testing

/// Models that load but carry absurd numbers (layer indices, dims, attributes, config sizes,
/// rule parameters) through the whole lint pipeline: every bundled rule against four targets
/// and every reporter. Each case trapped (integer overflow, a Double converted out of range,
/// an invalid range) before its fix; returning at all is most of the assertion.
@Suite struct HostileValueTests {
    static let catalog = try? RuleCatalog.load(directory: Fixtures.rulesDirectory)
    static let targets = ["gpu=t4,runtime=tensorrt,precision=fp16", "gpu=h100,runtime=vllm,precision=fp8",
                          "gpu=rtx-5090,runtime=onnxruntime-cuda,precision=fp4", "gpu=a100,runtime=llama.cpp,precision=int4"]

    /// Lints `model` with every rule and renders every format; returns the finding codes.
    func lint(_ model: Model, values: any TensorValues = NoTensorValues()) throws -> [String] {
        let catalog = try #require(Self.catalog)
        let targets = try Self.targets.map { try Target.parse($0, knowledge: catalog.knowledge) }
        var linter = try Linter(catalog: catalog, configuration: Configuration(), targets: targets)
        linter.values = values
        let result = linter.lint(path: model.path, model: model, error: nil)
        let report = LintReport(inputs: [result], rules: linter.rules, targets: targets, command: "friction lint", failOn: .error, toolVersion: "test")
        for format in ReportFormat.allCases { #expect(!format.reporter().render(report).isEmpty) }
        return result.findings.map(\.code)
    }

    func example(_ json: String) throws -> ExampleModel.Built {
        try ExampleModel.build(JSONParser.parse(Array(json.utf8)).value, path: "hostile")
    }

    @Test func hugeLayerIndexIsNotALayer() throws {
        let built = try example("""
            {"tensors": [{"name": "model.layers.9223372036854775807.mlp.weight", "dtype": "F32", "shape": [2, 2]}]}
            """)
        let model = try #require(built.model)
        #expect(TensorNames.layerIndex(of: "model.layers.9223372036854775807.mlp.weight") == nil)
        #expect(TensorNames.layerIndex(of: "model.layers.31.mlp.weight") == 31)
        #expect(ModelFacts(model).layerCount == nil)
        _ = try lint(model)
    }

    @Test func hugeGraphAttributesAndDeclaredDims() throws {
        // GatherND batch_dims = Int64.max; a Softmax over a declared 3·10^17-element input and two
        // outputs of 4.8·10^18 bytes each (activation estimate).
        let built = try example("""
            {"format": "onnx", "graph": {"opset": {"": 17},
              "inputs": [{"name": "data", "dtype": "float32", "shape": [2, 3]}, {"name": "idx", "dtype": "int64", "shape": [2, 1]},
                         {"name": "big", "dtype": "float32", "shape": [300000000000000000]},
                         {"name": "huge", "dtype": "float32", "shape": [1200000000000000000]}],
              "outputs": [{"name": "g", "dtype": "float32"}, {"name": "p", "dtype": "float32"}, {"name": "h1", "dtype": "float32"},
                          {"name": "h2", "dtype": "float32"}],
              "nodes": [{"op": "GatherND", "inputs": ["data", "idx"], "outputs": ["g"], "attributes": {"batch_dims": 9223372036854775807}},
                        {"op": "Softmax", "inputs": ["big"], "outputs": ["p"]},
                        {"op": "Relu", "inputs": ["huge"], "outputs": ["h1"]}, {"op": "Neg", "inputs": ["huge"], "outputs": ["h2"]}]}}
            """)
        let model = try #require(built.model)
        _ = try lint(model)
        let graph = try #require(model.graph)
        let inference = ShapeInference.infer(graph, values: NoTensorValues())
        #expect(inference.values["g"]?.shape == nil, "GatherND's output shape is unknown, not a trap")
        let peak = ActivationPeak.estimate(graph, inference: inference, dims: [:])
        #expect(peak.peakBytes == Int64.max, "4.8e18 + 4.8e18 bytes saturate")
        #expect(peak.callouts.contains { $0.name == "p" }, "the 1.2e18-byte Softmax is called out")

        // The attribute form of Slice (opset 9) on an input declared "-1" long, from Int64.min.
        let slice = try example("""
            {"format": "onnx", "graph": {"opset": {"": 9},
              "inputs": [{"name": "neg", "dtype": "float32", "shape": ["-1"]}], "outputs": [{"name": "s", "dtype": "float32"}],
              "nodes": [{"op": "Slice", "inputs": ["neg"], "outputs": ["s"], "attributes": {"starts": [-9223372036854775808], "ends": [5], "axes": [0]}}]}}
            """)
        _ = try lint(try #require(slice.model))
        #expect(DimExpr(.symbolic("-1")) == nil, "a declared negative size is not a size")
        #expect(DimExpr(.symbolic("-9223372036854775807 - 1")) == nil)
    }

    @Test(arguments: ["1e30", "\"nan\"", "0.5"])
    func floatZeroPointsAreComparedAsStored(_ zeroPoint: String) throws {
        let built = try example("""
            {"format": "onnx", "graph": {"opset": {"": 17},
              "inputs": [{"name": "x", "dtype": "float32", "shape": [4]}], "outputs": [{"name": "y", "dtype": "float32"}],
              "initializers": [{"name": "s", "dtype": "float32", "shape": [], "values": [0.5]},
                               {"name": "zp", "dtype": "float32", "shape": [], "values": [\(zeroPoint)]}],
              "nodes": [{"op": "DequantizeLinear", "inputs": ["x", "s", "zp"], "outputs": ["y"]}]}}
            """)
        let model = try #require(built.model)
        let codes = try lint(model, values: built.values)
        #expect(codes.contains("QNT007"), "a \(zeroPoint) zero point is nonzero: \(codes)")
    }

    @Test func gptqPackingOfAHugeQweightSaturates() throws {
        let built = try example("""
            {"format": "hf-folder", "config": {"model_type": "llama", "quantization_config": {"quant_method": "gptq", "bits": 4, "group_size": 128}},
             "tensors": [{"name": "model.layers.0.q_proj.qweight", "dtype": "I32", "shape": [4611686018427387904, 0]},
                         {"name": "model.layers.0.q_proj.scales", "dtype": "F16", "shape": [1, 1]}]}
            """)
        _ = try lint(try #require(built.model))
    }

    @Test func ggufFileTypeWithAHugeParameterCount() throws {
        var model = Model(path: "hostile.gguf", format: .gguf)
        model.metadata = [MetadataEntry(key: "general.file_type", value: .uint32(0), location: Location(file: "hostile.gguf"))]
        model.tensors = [
            TensorInfo(name: "blk.0.a.weight", type: .dtype(.float64), storedType: "F64", shape: Shape(fixed: [1, 1]),
                       storage: TensorStorage(file: "hostile.gguf", range: 0..<8)),
            TensorInfo(name: "blk.0.b.weight", type: .unknown("type 4"), storedType: "type 4", shape: Shape(fixed: [1 << 62]),
                       storage: TensorStorage(file: "hostile.gguf", range: 8..<8)),
        ]
        let weights = WeightMemory.of(model)
        let declared = try #require(DeclaredPrecision.check(model, weights: weights))
        #expect(declared.expectedBytes == UInt64.max, "2^62 parameters × 32 bits saturate")
        _ = try lint(model)
    }

    @Test func absurdRuleParametersAreRefused() throws {
        let catalog = try #require(Self.catalog)
        for params in [#"{"context": 1e30}"#, #"{"context": 0}"#, #"{"fraction": 7}"#] {
            var configuration = Configuration()
            configuration.params["MEM005"] = try JSONParser.parse(Array(params.utf8)).value
            #expect(throws: RuleFileError.self, "\(params)") { try Linter(catalog: catalog, configuration: configuration, targets: []) }
        }
        for spec in ["runtime=@", "runtime=", "runtime=@1.0"] {
            #expect(throws: ParamError.self, "\(spec)") { try Target.parse(spec, knowledge: catalog.knowledge) }
        }
    }

    @Test func exampleTensorsTooLargeForAFileAreRefused() throws {
        #expect(throws: ParamError.self) {
            try example(#"{"tensors": [{"name": "a", "dtype": "F64", "shape": [1152921504606846976]}, {"name": "b", "dtype": "F64", "shape": [1152921504606846976]}]}"#)
        }
        #expect(throws: ParamError.self) { try example(#"{"tensors": [{"name": "a", "dtype": "F32", "shape": [0, 4294967296, 4294967296]}]}"#) }
    }
}
