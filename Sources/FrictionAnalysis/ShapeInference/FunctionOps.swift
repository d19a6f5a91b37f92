import FrictionCore

/// Shape inference through model-local functions (ONNX `FunctionProto`): a call runs the function
/// body as an isolated subgraph, with the caller's inputs (and their element values) bound to the
/// formal inputs, the caller's attributes substituted for `ref_attr_name` references, and the
/// function's own opset imports.
enum FunctionOps {
    /// Infers a call of `function` by `c.node`.
    static func call(_ c: inout OpContext, _ function: GraphFunction) {
        let body = Graph(name: function.name, nodes: function.nodes.map { resolve($0, caller: c.node) },
                         inputs: function.inputs.map { ValueInfo(name: $0, type: nil) },
                         outputs: function.outputs.map { ValueInfo(name: $0, type: nil) })
        let inputs = function.inputs.indices.map { c.facts($0) }
        let data = function.inputs.indices.map { c.data($0) }
        let scope = "in function \(key(domain: function.domain, name: function.name)) called by '\(OpContext.label(c.node))': "
        let result = c.state.runSubgraph(body, inputs: inputs, inputData: data, scope: scope,
                                         opsets: function.opsetImports, isolated: true)
        c.subgraphBlocked += result.blocked
        for (index, facts) in result.outputs.enumerated() {
            c.set(index, facts.type, facts.dims)
            if index < result.data.count { c.setData(index, result.data[index]) }
        }
        if result.outputs.contains(where: { $0.dims == nil }) { c.fail("function \(function.name) leaves an output unknown") }
    }

    /// `node` with attributes that refer to the caller's (`ref_attr_name`) replaced by the caller's
    /// values, or dropped (so the op's default applies) when the caller does not set them.
    static func resolve(_ node: GraphNode, caller: GraphNode) -> GraphNode {
        var copy = node
        copy.attributes = node.attributes.compactMap { attribute in
            guard case .reference(let name) = attribute.value else { return attribute }
            return caller.attribute(name).map { NodeAttribute(name: attribute.name, value: $0) }
        }
        return copy
    }

    /// The lookup key of a function or of a node that may call one: `domain.name`.
    static func key(domain: String, name: String) -> String {
        (domain == "ai.onnx" ? "" : domain) + "." + name
    }
}
