/// Naming conventions shared by exporters: scale companions, layer indices, module prefixes.
public enum TensorNames {
    /// Suffixes of tensors that hold quantization scales, zero points or codebooks rather than weights.
    public static let auxiliarySuffixes = [
        "weight_scale", "weight_scale_2", "weight_scale_inv", "weight_global_scale", "input_scale", "input_global_scale",
        "output_scale", "k_scale", "v_scale", "weight_zero_point", "weight_g_idx", "weight_shape", "scales", "qzeros",
        "g_idx", "absmax", "quant_map", "nested_absmax", "nested_quant_map", "SCB", "_scales",
        "scale", "zero_point", "y_scale", "y_zero_point", "x_scale", "x_zero_point",
    ]

    /// Whether `name` is a scale/zero-point/codebook companion rather than a weight.
    public static func isAuxiliary(_ name: String) -> Bool {
        let last = name.split(separator: ".").last.map(String.init) ?? name
        return auxiliarySuffixes.contains(last) || name.hasSuffix("_scales") || name.contains(".quant_state.")
    }

    /// The module prefix of a parameter: `model.layers.0.mlp.up_proj.weight` → `model.layers.0.mlp.up_proj`.
    public static func module(of name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[..<dot])
    }

    /// The last component: `…up_proj.weight_scale` → `weight_scale`.
    public static func leaf(of name: String) -> String {
        name.split(separator: ".").last.map(String.init) ?? name
    }

    /// The transformer block index in a name, for the usual spellings
    /// (`layers.N.`, `blk.N.`, `h.N.`, `block.N.`, `blocks.N.`, `layer.N.`); N below 2^24.
    public static func layerIndex(of name: String) -> Int? {
        let parts = name.split(separator: ".")
        for (i, part) in parts.enumerated() where i + 1 < parts.count {
            if ["layers", "blk", "h", "block", "blocks", "layer"].contains(part), let n = Int(parts[i + 1]), n < 1 << 24 { return n }
        }
        return nil
    }
}
