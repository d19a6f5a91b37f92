import FrictionAnalysis
import FrictionCore

/// `config-dtype-mismatch`: config.json names a dtype (torch_dtype / dtype) but most weight
/// bytes are stored in a wider floating type, so loaders that keep the stored type use more memory.
struct ConfigDTypeMismatchCheck: CheckKind {
    static let id = "config-dtype-mismatch"
    static let summary = "config.json dtype narrower than the dtype most weights are stored in"
    static let parameters = [
        ParamSpec("min_fraction", .number, "fraction of floating weight bytes stored wider than the config dtype (default 0.5)"),
    ]

    /// config.json spellings of torch dtypes.
    static let configNames: [String: DType] = [
        "bfloat16": .bfloat16, "float16": .float16, "half": .float16, "float32": .float32, "float": .float32,
        "float64": .float64, "float8_e4m3fn": .float8_e4m3fn, "float8_e5m2": .float8_e5m2,
    ]

    let minFraction: Double

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        minFraction = params.number("min_fraction") ?? 0.5
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        let facts = context.facts
        guard let name = facts.config?.dtype, let declared = Self.configNames[name.replacingOccurrences(of: "torch.", with: "")],
              let declaredBits = declared.bits else { return [] }
        let total = facts.floatWeightBytes.values.reduce(0, +)
        guard total > 0 else { return [] }
        let wider = facts.floatWeightBytes.filter { ($0.key.bits ?? 0) > declaredBits }
        let widerBytes = wider.values.reduce(0, +)
        let fraction = Double(widerBytes) / Double(total)
        guard fraction >= minFraction, let stored = wider.max(by: { $0.value < $1.value })?.key, let storedBits = stored.bits else { return [] }
        let location = Location(file: context.model.metadata.first { $0.key == "config.json" }?.location.file ?? context.model.path, path: "torch_dtype")
        return [Hit(location: location, values: [
            "config_dtype": name, "stored_dtype": stored.rawValue, "percent": String(Int((fraction * 100).rounded())),
            "factor": "\(storedBits / declaredBits)x",
        ])]
    }
}
