import FrictionCore

/// `graph-dead-code`: initializers nothing uses, or nodes whose outputs reach no graph output.
struct GraphDeadCodeCheck: CheckKind {
    static let id = "graph-dead-code"
    static let summary = "unused initializers and dead nodes"
    static let parameters = [ParamSpec("what", .string, required: true, "initializers or nodes")]

    let what: String

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        what = params.string("what") ?? ""
        guard what == "initializers" || what == "nodes" else { throw ParamError("what must be initializers or nodes", key: "what") }
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        guard let graph = context.model.graph else { return [] }
        let topology = GraphTopology(graph)
        if what == "initializers" {
            let byName = Dictionary(graph.initializers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            return topology.unusedInitializers.compactMap { name in byName[name].map { .tensor($0, ["bytes": String($0.storage.byteCount)]) } }
        }
        // Live nodes: walk back from graph outputs through producers.
        var live = Set<Int>()
        var work = graph.outputs.compactMap { topology.producer[$0.name] }
        while let i = work.popLast() {
            guard live.insert(i).inserted else { continue }
            var inputs = graph.nodes[i].inputs
            for a in graph.nodes[i].attributes { for sub in a.value.subgraphs { inputs += GraphTopology.outerNames(sub) } }
            work += inputs.compactMap { topology.producer[$0] }
        }
        return graph.nodes.indices.filter { !live.contains($0) }.map { i in
            let node = graph.nodes[i]
            return Hit(location: Location(file: context.model.path, offset: node.offset, path: node.name.isEmpty ? "#\(i) \(node.opType)" : node.name),
                       values: ["node": node.name.isEmpty ? "#\(i)" : node.name, "op": node.opType])
        }
    }
}
