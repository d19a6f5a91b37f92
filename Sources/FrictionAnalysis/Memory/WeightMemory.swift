import Foundation
import FrictionCore

/// The bytes a model's weights occupy once loaded: each storage counted once (PyTorch views of
/// one storage share it), by dtype and by role (weights, quantization scales, zero points,
/// packed integer codes, optimizer state, EMA copies, gradients).
public struct WeightMemory: Sendable {
    public var totalBytes: UInt64
    public var parameters: UInt64
    public var byDType: [String: UInt64]
    public var byRole: [String: UInt64]
    /// Bytes saved because several tensors view one storage.
    public var sharedViewBytes: UInt64

    /// Name patterns for roles other than plain weights, most specific first.
    static let roles: [(role: String, matches: @Sendable (String) -> Bool)] = [
        ("optimizer state", { n in ["exp_avg", "exp_avg_sq", "momentum_buffer", "optimizer.", "optimizer_states.", "optim."].contains { n.contains($0) } }),
        ("ema copy", { n in n.hasPrefix("ema.") || n.contains(".ema.") || n.hasPrefix("model_ema.") || n.hasPrefix("ema_") }),
        ("gradient", { n in n.hasSuffix(".grad") }),
        ("zero point", { n in n.hasSuffix("zero_point") || n.hasSuffix("qzeros") || n.hasSuffix(".zeros") || n.hasSuffix("_zp") }),
        ("quantization scale", { n in ["weight_scale", "input_scale", "weight_scale_2", "scale_inv", ".scales", "_scale", "weight_global_scale"].contains { n.hasSuffix($0) } }),
        ("packed codes", { n in n.hasSuffix("qweight") || n.hasSuffix("weight_packed") || n.hasSuffix("g_idx") }),
    ]

    public static func role(of name: String) -> String {
        roles.first { $0.matches(name) }?.role ?? "weights"
    }

    public static func of(_ model: Model) -> WeightMemory {
        var seen = Set<String>()
        var total: UInt64 = 0, params: UInt64 = 0, shared: UInt64 = 0
        var byDType: [String: UInt64] = [:], byRole: [String: UInt64] = [:]
        for t in model.tensors {
            params &+= t.parameterCount ?? 0
            let range = t.view?.storageRange ?? t.storage.range
            let key = "\(t.storage.file)|\(t.storage.container ?? "")|\(range.lowerBound)|\(range.upperBound)"
            let bytes = range.upperBound - range.lowerBound
            guard seen.insert(key).inserted else { shared &+= t.storage.byteCount; continue }
            total &+= bytes
            byDType[t.type.description, default: 0] &+= bytes
            byRole[role(of: t.name), default: 0] &+= bytes
        }
        return WeightMemory(totalBytes: total, parameters: params, byDType: byDType, byRole: byRole, sharedViewBytes: shared)
    }
}

/// What the model's own files say it is stored in, against what it is stored in: a config
/// `torch_dtype` wider than the stored weights loads at a multiple of their size; a
/// quantization config with unquantized weights loads at the full size instead of the expected one.
public struct DeclaredPrecision: Sendable, Hashable {
    public var declared: String
    public var stored: String
    /// Loaded bytes / expected bytes.
    public var factor: Double
    public var expectedBytes: UInt64
    public var loadedBytes: UInt64
    public var reason: String

    /// Nominal bits per weight of llama.cpp's `general.file_type` values (LLAMA_FTYPE_*).
    static let ggufFileTypeBits: [Int64: (String, Double)] = [
        0: ("ALL_F32", 32), 1: ("MOSTLY_F16", 16), 2: ("MOSTLY_Q4_0", 4.5), 3: ("MOSTLY_Q4_1", 5), 7: ("MOSTLY_Q8_0", 8.5),
        8: ("MOSTLY_Q5_0", 5.5), 9: ("MOSTLY_Q5_1", 6), 10: ("MOSTLY_Q2_K", 2.63), 11: ("MOSTLY_Q3_K_S", 3.44),
        12: ("MOSTLY_Q3_K_M", 3.91), 13: ("MOSTLY_Q3_K_L", 4.27), 14: ("MOSTLY_Q4_K_S", 4.58), 15: ("MOSTLY_Q4_K_M", 4.89),
        16: ("MOSTLY_Q5_K_S", 5.54), 17: ("MOSTLY_Q5_K_M", 5.69), 18: ("MOSTLY_Q6_K", 6.56), 32: ("MOSTLY_BF16", 16),
    ]

    /// A GGUF whose `general.file_type` names a much smaller format than the tensors it stores.
    static func checkGGUF(_ model: Model, weights: WeightMemory) -> DeclaredPrecision? {
        guard model.format == .gguf, weights.parameters > 0,
              let entry = model.metadata.first(where: { $0.key == "general.file_type" }) else { return nil }
        let code: Int64
        switch entry.value {
        case .uint32(let v): code = Int64(v)
        case .int32(let v): code = Int64(v)
        default: return nil
        }
        guard let (name, bits) = ggufFileTypeBits[code] else { return nil }
        // The file type describes the big matrices: norms, biases and the embedding / output
        // tensors (often kept wider, e.g. Q6_K in Q4_K_M) are left out of the average.
        let matrices = model.tensors.filter { $0.shape.rank >= 2 && !$0.name.hasPrefix("token_embd") && !$0.name.hasPrefix("output.") }
        let params = matrices.reduce(UInt64(0)) { $0 &+ ($1.parameterCount ?? 0) }
        guard params > 0 else { return nil }
        let actual = Double(matrices.reduce(UInt64(0)) { $0 &+ $1.storage.byteCount }) * 8 / Double(params)
        let factor = actual / bits
        guard factor >= 1.5 else { return nil }
        return DeclaredPrecision(declared: name, stored: String(format: "%.1f bits per weight", actual), factor: factor,
                                 expectedBytes: UInt64(saturating: Double(weights.parameters) * bits / 8), loadedBytes: weights.totalBytes,
                                 reason: String(format: "general.file_type is %@ (~%.1f bits per weight) but the tensors average %.1f", name, bits, actual))
    }

    public static func check(_ model: Model, weights: WeightMemory) -> DeclaredPrecision? {
        if let g = checkGGUF(model, weights: weights) { return g }
        let facts = ModelFacts(model)
        guard let stored = facts.dominantFloatType, let storedBits = stored.bits, storedBits > 0 else { return nil }
        let floatBytes = model.tensors.filter { $0.type == .dtype(stored) }.reduce(UInt64(0)) { $0 &+ $1.storage.byteCount }
        if let config = model.config {
            // A quantization config promises sub-16-bit weights; stored wide floats load at full size.
            if let q = config["quantization_config"], storedBits >= 16 {
                let bits = q["bits"]?.int64Value ?? (q["load_in_4bit"] == .bool(true) ? 4 : q["load_in_8bit"] == .bool(true) ? 8 : nil)
                if let bits, bits > 0, bits < Int64(storedBits), !model.tensors.contains(where: { $0.name.hasSuffix("qweight") || ($0.type.description.hasPrefix("int") && $0.name.hasSuffix("weight")) }) {
                    let factor = Double(storedBits) / Double(bits)
                    return DeclaredPrecision(declared: "\(bits)-bit (\(q["quant_method"]?.stringValue ?? "quantization_config"))", stored: stored.rawValue,
                                             factor: factor, expectedBytes: UInt64(Double(floatBytes) / factor), loadedBytes: floatBytes,
                                             reason: "quantization_config declares \(bits)-bit weights but they are stored as \(stored.rawValue)")
                }
            }
            let declaredName = (config["torch_dtype"] ?? config["dtype"])?.stringValue ?? ""
            if let declared = DType(rawValue: declaredName.hasPrefix("torch.") ? String(declaredName.dropFirst(6)) : declaredName), let bits = declared.bits,
               declared.traits.family == .float, bits > storedBits {
                let factor = Double(bits) / Double(storedBits)
                return DeclaredPrecision(declared: declared.rawValue, stored: stored.rawValue, factor: factor, expectedBytes: floatBytes,
                                         loadedBytes: UInt64(saturating: Double(floatBytes) * factor),
                                         reason: "config.json torch_dtype is \(declared.rawValue) but the weights are \(stored.rawValue): loading with the config's dtype upcasts them")
            }
        }
        return nil
    }
}
