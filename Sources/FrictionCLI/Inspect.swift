import ArgumentParser
import FrictionAnalysis
import FrictionCompare
import FrictionCore
import FrictionLoaders
import FrictionNumerics
import FrictionReport
import FrictionRules

/// `friction inspect PATH...`: what a file or model folder holds, without reading payloads.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List tensors, dtypes, shapes, byte ranges, metadata and load issues of model files and folders.",
        discussion: """
            Formats are chosen by content: safetensors (and sharded folders with an index), GGUF v2/v3, ONNX, \
            NumPy .npy/.npz, PyTorch checkpoints (.pt/.pth/.bin/.ckpt: zip, legacy and TorchScript, read without \
            unpickling), Keras .h5 / .keras and any HDF5 file (through libhdf5 in a worker process; Lambda code, \
            custom objects and external links are reported, never run or followed), raw pickles and zip archives \
            (their pickles' globals are listed), any of these wrapped in zstd, \
            and Hugging Face model folders. \
            Exit code 2 when any input cannot be read completely.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "Model files or folders.")
    var paths: [String]

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Flag(help: "Show metadata arrays in full in JSON output.")
    var full = false

    @Flag(help: "Scan every tensor's values: NaN/Inf, zeros, min/max, mean, RMS, FP16 overflow, 2:4 sparsity.")
    var stats = false

    @Option(help: "Cap on bytes produced by decompressing one input (default 4 GiB).")
    var maxDecompressed: UInt64?

    @Option(help: LimitOption.help)
    var limit: [String] = []

    func run() throws {
        var options = LoadOptions()
        if let maxDecompressed { options.maxDecompressedBytes = maxDecompressed }
        try LimitOption.apply(limit, to: &options)
        var models: [Model] = []
        var errors: [LoadError] = []
        for path in paths {
            do throws(LoadError) {
                models.append(try ModelLoader.load(path, options: options))
            } catch {
                errors.append(error)
            }
        }
        // What torch.load(weights_only=True) would do, when the bundled policy is at hand.
        let torch = models.contains { $0.format == .pytorch || $0.pickleStreams.contains(where: \.readByTorchLoad) }
        if torch, let directory = RuleCatalog.locateBundled(), let policy = try? PickleGlobalPolicy.load(knowledgeDirectory: directory + "/knowledge") {
            for i in models.indices {
                if let summary = WeightsOnlyVerdict.evaluate(models[i], policy: policy).summary {
                    models[i].properties["pytorch.weights_only"] = summary
                }
            }
        }
        var graphs: [String: GraphSummary] = [:]
        for model in models {
            guard let graph = model.graph else { continue }
            let inference = ShapeInference.infer(graph, values: ReaderValues(reader: TensorReader()), functions: model.functions)
            graphs[model.path] = GraphSummary(model: model, graph: graph, inference: inference)
        }
        var scans: [String: WeightScan.Result] = [:]
        if stats {
            let payloads = PayloadMap()
            for model in models { scans[model.path] = WeightScan.scan(model, payloads: payloads) }
        }
        let errorStyle = Style.forDescriptor(2)
        for error in errors { FileHandleOutput.standardError(errorStyle.red("error") + ": \(error)\n") }
        switch format {
        case .json:
            var document = InspectJSON.document(models: models, errors: errors, full: full, graphs: graphs)
            if stats { document = Self.addStatistics(document, models: models, scans: scans) }
            FileHandleOutput.standardOutput(document.serialized(indent: 2) + "\n")
        case .text:
            let style = Style.forDescriptor(1)
            FileHandleOutput.standardOutput(models.map { model in
                var text = InspectText.render(model, style: style, graph: graphs[model.path])
                if let scan = scans[model.path] {
                    text += StatisticsReport.lines(model, statistics: scan.statistics, skipped: scan.skipped, style: style).joined(separator: "\n") + "\n"
                }
                return text
            }.joined(separator: "\n"))
        }
        if !errors.isEmpty { throw ExitCode(2) }
    }

    /// Adds `statistics` to each tensor object of the inspect document.
    static func addStatistics(_ document: JSONValue, models: [Model], scans: [String: WeightScan.Result]) -> JSONValue {
        guard case .object(var members) = document, let i = members.firstIndex(where: { $0.key == "inputs" }),
              case .array(let inputs) = members[i].value else { return document }
        members[i].value = .array(zip(inputs, models).map { input, model in
            guard case .object(var fields) = input, let scan = scans[model.path], let t = fields.firstIndex(where: { $0.key == "tensors" }),
                  case .array(let tensors) = fields[t].value else { return input }
            fields[t].value = .array(zip(tensors, model.tensors).map { json, tensor in
                guard case .object(var f) = json, let s = scan.statistics[tensor.storage.file + "|" + tensor.name] else { return json }
                f.append(JSONMember(key: "statistics", value: StatisticsReport.json(s)))
                return .object(f)
            })
            return .object(fields)
        })
        return .object(members)
    }
}
