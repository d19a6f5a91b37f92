import FrictionAnalysis
import FrictionCompare
import FrictionCore
import FrictionLoaders
import FrictionNumerics
import FrictionReport
import FrictionRules

/// What `friction lint`, `inspect` and `memory` do with a model once it has loaded: shape
/// inference, weight statistics, every bundled rule against several deployment targets, the
/// memory estimates (weights, KV cache, activations, parameters from config.json) and every
/// reporter. The loaders are fuzzed on their own; these targets feed the analyses the odd but
/// loadable models (and config documents) that bytes can describe.
enum LintHarness {
    /// What the pipeline targets need from the repository, or why it is missing (checked by
    /// ``FuzzTargets/unavailable(_:)`` before any input runs).
    struct Setup: Sendable {
        var rulesDirectory: String
        var linter: Linter
        var demoModel: Model
    }

    static let setup: Result<Setup, SetupError> = {
        guard let directory = RuleCatalog.locateBundled() else {
            return .failure(SetupError("the bundled rules/ folder was not found; run from the repository root"))
        }
        guard let catalog = try? RuleCatalog.load(directory: directory) else {
            return .failure(SetupError("the bundled rules in \(directory) do not load"))
        }
        let specs = ["gpu=t4,runtime=tensorrt,precision=fp16", "gpu=h100,runtime=vllm,precision=fp8",
                     "gpu=rtx-5090,runtime=onnxruntime-cuda,precision=fp4", "gpu=a100,runtime=llama.cpp,precision=int4"]
        guard let targets = try? specs.map({ spec throws(ParamError) in try Target.parse(spec, knowledge: catalog.knowledge) }),
              let linter = try? Linter(catalog: catalog, configuration: Configuration(), targets: targets) else {
            return .failure(SetupError("the fuzz targets \(specs) do not parse against the bundled knowledge"))
        }
        // The tiny Llama of fixtures/demo/hf_model, whose config the `hf-config` target replaces.
        let path = directory + "/../fixtures/demo/hf_model/model.safetensors"
        guard let model = try? ModelLoader.load(path) else { return .failure(SetupError("\(path) does not load")) }
        return .success(Setup(rulesDirectory: directory, linter: linter, demoModel: model))
    }()

    /// Loads `bytes` as a file (the format chosen by content; ONNX when nothing else matches)
    /// and runs the whole pipeline over the model.
    static func lintFile(_ bytes: UnsafeRawBufferPointer) {
        guard case .success(let setup) = setup else { return }
        let name = "fuzz.onnx"
        guard let model = try? ModelLoader.load(bytes: bytes, name: name, options: FuzzTargets.options) else { return }
        run(model, image: ByteSource.copying(name: name, bytes: bytes), linter: setup.linter)
    }

    /// Parses `bytes` as a Hugging Face config.json for the demo model and runs the pipeline.
    static func lintConfig(_ bytes: UnsafeRawBufferPointer) {
        guard case .success(let setup) = setup, let json = try? JSONParser.parse(bytes, maxDepth: 64).value else { return }
        var model = setup.demoModel
        model.metadata.removeAll { $0.key == "config.json" }
        model.metadata.append(MetadataEntry(key: "config.json", value: .json(json), location: Location(file: "config.json")))
        run(model, image: nil, linter: setup.linter)
        _ = ParameterEstimate.from(config: json)
    }

    static func run(_ model: Model, image: ByteSource?, linter: Linter) {
        var linter = linter
        let values = ReaderValues(reader: TensorReader(maxElements: 1 << 12, image: image))
        linter.values = values

        var statistics: [String: TensorStatistics] = [:]
        if let image {
            let payloads = PayloadMap()
            payloads.register(image)
            for tensor in model.tensors where TensorDecoder.unreadable(tensor) == nil {
                guard let bytes = try? payloads.bytes(for: tensor), let stats = WeightStatistics.scan(tensor, bytes: bytes) else { continue }
                statistics[tensor.storage.file + "|" + tensor.name] = stats
            }
        }
        let result = linter.lint(path: model.path, model: model, error: nil, statistics: statistics)
        let report = LintReport(inputs: [result], rules: linter.rules, targets: linter.targets, command: "friction lint fuzz",
                                failOn: .error, toolVersion: "fuzz")
        for format in ReportFormat.allCases { _ = format.reporter().render(report) }

        let weights = WeightMemory.of(model)
        _ = DeclaredPrecision.check(model, weights: weights)
        if let kv = model.config.flatMap(KVCacheModel.from(config:)) ?? KVCacheModel.from(gguf: model.metadata) {
            _ = kv.bytesPerToken(bytesPerElement: 2)
            _ = kv.bytes(batch: 8, context: 131_072, bytesPerElement: 0.5)
        }
        var graphs: [String: GraphSummary] = [:]
        if let graph = model.graph {
            let inference = ShapeInference.infer(graph, values: values, functions: model.functions)
            _ = ActivationPeak.estimate(graph, inference: inference, dims: ["batch": 4, "sequence": 2048])
            _ = GraphTopology(graph).unusedInitializers
            let summary = GraphSummary(model: model, graph: graph, inference: inference)
            _ = summary.lines(style: Style(enabled: false))
            graphs[model.path] = summary
        }
        _ = InspectJSON.document(models: [model], errors: [], full: true, graphs: graphs).serialized(indent: 2)
        _ = InspectText.render(model, style: Style(enabled: true), graph: graphs[model.path])
        _ = StatisticsReport.lines(model, statistics: statistics, skipped: [], style: Style(enabled: false))
        for stats in statistics.values { _ = StatisticsReport.json(stats) }
    }
}

/// Why a pipeline target cannot run here (the repository's rules or fixtures are missing).
struct SetupError: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
