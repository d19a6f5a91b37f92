import FrictionCore

/// `onnx-version-support`: the model's IR version or default-domain opset is newer than the
/// target runtime version can load (the runtime tables' max_ir_version / max_opset).
struct ONNXVersionSupportCheck: CheckKind {
    static let id = "onnx-version-support"
    static let summary = "ONNX IR version or opset newer than the target runtime supports"
    static let parameters = [ParamSpec("what", .string, required: true, "ir_version or opset")]

    let what: String

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        what = params.string("what") ?? ""
        guard what == "ir_version" || what == "opset" else { throw ParamError("what must be ir_version or opset", key: "what") }
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        guard let graph = context.model.graph else { return [] }
        let found = what == "ir_version" ? graph.irVersion : graph.defaultOpset
        guard let found else { return [] }
        var hits: [Hit] = []
        for target in context.targets {
            guard let runtime = target.runtime, let entry = runtime.entry(for: target.runtimeVersion) else { continue }
            guard let limit = what == "ir_version" ? entry.maxIRVersion : entry.maxOpset, found > limit else { continue }
            hits.append(Hit(location: Location(file: context.model.path, path: what), values: [
                "what": what == "ir_version" ? "IR version" : "opset", "found": String(found), "limit": String(limit),
                "runtime": runtime.name.isEmpty ? runtime.id : runtime.name, "version": target.runtimeVersion?.description ?? "(latest known)",
            ]))
        }
        return hits
    }
}
