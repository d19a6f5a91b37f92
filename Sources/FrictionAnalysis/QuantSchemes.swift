import FrictionCore

/// Recognises the low-precision weight formats a checkpoint uses, from dtypes, companion
/// tensors and the quantization config (ModelOpt, compressed-tensors, gpt-oss MXFP4, GGUF).
public enum QuantSchemes {
    /// Format ids (the keys of runtimes.yaml's `formats`): plain dtypes by name, plus
    /// `nvfp4`, `mxfp4` and `int4` for packed formats, and `gguf:<TYPE>` for other ggml blocks.
    public static func weightFormats(_ model: Model, config: JSONValue?) -> [String: [String]] {
        var out: [String: [String]] = [:]
        let names = Set(model.tensors.map(\.name))
        let quant = config?["quantization_config"]
        let algo = (quant?["quant_algo"]?.stringValue ?? "").uppercased()
        let ctFormat = quant?["format"]?.stringValue ?? ""
        for tensor in model.tensors where !TensorNames.isAuxiliary(tensor.name) {
            let module = TensorNames.module(of: tensor.name)
            let format: String?
            switch tensor.type {
            case .ggml(let g):
                switch g.name {
                case "MXFP4": format = "mxfp4"
                case "NVFP4": format = "nvfp4"
                default: format = g.element?.rawValue ?? "gguf:\(g.name)"
                }
            case .dtype(let d):
                let leaf = TensorNames.leaf(of: tensor.name)
                let packedNVFP4 = names.contains(module + ".weight_scale_2") || names.contains(module + ".weight_global_scale")
                    || algo == "NVFP4" || ctFormat == "nvfp4-pack-quantized"
                if d == .float4_e2m1fn {
                    let scale = model.tensors.first { $0.name == module + ".weight_scale" || $0.name == tensor.name + "_scale" }
                    format = scale?.type == .dtype(.float8_e8m0fnu) || scale?.type == .dtype(.uint8) ? "mxfp4" : "nvfp4"
                } else if d == .uint8, leaf == "weight" || leaf == "weight_packed", packedNVFP4 {
                    format = "nvfp4"
                } else if d == .uint8, tensor.name.hasSuffix("_blocks") || ctFormat == "mxfp4-pack-quantized" || algo == "MXFP4" {
                    format = "mxfp4"
                } else if d == .int32, leaf == "qweight" || leaf == "weight_packed" {
                    format = "int4"
                } else if d.traits.family == .float {
                    format = d.rawValue
                } else if d == .int8, leaf == "weight" {
                    format = "int8"
                } else {
                    format = nil
                }
            case .unknown:
                format = nil
            }
            if let format { out[format, default: []].append(tensor.name) }
        }
        return out
    }
}
