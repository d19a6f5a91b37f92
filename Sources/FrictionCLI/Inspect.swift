import ArgumentParser
import FrictionAnalysis
import FrictionCore
import FrictionLoaders
import FrictionReport

/// `friction inspect PATH...`: what a file or model folder holds, without reading payloads.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List tensors, dtypes, shapes, byte ranges, metadata and load issues of model files and folders.",
        discussion: """
            Formats are chosen by content: safetensors (and sharded folders with an index), GGUF v2/v3, \
            NumPy .npy/.npz, any of these wrapped in zstd, and Hugging Face model folders. \
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

    @Option(help: "Cap on bytes produced by decompressing one input (default 4 GiB).")
    var maxDecompressed: UInt64?

    func run() throws {
        var options = LoadOptions()
        if let maxDecompressed { options.maxDecompressedBytes = maxDecompressed }
        var models: [Model] = []
        var errors: [LoadError] = []
        for path in paths {
            do throws(LoadError) {
                models.append(try ModelLoader.load(path, options: options))
            } catch {
                errors.append(error)
            }
        }
        var graphs: [String: GraphSummary] = [:]
        for model in models {
            guard let graph = model.graph else { continue }
            let inference = ShapeInference.infer(graph, values: ReaderValues(reader: TensorReader()), functions: model.functions)
            graphs[model.path] = GraphSummary(model: model, graph: graph, inference: inference)
        }
        let errorStyle = Style.forDescriptor(2)
        for error in errors { FileHandleOutput.standardError(errorStyle.red("error") + ": \(error)\n") }
        switch format {
        case .json:
            FileHandleOutput.standardOutput(InspectJSON.document(models: models, errors: errors, full: full, graphs: graphs).serialized(indent: 2) + "\n")
        case .text:
            let style = Style.forDescriptor(1)
            FileHandleOutput.standardOutput(models.map { InspectText.render($0, style: style, graph: graphs[$0.path]) }.joined(separator: "\n"))
        }
        if !errors.isEmpty { throw ExitCode(2) }
    }
}
