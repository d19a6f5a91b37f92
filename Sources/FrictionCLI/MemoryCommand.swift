import ArgumentParser
import FrictionAnalysis
import FrictionCore
import FrictionLoaders
import FrictionReport
import FrictionRules
import Foundation

/// `friction memory PATH`: what a model needs on a GPU — weights, KV cache, activations — and
/// whether (and up to which batch / context) it fits each target.
struct Memory: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict the memory a model needs (weights, KV cache, activations) and whether it fits target GPUs.",
        discussion: """
            PATH is a model file or folder, or a config.json alone (parameters are then estimated from the architecture \
            for Llama, Mistral, Qwen, Gemma, GPT-2 and BERT families). Fit: weights + KV cache + activations + \
            --overhead-gib of runtime overhead within --utilization of the GPU's memory.
            """)

    @Argument(help: "A model file or folder, or a config.json.")
    var path: String

    @Option(help: "Target GPUs from the knowledge base (repeatable; default: all known).")
    var gpu: [String] = []

    @Option(help: "Batch size.")
    var batch: Int64 = 1

    @Option(help: "Context length (tokens) for the KV cache and symbolic sequence dims.")
    var seq: Int64 = 4096

    @Option(help: "KV cache dtype: bf16, fp16, fp32, fp8, int8, int4 (default: the model's).")
    var kvDtype: String?

    @Option(name: .long, help: "A symbolic dimension's value for ONNX activations, name=value (repeatable).")
    var dim: [String] = []

    @Option(help: "Share of GPU memory usable (default 0.9, like vLLM's gpu_memory_utilization).")
    var utilization: Double = 0.9

    @Option(help: "Runtime overhead (CUDA context, workspaces) in GiB.")
    var overheadGib: Double = 1.0

    @Option(help: "Output format: text or json.")
    var format: String = "text"

    @Option(help: "Rules directory (for the GPU knowledge base; default: the bundled rules/).")
    var rulesDir: String?

    func run() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json") }
        guard let directory = rulesDir ?? RuleCatalog.locateBundled() else { throw ValidationError("cannot find the rules directory (use --rules-dir)") }
        let knowledge: Knowledge
        do { knowledge = try Knowledge.load(directory: directory + "/knowledge") } catch { throw ValidationError("\(error)") }
        var gpus = knowledge.gpus
        if !gpu.isEmpty {
            gpus = try gpu.map { name in
                guard let g = knowledge.gpu(name) else { throw ValidationError("unknown GPU \(name)") }
                return g
            }
        }
        var dims: [String: Int64] = [:]
        for d in dim {
            let parts = d.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let v = Int64(parts[1]) else { throw ValidationError("--dim expects name=value") }
            dims[String(parts[0])] = v
        }
        let estimate = try MemoryEstimate.build(path: path, batch: batch, seq: seq, kvDtype: kvDtype, dims: dims)
        let fits = gpus.map { MemoryEstimate.fit(estimate, gpu: $0, utilization: utilization, overheadGiB: overheadGib, batch: batch, seq: seq) }
        if format == "json" {
            FileHandleOutput.standardOutput(MemoryEstimate.json(estimate, fits: fits).serialized(indent: 2) + "\n")
        } else {
            FileHandleOutput.standardOutput(MemoryEstimate.text(estimate, fits: fits, batch: batch, seq: seq))
        }
    }
}
