import FrictionAnalysis
import FrictionCore

/// `target-format-support`: weights in a format (bfloat16, float8, nvfp4, mxfp4 …) that a
/// target cannot run: the runtime's table (by version and architecture family) when the target
/// names a runtime, the GPU's tensor-core types otherwise.
struct TargetFormatSupportCheck: CheckKind {
    static let id = "target-format-support"
    static let summary = "weight formats a target GPU / runtime cannot run"
    static let parameters = [
        ParamSpec("formats", .strings, required: true, "format ids: bfloat16, float16, float8_e4m3fn, float8_e5m2, nvfp4, mxfp4, int4, int8 …"),
        ParamSpec("role", .string, "weights (default), activations or kv_cache"),
    ]

    let formats: [String]
    let role: String

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        formats = params.strings("formats") ?? []
        role = params.string("role") ?? "weights"
        guard ["weights", "activations", "kv_cache"].contains(role) else { throw ParamError("role must be weights, activations or kv_cache", key: "role") }
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        var hits: [Hit] = []
        for format in formats {
            guard let tensors = context.facts.weightFormats[format], let first = tensors.first,
                  let tensor = context.model.tensors.first(where: { $0.name == first }) else { continue }
            for target in context.targets {
                guard let gpu = target.gpu, target.supports(format: format, role: role) == false else { continue }
                let by = target.runtime.map { " with \($0.name.isEmpty ? $0.id : $0.name)\(target.runtimeVersion.map { " \($0)" } ?? "")" } ?? " (no tensor-core support)"
                var values = [
                    "format": format, "count": String(tensors.count), "gpu": gpu.product.isEmpty ? gpu.id : gpu.product,
                    "family": gpu.family, "cc": gpu.computeCapability, "target": target.description, "by": by,
                ]
                values["note"] = target.note(format: format).map { " (\($0))" } ?? ""
                hits.append(.tensor(tensor, values))
            }
        }
        return hits
    }
}
