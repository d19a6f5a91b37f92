import FrictionCore

/// `target-memory-fit`: the weights alone exceed a fraction of a target GPU's memory, so the
/// model cannot load there without sharding or offload (KV cache and activations come on top).
struct TargetMemoryFitCheck: CheckKind {
    static let id = "target-memory-fit"
    static let summary = "weights larger than a target GPU's usable memory"
    static let parameters = [ParamSpec("fraction", .number, "share of GPU memory the weights may use (default 0.9, vLLM's gpu_memory_utilization)")]

    let fraction: Double

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        fraction = params.number("fraction") ?? 0.9
        guard fraction > 0 && fraction <= 1 else { throw ParamError("fraction must be in (0, 1]", key: "fraction") }
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        let bytes = Double(context.facts.totalBytes)
        var hits: [Hit] = []
        for target in context.targets {
            guard let gpu = target.gpu, gpu.memoryGiB > 0 else { continue }
            let usable = gpu.memoryGiB * fraction * Double(1 << 30)
            guard bytes > usable else { continue }
            hits.append(Hit(location: Location(file: context.model.path), values: [
                "weights_gib": String(format1(bytes / Double(1 << 30))), "gpu": gpu.product.isEmpty ? gpu.id : gpu.product,
                "memory_gib": format1(gpu.memoryGiB), "usable_gib": format1(usable / Double(1 << 30)),
                "percent": String(Int((fraction * 100).rounded())), "target": target.description,
            ]))
        }
        return hits
    }

    func format1(_ v: Double) -> String {
        let tenths = (v * 10).rounded()
        return "\(Int(tenths) / 10).\(Int(tenths) % 10)"
    }
}
