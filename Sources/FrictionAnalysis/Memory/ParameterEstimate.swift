import FrictionCore

/// Parameter counts from a Hugging Face config.json alone, before any weight is downloaded (as
/// accelerate's estimate-memory does), for the Llama / Mistral / Qwen2 / Gemma, GPT-2 and BERT
/// families: embeddings, per-layer attention and MLP matrices with their biases and norms, the
/// final norm and an untied LM head.
public struct ParameterEstimate: Sendable, Hashable {
    public var family: String
    public var parameters: Int64
    /// Parameters by part (embeddings, attention, mlp, norms, head), for the report.
    public var parts: [String: Int64]

    /// The estimate for `c`, or nil for an unknown family, a missing or negative size, or
    /// sizes whose products overflow 64 bits.
    public static func from(config c: JSONValue) -> ParameterEstimate? {
        let type = (c["model_type"]?.stringValue ?? "").lowercased()
        func int(_ keys: String...) -> CheckedInt? {
            for k in keys { if let v = c[k]?.int64Value { return v >= 0 ? CheckedInt(v) : nil } }
            return nil
        }
        let tied = c["tie_word_embeddings"].map { $0 == .bool(true) }
        let parts: [String: CheckedInt]
        switch type {
        case "llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "gemma3_text", "mixtral", "phi3":
            guard let h = int("hidden_size"), let v = int("vocab_size"), let l = int("num_hidden_layers"),
                  let nh = int("num_attention_heads"), let inter = int("intermediate_size") else { return nil }
            let kv = int("num_key_value_heads") ?? nh
            let hd = int("head_dim") ?? h / nh
            let qkvBias: CheckedInt = type.hasPrefix("qwen2") || c["attention_bias"] == .bool(true) ? nh * hd + 2 * kv * hd : 0
            let qkNorm: CheckedInt = type == "qwen3" || type == "gemma3_text" ? 2 * hd : 0
            let attention = h * nh * hd + 2 * h * kv * hd + nh * hd * h + qkvBias + qkNorm
            let experts = int("num_local_experts") ?? 1
            let mlp = experts * 3 * h * inter + (experts.value ?? 1 > 1 ? h * experts : 0)
            let norms = (type.hasPrefix("gemma2") || type == "gemma3_text" ? 4 : 2) * h
            let embeddings = v * h
            let isTied = tied ?? type.hasPrefix("gemma")
            let head = isTied ? 0 : v * h
            parts = ["embeddings": embeddings, "attention": l * attention, "mlp": l * mlp, "norms": l * norms + h, "lm_head": head]
        case "gpt2":
            guard let h = int("n_embd", "hidden_size"), let v = int("vocab_size"), let l = int("n_layer"), let p = int("n_positions") else { return nil }
            let inner = int("n_inner") ?? 4 * h
            let attention = h * 3 * h + 3 * h + h * h + h
            let mlp = h * inner + inner + inner * h + h
            parts = ["embeddings": v * h + p * h, "attention": l * attention, "mlp": l * mlp, "norms": l * 4 * h + 2 * h,
                     "lm_head": tied == false ? v * h : 0]
        case "bert", "roberta":
            guard let h = int("hidden_size"), let v = int("vocab_size"), let l = int("num_hidden_layers"), let inter = int("intermediate_size"),
                  let p = int("max_position_embeddings") else { return nil }
            let types = int("type_vocab_size") ?? 2
            let attention = 4 * (h * h + h)
            let mlp = h * inter + inter + inter * h + h
            parts = ["embeddings": v * h + p * h + types * h, "attention": l * attention, "mlp": l * mlp,
                     "norms": l * 4 * h + 2 * h, "pooler": h * h + h]
        default:
            return nil
        }
        var values: [String: Int64] = [:]
        var total: CheckedInt = 0
        for (name, part) in parts {
            guard let value = part.value else { return nil }
            values[name] = value
            total = total + part
        }
        guard let parameters = total.value else { return nil }
        return ParameterEstimate(family: type, parameters: parameters, parts: values)
    }
}
