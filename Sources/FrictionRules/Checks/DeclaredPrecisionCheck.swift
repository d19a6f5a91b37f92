import FrictionAnalysis
import FrictionCore

/// `declared-precision`: the model's config declares a precision that makes it load at a
/// multiple of its stored size (torch_dtype wider than the weights, or a quantization config
/// over unquantized weights).
struct DeclaredPrecisionCheck: CheckKind {
    static let id = "declared-precision"
    static let summary = "config-declared precision that loads the weights at a multiple of their stored size"
    static let parameters = [ParamSpec("min_factor", .number, "smallest load factor reported (default 1.5)")]

    let minFactor: Double

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        minFactor = params.number("min_factor") ?? 1.5
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        let model = context.facts.model
        guard let d = DeclaredPrecision.check(model, weights: WeightMemory.of(model)), d.factor >= minFactor else { return [] }
        let gib = { (b: UInt64) in String(format: "%.2f GiB", Double(b) / Double(1 << 30)) }
        return [Hit(location: Location(file: model.path, path: "config.json"), values: [
            "factor": String(format: "%.1f", d.factor), "reason": d.reason, "loaded": gib(d.loadedBytes), "expected": gib(d.expectedBytes),
            "loaded_bytes": String(d.loadedBytes), "expected_bytes": String(d.expectedBytes),
        ])]
    }
}

/// `kv-cache-fit`: for each target GPU, the weights plus the KV cache of one sequence at the
/// model's full context (`max_position_embeddings`, or `context`) exceed its usable memory —
/// serving engines such as vLLM refuse to start when one max-length sequence does not fit.
struct KVCacheFitCheck: CheckKind {
    static let id = "kv-cache-fit"
    static let summary = "weights plus one full-context KV cache larger than a target GPU's usable memory"
    static let parameters = [
        ParamSpec("fraction", .number, "share of GPU memory usable (default 0.9)"),
        ParamSpec("context", .number, "context length (default: the config's max_position_embeddings)"),
    ]

    let fraction: Double
    let context: Double?

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        fraction = params.number("fraction") ?? 0.9
        guard fraction > 0 && fraction <= 1 else { throw ParamError("fraction must be in (0, 1]", key: "fraction") }
        context = params.number("context")
        if let tokens = context, !(tokens >= 1 && tokens <= 0x1p40) {
            throw ParamError("context must be a token count from 1 to 2^40", key: "context")
        }
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        let model = context.facts.model
        let config = model.config
        guard let kv = config.flatMap(KVCacheModel.from(config:)) ?? KVCacheModel.from(gguf: model.metadata) else { return [] }
        let tokens = self.context.map { Int64($0) } ?? (config?["max_position_embeddings"]?.int64Value
            ?? model.metadata.first { $0.key.hasSuffix(".context_length") }.flatMap { if case .uint32(let v) = $0.value { Int64(v) } else { nil } } ?? 4096)
        let elementBytes = Double(((config?["torch_dtype"]?.stringValue).flatMap { DType(rawValue: $0) }?.bits ?? 16) / 8)
        let kvBytes = kv.bytes(batch: 1, context: tokens, bytesPerElement: elementBytes)
        let weights = Double(WeightMemory.of(model).totalBytes)
        var hits: [Hit] = []
        for target in context.targets {
            guard let gpu = target.gpu, gpu.memoryGiB > 0 else { continue }
            let usable = gpu.memoryGiB * fraction * Double(1 << 30)
            guard weights + kvBytes > usable, weights <= usable else { continue }
            let g = { (b: Double) in String(format: "%.1f", b / Double(1 << 30)) }
            let maxTokens = Int64(saturating: (usable - weights) / max(kv.bytesPerToken(bytesPerElement: elementBytes), 1))
            hits.append(Hit(location: Location(file: model.path), values: [
                "gpu": gpu.product.isEmpty ? gpu.id : gpu.product, "tokens": String(tokens), "kv_gib": g(kvBytes), "weights_gib": g(weights),
                "usable_gib": g(usable), "max_tokens": String(maxTokens), "target": target.description,
            ]))
        }
        return hits
    }
}
