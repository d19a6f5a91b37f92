import Foundation
import FrictionCore

/// How a training tensor is rearranged on its way into an export, so that both sides can be
/// compared element by element.
public enum PairTransform: String, Sendable, Codable, CaseIterable {
    /// Same layout.
    case none
    /// llama.cpp's rotary row permutation of Q (`LlamaModel.permute(w, n_head, n_head)`).
    case permuteQ = "permute_q"
    /// The same permutation of K with the KV head count.
    case permuteK = "permute_k"
    /// Gemma's RMSNorm weights are exported as `w + 1` (Gemma computes `x * (1 + w)`).
    case addOne = "add_one"
    /// The export holds the transpose (ONNX MatMul initializers, GPT-2 Conv1D).
    case transpose
}

/// Hugging Face ↔ GGUF tensor names for the model families llama.cpp's converter handles the
/// same way (gguf-py `TensorNameMap`), with the converter's rearrangements: the Llama / Mistral
/// Q/K permutation and Gemma's `+1` on norms. `{n}` stands for the block index. A test checks
/// every row against gguf-py's own map (fixtures/compare/expected.json).
public struct GGUFNameMap: Sendable {
    public struct Row: Sendable {
        public var hf: String
        public var gguf: String
        public var transform: PairTransform
    }

    public let family: String
    public let rows: [Row]

    /// Rows shared by the decoder-only families (before family-specific changes).
    static func decoder(postAttentionNorm: String, qk: Bool, normPlusOne: Bool, lmHead: Bool = true, extra: [(String, String)] = []) -> [Row] {
        let norm: PairTransform = normPlusOne ? .addOne : .none
        var rows: [Row] = [
            Row(hf: "model.embed_tokens.weight", gguf: "token_embd.weight", transform: .none),
            Row(hf: "lm_head.weight", gguf: "output.weight", transform: .none),
            Row(hf: "model.norm.weight", gguf: "output_norm.weight", transform: norm),
            Row(hf: "model.layers.{n}.self_attn.q_proj.weight", gguf: "blk.{n}.attn_q.weight", transform: qk ? .permuteQ : .none),
            Row(hf: "model.layers.{n}.self_attn.k_proj.weight", gguf: "blk.{n}.attn_k.weight", transform: qk ? .permuteK : .none),
            Row(hf: "model.layers.{n}.self_attn.v_proj.weight", gguf: "blk.{n}.attn_v.weight", transform: .none),
            Row(hf: "model.layers.{n}.self_attn.o_proj.weight", gguf: "blk.{n}.attn_output.weight", transform: .none),
            Row(hf: "model.layers.{n}.self_attn.q_proj.bias", gguf: "blk.{n}.attn_q.bias", transform: qk ? .permuteQ : .none),
            Row(hf: "model.layers.{n}.self_attn.k_proj.bias", gguf: "blk.{n}.attn_k.bias", transform: qk ? .permuteK : .none),
            Row(hf: "model.layers.{n}.self_attn.v_proj.bias", gguf: "blk.{n}.attn_v.bias", transform: .none),
            Row(hf: "model.layers.{n}.mlp.gate_proj.weight", gguf: "blk.{n}.ffn_gate.weight", transform: .none),
            Row(hf: "model.layers.{n}.mlp.up_proj.weight", gguf: "blk.{n}.ffn_up.weight", transform: .none),
            Row(hf: "model.layers.{n}.mlp.down_proj.weight", gguf: "blk.{n}.ffn_down.weight", transform: .none),
            Row(hf: "model.layers.{n}.input_layernorm.weight", gguf: "blk.{n}.attn_norm.weight", transform: norm),
            Row(hf: "model.layers.{n}.post_attention_layernorm.weight", gguf: "blk.{n}.\(postAttentionNorm).weight", transform: norm),
        ]
        rows += extra.map { Row(hf: $0.0, gguf: $0.1, transform: norm) }
        // Gemma ties the output head to the embedding: GGUF has no output tensor for it.
        return lmHead ? rows : rows.filter { $0.hf != "lm_head.weight" }
    }

    /// The families by GGUF `general.architecture`.
    public static let families: [String: GGUFNameMap] = [
        "llama": GGUFNameMap(family: "llama", rows: decoder(postAttentionNorm: "ffn_norm", qk: true, normPlusOne: false)),
        "qwen2": GGUFNameMap(family: "qwen2", rows: decoder(postAttentionNorm: "ffn_norm", qk: false, normPlusOne: false)),
        "gemma": GGUFNameMap(family: "gemma", rows: decoder(postAttentionNorm: "ffn_norm", qk: false, normPlusOne: true, lmHead: false)),
        "gemma2": GGUFNameMap(family: "gemma2", rows: decoder(
            postAttentionNorm: "post_attention_norm", qk: false, normPlusOne: true, lmHead: false,
            extra: [("model.layers.{n}.pre_feedforward_layernorm.weight", "blk.{n}.ffn_norm.weight"),
                    ("model.layers.{n}.post_feedforward_layernorm.weight", "blk.{n}.post_ffw_norm.weight")])),
        "bert": GGUFNameMap(family: "bert", rows: bert),
    ]

    static let bert: [Row] = {
        var rows = [
            Row(hf: "embeddings.word_embeddings.weight", gguf: "token_embd.weight", transform: .none),
            Row(hf: "embeddings.position_embeddings.weight", gguf: "position_embd.weight", transform: .none),
            Row(hf: "embeddings.token_type_embeddings.weight", gguf: "token_types.weight", transform: .none),
        ]
        let pairs = [("embeddings.LayerNorm", "token_embd_norm"),
                     ("encoder.layer.{n}.attention.self.query", "blk.{n}.attn_q"), ("encoder.layer.{n}.attention.self.key", "blk.{n}.attn_k"),
                     ("encoder.layer.{n}.attention.self.value", "blk.{n}.attn_v"), ("encoder.layer.{n}.attention.output.dense", "blk.{n}.attn_output"),
                     ("encoder.layer.{n}.attention.output.LayerNorm", "blk.{n}.attn_output_norm"),
                     ("encoder.layer.{n}.intermediate.dense", "blk.{n}.ffn_up"), ("encoder.layer.{n}.output.dense", "blk.{n}.ffn_down"),
                     ("encoder.layer.{n}.output.LayerNorm", "blk.{n}.layer_output_norm")]
        for (h, g) in pairs { for leaf in ["weight", "bias"] { rows.append(Row(hf: "\(h).\(leaf)", gguf: "\(g).\(leaf)", transform: .none)) } }
        return rows
    }()

    /// The family for a GGUF architecture or a Hugging Face `model_type` (mistral exports as llama).
    public static func family(_ name: String) -> GGUFNameMap? {
        let aliases = ["mistral": "llama", "mixtral": "llama", "qwen2": "qwen2", "gemma": "gemma", "gemma2": "gemma2", "bert": "bert", "llama": "llama"]
        return aliases[name.lowercased()].flatMap { families[$0] }
    }

    /// The GGUF name and transform of a Hugging Face tensor name, or nil.
    public func gguf(for hf: String) -> (name: String, transform: PairTransform)? {
        for row in rows {
            if let n = Self.match(row.hf, hf) { return (row.gguf.replacingOccurrences(of: "{n}", with: n), row.transform) }
        }
        return nil
    }

    /// Matches `pattern` (with at most one `{n}`) against `name`; returns the block index text ("" without `{n}`).
    static func match(_ pattern: String, _ name: String) -> String? {
        guard let range = pattern.range(of: "{n}") else { return pattern == name ? "" : nil }
        let prefix = pattern[..<range.lowerBound], suffix = pattern[range.upperBound...]
        guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count else { return nil }
        let middle = name.dropFirst(prefix.count).dropLast(suffix.count)
        return middle.allSatisfy(\.isNumber) ? String(middle) : nil
    }
}
