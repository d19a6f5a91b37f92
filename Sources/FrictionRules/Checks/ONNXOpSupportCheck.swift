import FrictionAnalysis
import FrictionCore

/// `onnx-op-support`: graph nodes (subgraphs included) whose op, domain or input element type
/// the target runtime version does not support, per the operator tables in
/// knowledge/onnx-operators.yaml. Every offending node is reported at once.
struct ONNXOpSupportCheck: CheckKind {
    static let id = "onnx-op-support"
    static let summary = "ops, domains and element types a target runtime version does not support"
    static let parameters = [ParamSpec("aspect", .string, required: true, "ops (op type and domain) or dtypes (input element types)")]

    static let defaultDomains: Set<String> = ["", "ai.onnx"]
    let aspect: String

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        aspect = params.string("aspect") ?? ""
        guard aspect == "ops" || aspect == "dtypes" else { throw ParamError("aspect must be ops or dtypes", key: "aspect") }
    }

    /// Every node of a graph and its subgraphs, with a display path.
    static func allNodes(_ graph: Graph, prefix: String = "") -> [(GraphNode, String)] {
        var out: [(GraphNode, String)] = []
        for (i, node) in graph.nodes.enumerated() {
            let name = prefix + (node.name.isEmpty ? "#\(i) \(node.opType)" : node.name)
            out.append((node, name))
            for a in node.attributes { for sub in a.value.subgraphs { out += allNodes(sub, prefix: name + "/" + a.name + "/") } }
        }
        return out
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        guard let graph = context.model.graph else { return [] }
        var hits: [Hit] = []
        let types = aspect == "dtypes" ? ShapeInference.infer(graph, values: context.values, functions: context.model.functions).values : [:]
        for target in context.targets {
            guard let runtime = target.runtime, let table = context.knowledge.opTable(runtime: runtime.id, version: target.runtimeVersion) else { continue }
            let label = "\(runtime.name.isEmpty ? runtime.id : runtime.name) \(target.runtimeVersion?.description ?? "(latest known)")"
            for (node, path) in Self.allNodes(graph) {
                let location = Location(file: context.model.path, offset: node.offset, path: path)
                var values = ["node": path, "op": node.opType, "domain": node.domain.isEmpty ? "ai.onnx" : node.domain, "runtime": label]
                if aspect == "ops" {
                    let supported: Bool
                    if Self.defaultDomains.contains(node.domain) {
                        supported = !table.unsupported.contains(node.opType) && (table.ops.isEmpty || table.ops[node.opType] != nil)
                    } else if let ops = table.domainOps[node.domain] {
                        supported = ops.contains(node.opType)
                    } else {
                        supported = context.model.functions.contains { $0.domain == node.domain && $0.name == node.opType }
                    }
                    if !supported {
                        let known = Self.defaultDomains.contains(node.domain) || table.domainOps[node.domain] != nil
                        values["why"] = !known ? "is in a custom domain it has no kernels for (needs a plugin)"
                            : runtime.id == "onnxruntime-cuda" ? "has no CUDA kernel (onnxruntime falls back to the CPU provider)"
                            : "is not in its operator table"
                        hits.append(Hit(location: location, values: values))
                    }
                } else if Self.defaultDomains.contains(node.domain), let allowed = table.ops[node.opType], !allowed.isEmpty {
                    // The tables list the types of the data input; shape/index inputs (Resize sizes,
                    // TopK's K) follow other rules, so only input 0 is compared.
                    if let input = node.inputs.first, !input.isEmpty, let type = types[input]?.type?.description, !allowed.contains(type) {
                        values["input"] = input
                        values["dtype"] = type
                        values["allowed"] = allowed.sorted().joined(separator: ", ")
                        hits.append(Hit(location: location, values: values))
                    }
                }
            }
        }
        return hits
    }
}
