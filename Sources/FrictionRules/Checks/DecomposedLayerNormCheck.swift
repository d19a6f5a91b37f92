import FrictionCore

/// `decomposed-layernorm`: LayerNorm written as ReduceMean → Sub → Pow → ReduceMean → Add →
/// Sqrt → Div (what exporters emit below opset 17). In FP16 the Pow squares activations past
/// 65504; the fused LayerNormalization (opset 17) keeps the reduction in FP32.
struct DecomposedLayerNormCheck: CheckKind {
    static let id = "decomposed-layernorm"
    static let summary = "LayerNorm decomposed into ReduceMean/Sub/Pow/ReduceMean/Sqrt/Div chains"
    static let parameters = [
        ParamSpec("max_opset", .int, "only models whose default opset is at most this (default 16)"),
        ParamSpec("when_precision", .string, "only for targets with this precision (default fp16)"),
    ]

    let maxOpset: Int64
    let precision: String

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        maxOpset = params.int("max_opset") ?? 16
        precision = params.string("when_precision") ?? "fp16"
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        guard let graph = context.model.graph, (graph.defaultOpset ?? 0) <= maxOpset,
              let target = context.targets.first(where: { $0.precision == precision }) else { return [] }
        let topology = GraphTopology(graph)
        func consumers(_ i: Int, _ op: String) -> [Int] {
            graph.nodes[i].outputs.flatMap { topology.consumers[$0] ?? [] }.filter { graph.nodes[$0].opType == op }
        }
        var hits: [Hit] = []
        for (i, node) in graph.nodes.enumerated() where node.opType == "ReduceMean" {
            // mean → Sub(x, mean) → Pow(·, 2) → ReduceMean → Add(eps) → Sqrt → Div
            for sub in consumers(i, "Sub") {
                for pow in consumers(sub, "Pow") {
                    for mean2 in consumers(pow, "ReduceMean") {
                        for add in consumers(mean2, "Add") {
                            for sqrt in consumers(add, "Sqrt") where !consumers(sqrt, "Div").isEmpty {
                                hits.append(Hit(location: Location(file: context.model.path, offset: graph.nodes[pow].offset,
                                                                   path: graph.nodes[pow].name.isEmpty ? "#\(pow) Pow" : graph.nodes[pow].name),
                                                values: ["start": node.name.isEmpty ? "#\(i)" : node.name, "pow": graph.nodes[pow].name,
                                                         "opset": String(graph.defaultOpset ?? 0), "target": target.description]))
                            }
                        }
                    }
                }
            }
        }
        return hits
    }
}
