/// The parts of a Hugging Face `config.json` that matter for friction: architecture and the
/// sizes that tensors must agree with. Absent keys stay nil.
public struct HFConfig: Sendable, Hashable {
    public var architecture: String?
    public var modelType: String?
    public var layers: Int64?
    public var hiddenSize: Int64?
    public var intermediateSize: Int64?
    public var attentionHeads: Int64?
    public var keyValueHeads: Int64?
    public var vocabSize: Int64?
    /// `torch_dtype`, or `dtype` in newer transformers releases.
    public var dtype: String?
    /// `quantization_config.quant_method`, when present.
    public var quantMethod: String?

    /// Reads a parsed config.json; multimodal configs with a `text_config` fall back to it
    /// for the sizes they do not state at the top level.
    public init(_ json: JSONValue) {
        let text = json["text_config"]
        func int(_ key: String) -> Int64? { json[key]?.int64Value ?? text?[key]?.int64Value }
        if case .array(let items)? = json["architectures"] { architecture = items.first?.stringValue }
        modelType = json["model_type"]?.stringValue
        layers = int("num_hidden_layers") ?? int("n_layer") ?? int("num_layers")
        hiddenSize = int("hidden_size") ?? int("n_embd") ?? int("d_model")
        intermediateSize = int("intermediate_size") ?? int("n_inner")
        attentionHeads = int("num_attention_heads") ?? int("n_head")
        keyValueHeads = int("num_key_value_heads")
        vocabSize = int("vocab_size")
        dtype = json["torch_dtype"]?.stringValue ?? json["dtype"]?.stringValue ?? text?["torch_dtype"]?.stringValue
        quantMethod = json["quantization_config"]?["quant_method"]?.stringValue
    }

    /// The summary as ordered (label, value) pairs for reports; nil values are left out.
    public var summary: [(String, String)] {
        let rows: [(String, String?)] = [
            ("architecture", architecture), ("model_type", modelType), ("layers", layers.map(String.init)),
            ("hidden_size", hiddenSize.map(String.init)), ("intermediate_size", intermediateSize.map(String.init)),
            ("attention_heads", attentionHeads.map(String.init)), ("kv_heads", keyValueHeads.map(String.init)),
            ("vocab_size", vocabSize.map(String.init)), ("dtype", dtype), ("quant_method", quantMethod),
        ]
        return rows.compactMap { label, value in value.map { (label, $0) } }
    }
}
