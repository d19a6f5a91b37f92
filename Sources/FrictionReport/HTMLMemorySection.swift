import FrictionAnalysis
import FrictionCore
import FrictionRules

extension HTMLReporter {
    /// Tokens of KV cache the memory bars include (one sequence).
    static let memoryBarTokens: Int64 = 4096

    /// A stacked bar per target GPU: weights, one 4,096-token KV cache (decoders), and the free
    /// rest of 90% of the GPU's memory; bars past the line do not fit.
    func memorySection(_ model: Model, targets: [Target]) -> String {
        let gpus = targets.compactMap(\.gpu).filter { $0.memoryGiB > 0 }
        guard !gpus.isEmpty else { return "" }
        let weights = Double(WeightMemory.of(model).totalBytes)
        let kv = (model.config.flatMap(KVCacheModel.from(config:)) ?? KVCacheModel.from(gguf: model.metadata))?
            .bytes(batch: 1, context: Self.memoryBarTokens, bytesPerElement: 2) ?? 0
        let gib = Double(1 << 30)
        let scale = max(gpus.map { $0.memoryGiB * gib }.max() ?? 1, weights + kv)
        let width = 560.0, rowHeight = 26.0
        var svg = "<svg width=\"\(Int(width) + 220)\" height=\"\(Int(Double(gpus.count) * rowHeight + 24))\" role=\"img\">\n"
        for (i, gpu) in gpus.enumerated() {
            let y = Double(i) * rowHeight + 4
            let usable = gpu.memoryGiB * gib * 0.9
            let w = weights / scale * width, k = kv / scale * width, cap = usable / scale * width
            let fits = weights + kv <= usable
            svg += "<text x=\"0\" y=\"\(Int(y + 15))\" font-size=\"12\">\(Self.escape(gpu.product.isEmpty ? gpu.id : gpu.product))</text>"
            svg += String(format: "<rect x=\"150\" y=\"%.0f\" width=\"%.1f\" height=\"18\" fill=\"#e8ecf1\"/>", y, gpu.memoryGiB * gib / scale * width)
            svg += String(format: "<rect x=\"150\" y=\"%.0f\" width=\"%.1f\" height=\"18\" fill=\"#3b6ea8\"><title>weights %.2f GiB</title></rect>", y, w, weights / gib)
            svg += String(format: "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"18\" fill=\"#e3a33b\"><title>KV cache (4096 tokens) %.2f GiB</title></rect>", 150 + w, y, k, kv / gib)
            svg += String(format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#c62828\" stroke-width=\"2\"/>", 150 + cap, 150 + cap, y - 2, y + 20)
            svg += String(format: "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" fill=\"%@\">%@ %.1f / %.1f GiB</text>\n", width + 160, y + 15,
                          fits ? "#2e7d32" : "#c62828", fits ? "fits" : "does not fit", (weights + kv) / gib, usable / gib)
        }
        svg += "</svg>\n"
        return "<h3>Memory per target GPU</h3><p class=\"muted\">weights (blue) + one 4,096-token KV cache (orange) against 90% of the GPU's memory (red line)</p>\n" + svg
    }
}
