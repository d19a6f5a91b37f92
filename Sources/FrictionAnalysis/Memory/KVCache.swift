import FrictionCore

/// The KV cache a decoder needs per token: for every layer, keys and values for each KV head
/// (grouped-query attention shares them), or one compressed latent per layer for MLA
/// (DeepSeek `kv_lora_rank` + `qk_rope_head_dim`); sliding-window layers cap their tokens.
public struct KVCacheModel: Sendable, Hashable {
    public var layers: Int64
    /// Elements cached per token per layer (keys and values together).
    public var elementsPerTokenPerLayer: Int64
    /// Tokens a sliding-window layer keeps (nil: every token).
    public var slidingWindow: Int64?
    /// Layers that use the sliding window (the rest keep every token).
    public var slidingLayers: Int64
    public var source: String

    /// Bytes per token at `bytesPerElement`, for contexts up to the window.
    public func bytesPerToken(bytesPerElement: Double) -> Double {
        Double(layers) * Double(elementsPerTokenPerLayer) * bytesPerElement
    }

    /// Bytes for `batch` sequences of `context` tokens.
    public func bytes(batch: Int64, context: Int64, bytesPerElement: Double) -> Double {
        // Doubles: sizes from a file may be anything, and an estimate must not trap.
        let full = Double(layers) - Double(slidingLayers)
        let windowTokens = Double(min(context, slidingWindow ?? context))
        let perSeq = (full * Double(context) + Double(slidingLayers) * windowTokens) * Double(elementsPerTokenPerLayer) * bytesPerElement
        return perSeq * Double(batch)
    }

    /// From a Hugging Face config.json (decoder families; nil for encoders, incomplete configs,
    /// and sizes that are negative or whose products overflow 64 bits).
    public static func from(config json: JSONValue) -> KVCacheModel? {
        let c = json["text_config"] ?? json
        func int(_ keys: String...) -> Int64? {
            for k in keys { if let v = c[k]?.int64Value { return v } }
            return nil
        }
        guard let layers = int("num_hidden_layers", "n_layer", "num_layers"), layers > 0 else { return nil }
        if let rank = int("kv_lora_rank"), let rope = int("qk_rope_head_dim") {
            guard rank >= 0, rope >= 0, let elements = (CheckedInt(rank) + CheckedInt(rope)).value else { return nil }
            return KVCacheModel(layers: layers, elementsPerTokenPerLayer: elements, slidingWindow: nil, slidingLayers: 0,
                                source: "MLA: kv_lora_rank \(rank) + qk_rope_head_dim \(rope) per layer")
        }
        guard let heads = int("num_attention_heads", "n_head"), heads > 0 else { return nil }
        let kvHeads = int("num_key_value_heads", "num_kv_heads", "multi_query_group_num") ?? heads
        guard let hidden = int("hidden_size", "n_embd", "d_model") ?? nil else { return nil }
        let headDim = int("head_dim") ?? hidden / heads
        guard kvHeads >= 0, headDim >= 0, let elements = (2 * CheckedInt(kvHeads) * CheckedInt(headDim)).value else { return nil }
        var window: Int64?
        var sliding: Int64 = 0
        if let w = int("sliding_window"), w > 0, c["use_sliding_window"] != .bool(false) {
            window = w
            if case .array(let types)? = c["layer_types"] {
                sliding = min(layers, Int64(types.filter { $0.stringValue == "sliding_attention" }.count))
            } else if (c["model_type"]?.stringValue ?? "") == "gemma2" {
                sliding = layers / 2   // Gemma 2 alternates local (sliding) and global layers
            } else if let pattern = int("sliding_window_pattern"), pattern > 0 {
                sliding = layers - layers / pattern   // Gemma 2/3: every pattern-th layer is global
            } else {
                sliding = layers
            }
        }
        return KVCacheModel(layers: layers, elementsPerTokenPerLayer: elements, slidingWindow: window, slidingLayers: sliding,
                            source: "\(layers) layers × 2 × \(kvHeads) KV heads × head dim \(headDim)" + (window.map { ", sliding window \($0) on \(sliding) layers" } ?? ""))
    }

    /// From GGUF metadata (`<arch>.block_count`, `.attention.head_count(_kv)`, `.embedding_length`,
    /// `.attention.key_length` / `.value_length`, `.attention.sliding_window`).
    public static func from(gguf metadata: [MetadataEntry]) -> KVCacheModel? {
        var table: [String: Int64] = [:]
        var arch = ""
        for e in metadata {
            if e.key == "general.architecture", case .string(let a) = e.value { arch = a }
            switch e.value {
            case .uint32(let v): table[e.key] = Int64(v)
            case .int32(let v): table[e.key] = Int64(v)
            case .uint64(let v): table[e.key] = Int64(clamping: v)
            case .int64(let v): table[e.key] = v
            default: break
            }
        }
        guard !arch.isEmpty, let layers = table["\(arch).block_count"], let heads = table["\(arch).attention.head_count"], heads > 0 else { return nil }
        let kvHeads = table["\(arch).attention.head_count_kv"] ?? heads
        let embed = table["\(arch).embedding_length"] ?? 0
        let keyLength = table["\(arch).attention.key_length"] ?? embed / heads
        let valueLength = table["\(arch).attention.value_length"] ?? embed / heads
        guard layers >= 0 else { return nil }
        if let rank = table["\(arch).attention.kv_lora_rank"], let rope = table["\(arch).rope.dimension_count"] {
            guard rank >= 0, rope >= 0, let elements = (CheckedInt(rank) + CheckedInt(rope)).value else { return nil }
            return KVCacheModel(layers: layers, elementsPerTokenPerLayer: elements, slidingWindow: nil, slidingLayers: 0, source: "GGUF MLA")
        }
        guard kvHeads >= 0, keyLength >= 0, valueLength >= 0,
              let elements = (CheckedInt(kvHeads) * (CheckedInt(keyLength) + CheckedInt(valueLength))).value else { return nil }
        let window = table["\(arch).attention.sliding_window"]
        return KVCacheModel(layers: layers, elementsPerTokenPerLayer: elements, slidingWindow: window,
                            slidingLayers: window == nil ? 0 : layers,
                            source: "GGUF \(arch): \(layers) layers × \(kvHeads) KV heads × (\(keyLength) + \(valueLength))")
    }
}
