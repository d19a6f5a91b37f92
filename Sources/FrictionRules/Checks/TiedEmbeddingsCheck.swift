import FrictionCore

/// `tied-embeddings-duplicated`: config.json ties the output head to the input embedding
/// (`tie_word_embeddings: true`) yet the checkpoint stores both matrices.
struct TiedEmbeddingsCheck: CheckKind {
    static let id = "tied-embeddings-duplicated"
    static let summary = "tied input/output embeddings stored twice"
    static let parameters = [
        ParamSpec("embedding", .string, "glob of the input embedding (default *embed_tokens.weight)"),
        ParamSpec("head", .string, "glob of the output head (default lm_head.weight)"),
    ]

    let embedding: String
    let head: String

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        embedding = params.string("embedding") ?? "*embed_tokens.weight"
        head = params.string("head") ?? "lm_head.weight"
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        guard context.model.config?["tie_word_embeddings"] == .bool(true),
              let e = context.model.tensors.first(where: { Glob.matches(embedding, $0.name) }),
              let h = context.model.tensors.first(where: { Glob.matches(head, $0.name) }),
              e.shape == h.shape else { return [] }
        return [.tensor(h, ["embedding": e.name, "bytes": String(h.storage.byteCount)])]
    }
}
