import FrictionCore

/// `gguf-type-support`: GGUF tensors whose ggml type the target llama.cpp build cannot load
/// (introduced in a later build, removed, or unknown to every build).
struct GGUFTypeSupportCheck: CheckKind {
    static let id = "gguf-type-support"
    static let summary = "ggml tensor types unknown to the target llama.cpp build"
    static let parameters = [ParamSpec("runtime", .string, "the runtime id whose ggml_types table applies (default llama.cpp)")]

    let runtimeID: String

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        runtimeID = params.string("runtime") ?? "llama.cpp"
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        var hits: [Hit] = []
        var reported = Set<String>()
        for target in context.targets where target.runtime?.id == runtimeID {
            guard let runtime = target.runtime else { continue }
            for t in context.model.tensors {
                let typeName: String
                switch t.type {
                case .ggml(let g): typeName = g.name
                case .unknown(let u) where u.hasPrefix("ggml "): typeName = GGMLType.removed[UInt32(u.dropFirst(5)) ?? 0] ?? u
                default: continue
                }
                var why: String?
                if let removed = runtime.ggmlTypesRemovedIn[typeName], let v = target.runtimeVersion, v >= removed {
                    why = "was removed in \(removed)"
                } else if let known = runtime.ggmlTypesSince[typeName] {
                    if let since = known, let v = target.runtimeVersion, v < since { why = "is supported from \(since)" }
                } else {
                    why = "is not known to any \(runtime.name.isEmpty ? runtime.id : runtime.name) build in the knowledge base"
                }
                guard let why, reported.insert("\(target)|\(t.name)").inserted else { continue }
                hits.append(.tensor(t, ["type": typeName, "why": why, "target": target.description]))
            }
        }
        return hits
    }
}
