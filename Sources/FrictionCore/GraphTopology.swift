/// Structural facts of a graph: who produces and consumes each value, whether nodes are in
/// topological order, cycles, values produced twice, unused initializers, dangling inputs and
/// outputs nobody produces. Values used inside subgraphs from the outer scope count as consumed.
public struct GraphTopology: Sendable {
    /// Value name → index of the node producing it (first producer).
    public let producer: [String: Int]
    /// Value name → indices of consuming nodes (including nodes whose subgraphs use it).
    public let consumers: [String: [Int]]
    /// Values produced by more than one node (not SSA).
    public let producedTwice: [String]
    /// Whether every node comes after the producers of its inputs.
    public let topologicallySorted: Bool
    /// Node indices on a cycle (empty when acyclic).
    public let cycle: [Int]
    public let unusedInitializers: [String]
    public let danglingInputs: [String]
    /// Graph outputs that no node, input or initializer provides.
    public let undefinedOutputs: [String]
    /// Node inputs that nothing provides (and that are not outer-scope names of a subgraph).
    public let undefinedInputs: [(node: Int, name: String)]

    public init(_ graph: Graph, outerScope: Set<String> = []) {
        var producer: [String: Int] = [:]
        var twice: [String] = []
        for (i, node) in graph.nodes.enumerated() {
            for out in node.outputs where !out.isEmpty {
                if producer[out] != nil { twice.append(out) } else { producer[out] = i }
            }
        }
        let initializers = Set(graph.initializers.map(\.name) + graph.sparseInitializers.map(\.values.name))
        let inputs = Set(graph.inputs.map(\.name))
        var consumers: [String: [Int]] = [:]
        var sorted = true
        var undefinedInputs: [(Int, String)] = []
        for (i, node) in graph.nodes.enumerated() {
            var used = node.inputs.filter { !$0.isEmpty }
            for attribute in node.attributes { for sub in attribute.value.subgraphs { used += GraphTopology.outerNames(sub) } }
            for name in used {
                consumers[name, default: []].append(i)
                if let p = producer[name] {
                    if p >= i { sorted = false }
                } else if !initializers.contains(name) && !inputs.contains(name) && !outerScope.contains(name) {
                    undefinedInputs.append((i, name))
                }
            }
        }
        self.producer = producer
        self.consumers = consumers
        self.producedTwice = twice
        self.topologicallySorted = sorted
        self.cycle = sorted ? [] : GraphTopology.findCycle(graph, producer: producer)
        let outputs = Set(graph.outputs.map(\.name))
        unusedInitializers = graph.initializers.map(\.name).filter { consumers[$0] == nil && !outputs.contains($0) }
        danglingInputs = graph.inputs.map(\.name).filter { consumers[$0] == nil && !outputs.contains($0) && !initializers.contains($0) }
        undefinedOutputs = graph.outputs.map(\.name).filter { producer[$0] == nil && !inputs.contains($0) && !initializers.contains($0) }
        self.undefinedInputs = undefinedInputs
    }

    /// Names a subgraph reads from its enclosing scopes (used but not defined inside it).
    public static func outerNames(_ graph: Graph) -> [String] {
        var defined = Set(graph.inputs.map(\.name) + graph.initializers.map(\.name))
        var outer: [String] = []
        for node in graph.nodes {
            for name in node.inputs where !name.isEmpty && !defined.contains(name) { outer.append(name) }
            for attribute in node.attributes {
                for sub in attribute.value.subgraphs { outer += outerNames(sub).filter { !defined.contains($0) } }
            }
            for out in node.outputs { defined.insert(out) }
        }
        return outer
    }

    /// Iterative DFS over node dependencies; returns the node indices of one cycle.
    static func findCycle(_ graph: Graph, producer: [String: Int]) -> [Int] {
        let n = graph.nodes.count
        var deps: [[Int]] = Array(repeating: [], count: n)
        for (i, node) in graph.nodes.enumerated() {
            deps[i] = node.inputs.compactMap { producer[$0] }
        }
        var state = [UInt8](repeating: 0, count: n)  // 0 new, 1 on stack, 2 done
        for start in 0..<n where state[start] == 0 {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            while let top = stack.last {
                if top.next < deps[top.node].count {
                    stack[stack.count - 1].next += 1
                    let d = deps[top.node][top.next]
                    if state[d] == 1 {
                        guard let from = stack.firstIndex(where: { $0.node == d }) else { return [d] }
                        return stack[from...].map(\.node)
                    }
                    if state[d] == 0 {
                        state[d] = 1
                        stack.append((d, 0))
                    }
                } else {
                    state[top.node] = 2
                    stack.removeLast()
                }
            }
        }
        return []
    }
}
