import FrictionCore

/// Element type and shape inference for ONNX graphs, with symbolic sizes and data propagation.
///
/// Unlike onnxruntime's `symbolic_shape_infer`, which stops at the first op it does not know
/// (microsoft/onnxruntime#10484, #22662, #21194), inference here never stops: an op it cannot
/// handle leaves its outputs unknown, is recorded, and the nodes after it infer what they can.
public enum ShapeInference {
    /// Infers every value's element type and shape, in node order; graph inputs, initializers and
    /// value_info seed it. An op it cannot handle (unknown op, missing input info, data-dependent
    /// output) makes its outputs unknown and is recorded in `blocked`; it never throws or stops.
    ///
    /// - Parameters:
    ///   - graph: The main graph; its `opsetImports` choose each op's version.
    ///   - values: Reads small constant initializers and Constant tensors (shape tensors, scales).
    ///   - functions: Model-local functions (``Model/functions``); a node that calls one, and has
    ///     no built-in shape function, is inferred through the function's body.
    /// - Returns: Facts for every value of the main graph, the blocked nodes, and coverage counts.
    public static func infer(_ graph: Graph, values: TensorValues, functions: [GraphFunction] = []) -> ShapeInferenceResult {
        var state = InferenceState(opsets: graph.opsetImports, reader: values)
        for function in functions.reversed() { state.functions[FunctionOps.key(domain: function.domain, name: function.name)] = function }
        state.seed(graph)
        state.run(graph.nodes)
        let inferred = state.facts.mapValues(\.inferred)
        var produced = Set<String>()
        for node in graph.nodes { for name in node.outputs where !name.isEmpty { produced.insert(name) } }
        let known = produced.filter { inferred[$0]?.isFullyKnown == true }.count
        return ShapeInferenceResult(values: inferred, blocked: state.blocked, knownCount: known, totalCount: produced.count)
    }
}

extension InferenceState {
    /// Infers `nodes` in order.
    mutating func run(_ nodes: [GraphNode]) {
        for node in nodes { apply(node) }
    }

    /// Runs one node's shape function and stores its outputs, recording the node as blocked when it
    /// loses an output's rank for a reason of its own (not merely an unknown input).
    mutating func apply(_ node: GraphNode) {
        let outcome = evaluate(node)
        blocked += outcome.subgraphBlocked
        var lostRank = false
        for (index, name) in node.outputs.enumerated() where !name.isEmpty {
            var result = outcome.outputs[index]
            if let stated = declared[name] { result = result.filling(from: stated) }
            facts[name] = result
            data[name] = outcome.outputData[index]
            doubles[name] = outcome.outputDoubles[index]
            if result.dims == nil {
                lostRank = true
                tainted.insert(name)
            }
        }
        let label = OpContext.label(node)
        guard outcome.known else {
            let domain = node.domain.isEmpty ? "" : " (domain \(node.domain))"
            let filled = lostRank ? "" : "; outputs taken from value_info"
            blocked.append(BlockedNode(node: label, opType: node.opType,
                                       reason: scope + "no shape function for \(node.opType)\(domain)" + filled))
            return
        }
        guard lostRank else { return }
        let unknownInputs = node.inputs.filter { !$0.isEmpty && lookup($0)?.dims == nil }
        if unknownInputs.contains(where: isTainted) { return }
        blocked.append(BlockedNode(node: label, opType: node.opType,
                                   reason: scope + (outcome.reason ?? "output shape could not be inferred")))
        tainted.formUnion(unknownInputs)
    }

    /// Runs `node`'s shape function on a context that shares this state's storage; nothing here
    /// mutates the state, so no dictionary is copied.
    private func evaluate(_ node: GraphNode) -> OpOutcome {
        var context = OpContext(node: node, opset: opset(for: node.domain), state: self)
        let function = OpShapeRegistry.function(domain: node.domain, opType: node.opType)
        let local = function == nil ? functions[FunctionOps.key(domain: node.domain, name: node.opType)] : nil
        if let function {
            function(&context)
        } else if let local {
            FunctionOps.call(&context, local)
        }
        return OpOutcome(known: function != nil || local != nil, outputs: context.outputs, outputData: context.outputData,
                         outputDoubles: context.outputDoubles, reason: context.reason, subgraphBlocked: context.subgraphBlocked)
    }

    /// Infers a subgraph (If branch, Loop or Scan body, function body) that sees this state's values
    /// as its outer scope, with its formal inputs bound to `inputs` (and their element values to
    /// `inputData`).
    ///
    /// - Parameters:
    ///   - opsets: Opset imports that override this graph's (a function's own).
    ///   - isolated: Whether the subgraph must not see the enclosing values (function bodies).
    /// - Returns: The facts and element values of the subgraph's outputs, and its blocked nodes.
    func runSubgraph(_ graph: Graph, inputs: [TensorFacts], inputData: [[DimExpr?]?] = [], scope: String,
                     opsets overrides: [String: Int64] = [:], isolated: Bool = false) -> SubgraphResult {
        guard depth < Self.maxDepth else {
            let reason = self.scope + scope + "subgraphs nested deeper than \(Self.maxDepth) levels"
            return SubgraphResult(outputs: Array(repeating: .unknown, count: graph.outputs.count),
                                  data: Array(repeating: nil, count: graph.outputs.count),
                                  blocked: [BlockedNode(node: graph.name, opType: "subgraph", reason: reason)])
        }
        var child = InferenceState(opsets: opsets.merging(overrides) { $1 }, reader: reader)
        child.functions = functions
        child.outer = isolated ? [] : [self]
        child.depth = depth + 1
        child.scope = self.scope + scope
        child.seed(graph)
        for (index, input) in graph.inputs.enumerated() {
            let stated = TensorFacts(declared: input.type)
            child.facts[input.name] = index < inputs.count ? inputs[index].filling(from: stated) : stated
            child.data[input.name] = index < inputData.count ? inputData[index] : nil
            child.constants[input.name] = nil
        }
        child.run(graph.nodes)
        let outputs = graph.outputs.map { child.lookup($0.name) ?? .unknown }
        let data = graph.outputs.map { child.data(of: $0.name) }
        return SubgraphResult(outputs: outputs, data: data, blocked: child.blocked)
    }
}

/// What one node's shape function produced, detached from the state it read.
struct OpOutcome {
    /// Whether a shape function exists for the node's op.
    var known: Bool
    var outputs: [TensorFacts]
    var outputData: [Int: [DimExpr?]]
    var outputDoubles: [Int: [Double]]
    var reason: String?
    var subgraphBlocked: [BlockedNode]
}

/// What inferring a subgraph found: its outputs' facts and element values, and its blocked nodes.
struct SubgraphResult {
    var outputs: [TensorFacts]
    var data: [[DimExpr?]?]
    var blocked: [BlockedNode]
}
