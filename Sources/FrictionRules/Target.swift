import FrictionCore

/// A deployment target: a GPU, a runtime at a version, or both
/// (`--target gpu=a100,runtime=vllm@0.11`).
public struct Target: Sendable, Hashable, CustomStringConvertible {
    public var gpu: GPUInfo?
    public var runtime: RuntimeInfo?
    public var runtimeVersion: Version?
    /// The precision the target runs the model in (`fp32`, `tf32`, `fp16`, `bf16`, `fp8`, `int8`), if stated.
    public var precision: String?

    /// Precisions a target may name.
    public static let precisions: Set<String> = ["fp32", "tf32", "fp16", "bf16", "fp8", "int8", "int4", "fp4"]

    public init(gpu: GPUInfo? = nil, runtime: RuntimeInfo? = nil, runtimeVersion: Version? = nil, precision: String? = nil) {
        self.gpu = gpu
        self.runtime = runtime
        self.runtimeVersion = runtimeVersion
        self.precision = precision
    }

    /// Parses `gpu=NAME,runtime=ID@VERSION,precision=fp16` (each part optional) against the knowledge base.
    public static func parse(_ spec: String, knowledge: Knowledge) throws(ParamError) -> Target {
        var target = Target()
        for part in spec.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters() }
            guard pair.count == 2 else { throw ParamError("target part '\(part)' must be key=value (gpu=…, runtime=…)") }
            switch pair[0] {
            case "gpu":
                guard let gpu = knowledge.gpu(pair[1]) else {
                    throw ParamError("unknown GPU '\(pair[1])'; known: \(knowledge.gpus.map(\.id).sorted().joined(separator: ", "))")
                }
                target.gpu = gpu
            case "runtime":
                let idVersion = pair[1].split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard let runtime = knowledge.runtime(idVersion[0]) else {
                    throw ParamError("unknown runtime '\(idVersion[0])'; known: \(knowledge.runtimes.map(\.id).sorted().joined(separator: ", "))")
                }
                target.runtime = runtime
                if idVersion.count == 2 {
                    guard let v = Version(idVersion[1]) else { throw ParamError("runtime version '\(idVersion[1])' is not a version") }
                    target.runtimeVersion = v
                }
            case "precision":
                guard precisions.contains(pair[1].lowercased()) else {
                    throw ParamError("unknown precision '\(pair[1])'; known: \(precisions.sorted().joined(separator: ", "))")
                }
                target.precision = pair[1].lowercased()
            default:
                throw ParamError("unknown target key '\(pair[0])' (expected gpu, runtime or precision)")
            }
        }
        return target
    }

    /// `a100 + vllm@0.11`.
    public var description: String {
        var parts: [String] = []
        if let gpu { parts.append(gpu.id) }
        if let runtime { parts.append(runtime.id + (runtimeVersion.map { "@\($0)" } ?? "")) }
        if let precision { parts.append(precision) }
        return parts.joined(separator: " + ")
    }

    /// Whether this target can use weights/activations of `format`: the runtime table when a
    /// runtime is named (and lists the format), else the GPU's hardware. Nil when unknown.
    public func supports(format: String, role: String) -> Bool? {
        guard let gpu else { return nil }
        if let runtime, let entry = runtime.entry(for: runtimeVersion), let roles = entry.formats[format] {
            guard let families = roles[role] else { return false }
            return families.contains(gpu.family)
        }
        return gpu.supportsInHardware(format)
    }

    /// The runtime's note on a format, if any.
    public func note(format: String) -> String? {
        runtime?.entry(for: runtimeVersion)?.notes[format]
    }
}
