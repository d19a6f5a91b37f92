import ArgumentParser
import FrictionCompare
import FrictionCore
import FrictionLoaders
import FrictionRules

/// `friction compare REFERENCE CANDIDATE`: a training checkpoint against its inference export
/// (or two activation dumps): per-tensor error against what the export format should give,
/// swapped / transposed / rescaled tensors, structure and config differences.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare an export against its training checkpoint (weights), or two .npz activation dumps.",
        discussion: """
            Tensors are paired by name, by the built-in Hugging Face <-> GGUF maps (Llama, Mistral, Qwen2, Gemma, Gemma 2, \
            BERT, with llama.cpp's Q/K permutation and Gemma's norm +1), by --map, and for the rest (ONNX initializers with \
            generated names) by shape and a value fingerprint. Both sides are dequantized with the exact format rules \
            (ggml blocks, NVFP4, MXFP4, FP8 with scales, GPTQ / AWQ int4). Per tensor: max abs and relative error, cosine, \
            SNR against the floor the candidate's format should reach, the fraction of elements more than --steps \
            quantization steps apart, sign flips. Two .npz files are compared array by array, with KL divergence and \
            top-k agreement for logits. Exit code 1 when anything is flagged, 2 on errors.
            """)

    @Argument(help: "The reference (training checkpoint, or the framework's activations .npz).")
    var reference: String

    @Argument(help: "The candidate (export, or the runtime's activations .npz).")
    var candidate: String

    @Option(help: "A JSON or YAML file mapping reference tensor names to candidate names ({n} = block index), or to {name, transform} with transform none, transpose, permute_q, permute_k or add_one.")
    var map: String?

    @Option(help: "Output format: text, json, markdown or html.")
    var format: String = "text"

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(help: "Quantization-step multiple counted as far apart (default 1).")
    var steps: Double = 1

    @Flag(help: "Do not pair leftover tensors by value fingerprint.")
    var noFingerprints = false

    @Option(help: "Arrays of an activation comparison to treat as logits (default: names containing 'logits'; repeatable).")
    var logits: [String] = []

    @Option(help: "Softmax temperature for the KL divergence of logits (repeatable; default 1).")
    var temperature: [Double] = []

    @Option(help: "k for top-k agreement of logits.")
    var topK: Int = 5

    @Option(help: LimitOption.help)
    var limit: [String] = []

    func run() throws {
        guard ["text", "json", "markdown", "html"].contains(format) else { throw ValidationError("--format must be text, json, markdown or html") }
        guard steps > 0, topK > 0, temperature.allSatisfy({ $0 > 0 }) else { throw ValidationError("--steps, --top-k and --temperature must be positive") }
        var options = LoadOptions()
        try LimitOption.apply(limit, to: &options)
        let a = try load(reference, options), b = try load(candidate, options)
        var report: CompareReport
        var logitStats: [ActivationComparison.Logits] = []
        if a.format == .npz && b.format == .npz {
            let activations = ActivationComparison(temperatures: temperature.isEmpty ? [1] : temperature, k: topK, logitNames: logits)
            (report, logitStats) = activations.compare(a, b)
        } else {
            let (names, transforms) = try userMap()
            var matcher = TensorMatcher(userMap: names, fingerprints: !noFingerprints)
            matcher.userTransforms = transforms
            report = ModelComparison(matcher: matcher, steps: steps).compare(a, b)
        }
        let text: String
        switch format {
        case "json": text = report.json(logits: logitStats).serialized(indent: 2) + "\n"
        case "markdown": text = report.markdown(logits: logitStats)
        case "html": text = report.html(logits: logitStats)
        default: text = report.text(logits: logitStats)
        }
        if let output { try writeFile(output, text) } else { FileHandleOutput.standardOutput(text) }
        if report.hasFindings { throw ExitCode(1) }
    }

    func load(_ path: String, _ options: LoadOptions) throws -> Model {
        do throws(LoadError) { return try ModelLoader.load(path, options: options) } catch {
            FileHandleOutput.standardError("error: \(error)\n")
            throw ExitCode(2)
        }
    }

    /// `--map`: a JSON object or a YAML mapping of reference name → candidate name, or → {name, transform}.
    func userMap() throws -> ([String: String], [String: PairTransform]) {
        guard let map else { return ([:], [:]) }
        let doc: YAMLDocument
        do { doc = try YAMLDocument.load(path: map) } catch { throw ValidationError("\(error)") }
        guard case .object(let members) = doc.root else { throw ValidationError("\(map): expected a mapping of reference names to candidate names") }
        var names: [String: String] = [:], transforms: [String: PairTransform] = [:]
        for m in members {
            if let v = m.value.stringValue { names[m.key] = v; continue }
            guard let v = m.value["name"]?.stringValue else { throw ValidationError("\(map): the value for \(m.key) must be a tensor name or {name, transform}") }
            names[m.key] = v
            if let t = m.value["transform"]?.stringValue {
                guard let transform = PairTransform(rawValue: t) else {
                    throw ValidationError("\(map): unknown transform \(t) (\(PairTransform.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                transforms[m.key] = transform
            }
        }
        return (names, transforms)
    }
}
