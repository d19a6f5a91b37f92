import FrictionCore

/// A deployment target: a GPU, a runtime at a version, or both
/// (`--target gpu=a100,runtime=vllm@0.11`).
public struct Target: Sendable, Hashable, CustomStringConvertible {
    public var gpu: GPUInfo?
    public var runtime: RuntimeInfo?
    public var runtimeVersion: Version?

    public init(gpu: GPUInfo? = nil, runtime: RuntimeInfo? = nil, runtimeVersion: Version? = nil) {
        self.gpu = gpu
        self.runtime = runtime
        self.runtimeVersion = runtimeVersion
    }

    /// Parses `gpu=NAME,runtime=ID@VERSION` (either part optional) against the knowledge base.
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
                let idVersion = pair[1].split(separator: "@", maxSplits: 1).map(String.init)
                guard let runtime = knowledge.runtime(idVersion[0]) else {
                    throw ParamError("unknown runtime '\(idVersion[0])'; known: \(knowledge.runtimes.map(\.id).sorted().joined(separator: ", "))")
                }
                target.runtime = runtime
                if idVersion.count == 2 {
                    guard let v = Version(idVersion[1]) else { throw ParamError("runtime version '\(idVersion[1])' is not a version") }
                    target.runtimeVersion = v
                }
            default:
                throw ParamError("unknown target key '\(pair[0])' (expected gpu or runtime)")
            }
        }
        return target
    }

    /// `a100 + vllm@0.11`.
    public var description: String {
        var parts: [String] = []
        if let gpu { parts.append(gpu.id) }
        if let runtime { parts.append(runtime.id + (runtimeVersion.map { "@\($0)" } ?? "")) }
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
