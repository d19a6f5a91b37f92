import FrictionCore

/// The architecture settings both sides of a comparison can state, read from a Hugging Face
/// config.json or from GGUF metadata under one vocabulary (the Hugging Face key names).
public struct ArchitectureFacts: Sendable {
    /// GGUF `general.architecture` or config.json `model_type`.
    public var family: String?
    public var isGGUF: Bool
    /// Canonical key → value (numbers as Double, flags as 0/1, strings as-is).
    public var values: [String: JSONValue] = [:]

    /// config.json key → GGUF key suffix after `{arch}.` (nil: derived another way).
    static let keys: [(hf: String, gguf: String?)] = [
        ("hidden_size", "embedding_length"), ("num_hidden_layers", "block_count"), ("num_attention_heads", "attention.head_count"),
        ("num_key_value_heads", "attention.head_count_kv"), ("intermediate_size", "feed_forward_length"),
        ("max_position_embeddings", "context_length"), ("rope_theta", "rope.freq_base"), ("head_dim", "attention.key_length"),
        ("rms_norm_eps", "attention.layer_norm_rms_epsilon"), ("layer_norm_eps", "attention.layer_norm_epsilon"),
        ("vocab_size", "vocab_size"), ("tie_word_embeddings", nil), ("rope_scaling.type", "rope.scaling.type"),
        ("rope_scaling.factor", "rope.scaling.factor"),
    ]

    public init(_ model: Model) {
        isGGUF = model.format == .gguf
        if isGGUF {
            let arch = model.metadata("general.architecture")?.jsonValue.stringValue
            family = arch
            for (hf, suffix) in Self.keys {
                guard let suffix, let arch, let v = model.metadata("\(arch).\(suffix)")?.jsonValue else { continue }
                values[hf] = v
            }
            if values["vocab_size"] == nil, case .array(_, let tokens)? = model.metadata("tokenizer.ggml.tokens") {
                values["vocab_size"] = .int(Int64(tokens.count))
            }
            if values["vocab_size"] == nil, let embd = model.tensors.first(where: { $0.name == "token_embd.weight" })?.shape.fixedDims, embd.count == 2 {
                values["vocab_size"] = .uint(embd[1])   // ggml ne = [hidden, vocab]
            }
            if model.tensors.contains(where: { $0.name == "token_embd.weight" }) {
                values["tie_word_embeddings"] = .bool(!model.tensors.contains { $0.name == "output.weight" })
            }
        } else if let config = model.config {
            let text = config["text_config"].flatMap { $0["hidden_size"] != nil ? $0 : nil } ?? config
            family = config["model_type"]?.stringValue
            for (hf, _) in Self.keys { if let v = text[hf] ?? config[hf] { values[hf] = v } }
            if let scaling = text["rope_scaling"] ?? config["rope_scaling"], case .object = scaling {
                if let t = scaling["rope_type"] ?? scaling["type"] { values["rope_scaling.type"] = t }
                if let f = scaling["factor"] { values["rope_scaling.factor"] = f }
            }
            if values["num_key_value_heads"] == nil, let heads = values["num_attention_heads"] { values["num_key_value_heads"] = heads }
            if values["tie_word_embeddings"] == nil, !model.tensors.isEmpty {
                values["tie_word_embeddings"] = .bool(!model.tensors.contains { $0.name.hasSuffix("lm_head.weight") })
            }
        }
    }

    public func int(_ key: String) -> Int? { values[key]?.int64Value.map(Int.init) }

    /// Keys both sides state with different values (numbers compared with a relative tolerance of 1e-6).
    public static func differences(_ a: ArchitectureFacts, _ b: ArchitectureFacts) -> [(key: String, a: JSONValue, b: JSONValue)] {
        var out: [(String, JSONValue, JSONValue)] = []
        for (key, _) in keys {
            guard let x = a.values[key], let y = b.values[key] else { continue }
            if let dx = number(x), let dy = number(y) {
                if abs(dx - dy) > 1e-6 * max(abs(dx), abs(dy)) { out.append((key, x, y)) }
            } else if x != y {
                out.append((key, x, y))
            }
        }
        return out
    }

    static func number(_ v: JSONValue) -> Double? {
        switch v {
        case .int(let i): Double(i)
        case .uint(let u): Double(u)
        case .double(let d): d
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }
}
