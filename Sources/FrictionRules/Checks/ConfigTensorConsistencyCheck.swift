import FrictionAnalysis
import FrictionCore

/// `config-tensor-consistency`: config.json (or GGUF `<arch>.*` keys) and the tensors disagree
/// on the number of layers, the hidden size, or the attention / key-value head counts.
struct ConfigTensorConsistencyCheck: CheckKind {
    static let id = "config-tensor-consistency"
    static let summary = "config and tensors disagreeing on layers, hidden size, heads or KV heads"
    static let parameters = [ParamSpec("aspect", .string, required: true, "layers, hidden_size, heads or kv_heads")]

    let aspect: String

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        let aspect = params.string("aspect") ?? ""
        guard ["layers", "hidden_size", "heads", "kv_heads"].contains(aspect) else {
            throw ParamError("aspect must be layers, hidden_size, heads or kv_heads", key: "aspect")
        }
        self.aspect = aspect
    }

    /// The declared sizes, from config.json or GGUF metadata.
    struct Declared {
        var layers: Int64?
        var hidden: Int64?
        var heads: Int64?
        var kvHeads: Int64?
        var file: String
        var gguf: Bool
    }

    func declared(_ context: CheckContext) -> Declared? {
        let model = context.model
        if let c = context.facts.config {
            let file = model.metadata.first { $0.key == "config.json" }?.location.file ?? model.path
            return Declared(layers: c.layers, hidden: c.hiddenSize, heads: c.attentionHeads, kvHeads: c.keyValueHeads ?? c.attentionHeads, file: file, gguf: false)
        }
        guard model.format == .gguf, case .string(let arch)? = model.metadata("general.architecture") else { return nil }
        func int(_ key: String) -> Int64? { model.metadata("\(arch).\(key)")?.jsonValue.int64Value }
        return Declared(layers: int("block_count"), hidden: int("embedding_length"), heads: int("attention.head_count"),
                        kvHeads: int("attention.head_count_kv") ?? int("attention.head_count"), file: model.path, gguf: true)
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        guard let d = declared(context) else { return [] }
        let tensors = context.model.tensors
        func first(_ suffixes: [String]) -> TensorInfo? { tensors.first { t in suffixes.contains { t.name.hasSuffix($0) } } }
        /// Out-features of a projection: HF [out, in]; GGUF stores ne = [in, out].
        func outFeatures(_ t: TensorInfo) -> Int64? {
            guard let dims = t.shape.fixedDims, dims.count == 2 else { return nil }
            return Int64(d.gguf ? dims[1] : dims[0])
        }
        func hit(_ key: String, _ declaredValue: Int64, _ found: Int64, _ evidence: String, _ location: Location) -> [Hit] {
            [Hit(location: location, values: ["key": key, "declared": String(declaredValue), "found": String(found), "evidence": evidence])]
        }
        let configLocation = Location(file: d.file, path: aspect)
        switch aspect {
        case "layers":
            guard let declared = d.layers, let found = context.facts.layerCount, Int64(found) != declared else { return [] }
            return hit(d.gguf ? "block_count" : "num_hidden_layers", declared, Int64(found), "tensor names number \(found) blocks", configLocation)
        case "hidden_size":
            guard let declared = d.hidden, let embed = first(["embed_tokens.weight", "token_embd.weight", "wte.weight", "word_embeddings.weight"]),
                  let dims = embed.shape.fixedDims, dims.count == 2 else { return [] }
            let found = Int64(d.gguf ? dims[0] : dims[1])
            guard found != declared else { return [] }
            return hit(d.gguf ? "embedding_length" : "hidden_size", declared, found, "\(embed.name) has shape \(embed.shape)", configLocation)
        case "heads":
            guard let heads = d.heads, heads > 0, let hidden = d.hidden, hidden % heads == 0,
                  let q = first(["self_attn.q_proj.weight", "attn_q.weight"]), let out = outFeatures(q) else { return [] }
            let headDim = hidden / heads
            let explicitHeadDim = context.model.config?["head_dim"]?.int64Value
            let dim = explicitHeadDim ?? headDim
            guard dim > 0, out % dim == 0, out / dim != heads else { return [] }
            return hit(d.gguf ? "attention.head_count" : "num_attention_heads", heads, out / dim, "\(q.name) projects to \(out) = \(out / dim) × head_dim \(dim)", configLocation)
        default:
            guard let kv = d.kvHeads, let heads = d.heads, heads > 0, let hidden = d.hidden, hidden % heads == 0,
                  let k = first(["self_attn.k_proj.weight", "attn_k.weight"]), let out = outFeatures(k) else { return [] }
            let dim = context.model.config?["head_dim"]?.int64Value ?? hidden / heads
            guard dim > 0, out % dim == 0, out / dim != kv else { return [] }
            return hit(d.gguf ? "attention.head_count_kv" : "num_key_value_heads", kv, out / dim, "\(k.name) projects to \(out) = \(out / dim) × head_dim \(dim)", configLocation)
        }
    }
}
