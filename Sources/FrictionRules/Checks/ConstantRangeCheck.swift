import FrictionCore

/// `constant-range`: constants (initializers and Constant nodes) holding values outside a
/// range the target will narrow them to: INT64 beyond INT32 for runtimes that cast down,
/// float32 beyond ±65504 for FP16 targets, and sentinel values such as finfo(float32).min
/// feeding masks (Add, Where, Softmax).
struct ConstantRangeCheck: CheckKind {
    static let id = "constant-range"
    static let summary = "constants outside the range a target narrows them to"
    static let parameters = [
        ParamSpec("dtypes", .strings, required: true, "constant element types to check, e.g. [int64] or [float32, float64]"),
        ParamSpec("min", .number, required: true, "smallest representable value"),
        ParamSpec("max", .number, required: true, "largest representable value"),
        ParamSpec("when_precision", .string, "only for targets with this precision (e.g. fp16)"),
        ParamSpec("when_runtime", .string, "only for targets with this runtime id"),
        ParamSpec("runtime_before", .string, "... and a runtime version below this"),
        ParamSpec("consumers", .strings, "only constants consumed by these op types"),
        ParamSpec("exclude_consumers", .strings, "skip constants consumed only by these op types"),
        ParamSpec("max_elements", .int, "largest constant read (default 1048576 elements)"),
    ]

    let dtypes: Set<String>
    let low: Double
    let high: Double
    let precision: String?
    let runtime: String?
    let before: Version?
    let consumers: Set<String>?
    let excluded: Set<String>
    let maxElements: UInt64

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        var set = Set<String>()
        for name in params.strings("dtypes") ?? [] {
            guard let t = ExampleModel.elementType(name) else { throw ParamError("unknown dtype \(name)", key: "dtypes") }
            set.insert(t.description)
        }
        dtypes = set
        low = params.number("min") ?? -.infinity
        high = params.number("max") ?? .infinity
        precision = params.string("when_precision")
        runtime = params.string("when_runtime")
        before = params.string("runtime_before").flatMap(Version.init)
        consumers = params.strings("consumers").map(Set.init)
        excluded = Set(params.strings("exclude_consumers") ?? [])
        maxElements = UInt64(max(1, params.int("max_elements") ?? 1 << 20))
    }

    func applies(_ targets: [Target]) -> Target? {
        targets.first { t in
            if let precision, t.precision != precision { return false }
            if let runtime, t.runtime?.id != runtime { return false }
            if let before, let v = t.runtimeVersion, v >= before { return false }
            if before != nil, t.runtimeVersion == nil { return false }
            return true
        }
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        guard let graph = context.model.graph, let target = applies(context.targets) else { return [] }
        var constants: [(TensorInfo, String)] = graph.initializers.map { ($0, $0.name) }
        for node in graph.nodes where node.opType == "Constant" {
            if case .tensor(let t)? = node.attribute("value"), let out = node.outputs.first { constants.append((t, out)) }
        }
        let topology = GraphTopology(graph)
        var hits: [Hit] = []
        for (tensor, value) in constants where dtypes.contains(tensor.type.description) && (tensor.parameterCount ?? .max) <= maxElements {
            let users = Set((topology.consumers[value] ?? []).map { graph.nodes[$0].opType })
            if let consumers, users.isDisjoint(with: consumers) { continue }
            if !users.isEmpty, users.isSubset(of: excluded) { continue }
            let integers = tensor.type.description.hasPrefix("int") || tensor.type.description.hasPrefix("uint")
            var count = 0
            var worstText = ""
            if integers {
                guard let ints = context.values.int64s(tensor) else { continue }
                let outside = ints.filter { Double($0) < low || Double($0) > high }
                guard let worst = outside.max(by: { $0.magnitude < $1.magnitude }) else { continue }
                (count, worstText) = (outside.count, String(worst))
            } else {
                guard let numbers = context.values.doubles(tensor) else { continue }
                let outside = numbers.filter { $0.isFinite && ($0 < low || $0 > high) }
                guard let worst = outside.max(by: { abs($0) < abs($1) }) else { continue }
                (count, worstText) = (outside.count, Self.format(worst))
            }
            var hit = Hit.tensor(tensor, [
                "count": String(count), "worst": worstText, "min": Self.format(low), "max": Self.format(high),
                "consumers": users.sorted().joined(separator: ", "), "target": target.description, "value": value,
            ])
            hit.location.path = value
            hits.append(hit)
        }
        return hits
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
    }
}
