import FrictionCore

/// `tensor-selector`: fires on every tensor a ``TensorSelector`` selects. Users write rules
/// with it without recompiling (name patterns, dtypes, ranks, shape divisibility, sizes).
struct TensorSelectorCheck: CheckKind {
    static let id = "tensor-selector"
    static let summary = "tensors selected by name, dtype, rank, shape divisibility and size"
    static let parameters = TensorSelector.specs + [ParamSpec("limit", .int, "report at most this many tensors per input (default 100)")]

    let selector: TensorSelector
    let limit: Int

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        selector = try TensorSelector(params)
        limit = Int(params.int("limit") ?? 100)
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        var hits: [Hit] = []
        for t in context.model.tensors where selector.matches(t) {
            var values = ["bytes": String(t.storage.byteCount), "parameters": String(t.parameterCount ?? 0)]
            if let (index, size) = selector.offendingDim(t) {
                values["dim"] = String(index)
                values["size"] = String(size)
                values["multiple"] = selector.notMultipleOf.map(String.init) ?? ""
            }
            hits.append(.tensor(t, values))
            if hits.count >= limit { break }
        }
        return hits
    }
}
