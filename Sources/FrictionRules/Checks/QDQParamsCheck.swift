import FrictionAnalysis
import FrictionCore

/// `qdq-params`: QuantizeLinear / DequantizeLinear whose zero point is not zero, or whose scale
/// is in a dtype the target runtime rejects (TensorRT: symmetric quantization, float32 scales).
struct QDQParamsCheck: CheckKind {
    static let id = "qdq-params"
    static let summary = "Q/DQ zero points and scale dtypes a runtime rejects"
    static let parameters = [
        ParamSpec("aspect", .string, required: true, "zero_point or scale_dtype"),
        ParamSpec("scale_dtypes", .strings, "allowed scale types (default [float32])"),
        ParamSpec("when_runtime", .string, "only for targets with this runtime id"),
    ]

    let aspect: String
    let scaleTypes: Set<String>
    let runtime: String?

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        aspect = params.string("aspect") ?? ""
        guard aspect == "zero_point" || aspect == "scale_dtype" else { throw ParamError("aspect must be zero_point or scale_dtype", key: "aspect") }
        scaleTypes = Set(params.strings("scale_dtypes") ?? ["float32"])
        runtime = params.string("when_runtime")
    }

    /// The first nonzero element of a zero-point tensor, as text (float zero points are compared
    /// as stored, never converted to integers).
    static func firstNonzero(_ tensor: TensorInfo, _ values: any TensorValues) -> String? {
        if let ints = values.int64s(tensor) { return ints.first { $0 != 0 }.map { String($0) } }
        return values.doubles(tensor)?.first { $0 != 0 }.map { String($0) }
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        guard let graph = context.model.graph else { return [] }
        let target = context.targets.first { runtime == nil || $0.runtime?.id == runtime }
        if runtime != nil && target == nil { return [] }
        var constants: [String: TensorInfo] = Dictionary(graph.initializers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for node in graph.nodes where node.opType == "Constant" {
            if case .tensor(let t)? = node.attribute("value"), let out = node.outputs.first { constants[out] = t }
        }
        var hits: [Hit] = []
        for (i, node) in graph.nodes.enumerated() where node.opType == "QuantizeLinear" || node.opType == "DequantizeLinear" {
            let name = node.name.isEmpty ? "#\(i) \(node.opType)" : node.name
            let location = Location(file: context.model.path, offset: node.offset, path: name)
            var values = ["node": name, "op": node.opType, "target": target?.description ?? "any"]
            if aspect == "zero_point", node.inputs.count > 2, let zp = constants[node.inputs[2]],
               let nonzero = Self.firstNonzero(zp, context.values) {
                values["value"] = nonzero
                values["zero_point"] = node.inputs[2]
                hits.append(Hit(location: location, values: values))
            }
            if aspect == "scale_dtype", node.inputs.count > 1, let scale = constants[node.inputs[1]], !scaleTypes.contains(scale.type.description) {
                values["scale"] = node.inputs[1]
                values["found"] = scale.type.description
                values["expected"] = scaleTypes.sorted().joined(separator: " or ")
                hits.append(Hit(location: location, values: values))
            }
        }
        return hits
    }
}
