import FrictionCore

/// Shape functions of control flow: If, Loop and Scan. Their subgraphs are inferred with the
/// enclosing graph's values in scope; nodes blocked inside are reported with the enclosing node named.
enum ControlFlowOps {
    /// If: each output is what both branches agree on (sizes that differ become unknown, ranks
    /// that differ an unknown rank). When the condition is a known constant only that branch counts.
    static func ifOp(_ c: inout OpContext) {
        guard case .graph(let thenBranch)? = c.node.attribute("then_branch"),
              case .graph(let elseBranch)? = c.node.attribute("else_branch") else {
            return c.fail("If lacks then_branch or else_branch")
        }
        let name = OpContext.label(c.node)
        let condition = c.ints(0)?.first
        var results: [SubgraphResult] = []
        if condition != 0 { results.append(c.state.runSubgraph(thenBranch, inputs: [], scope: "in then_branch of If '\(name)': ")) }
        if condition == nil || condition == 0 {
            results.append(c.state.runSubgraph(elseBranch, inputs: [], scope: "in else_branch of If '\(name)': "))
        }
        for result in results { c.subgraphBlocked += result.blocked }
        for index in c.node.outputs.indices {
            let branches = results.map { index < $0.outputs.count ? $0.outputs[index] : .unknown }
            let merged = branches.dropFirst().reduce(branches.first ?? .unknown, merge)
            c.set(index, merged.type, merged.dims)
            let values = results.map { index < $0.data.count ? $0.data[index] : nil }
            if let first = values.first, values.allSatisfy({ $0 == first }) { c.setData(index, first) }
        }
        if results.contains(where: { $0.outputs.count < c.node.outputs.count }) { c.fail("If branch has fewer outputs than the node") }
    }

    /// Loop: final loop-carried values as what the initial values and the body agree on; scan
    /// outputs stack the body's per-iteration values under a leading trip-count dim: M's value when
    /// the condition is absent, or known true and provably kept true by the body; 0 when it is known
    /// false; else unknown.
    static func loop(_ c: inout OpContext) {
        guard case .graph(let body)? = c.node.attribute("body") else { return c.fail("Loop lacks a body") }
        let carriedCount = max(c.node.inputs.count - 2, 0)
        let initial = (0..<carriedCount).map { c.facts($0 + 2) }
        let counter = TensorFacts(type: OpContext.int64, dims: [])
        let condition = TensorFacts(type: OpContext.bool, dims: [])
        // An iteration only runs while the condition holds, so inside the body cond_in is true.
        let scope = "in body of Loop '\(OpContext.label(c.node))': "
        let run = fixpoint(initial, offset: 1) { states in
            c.state.runSubgraph(body, inputs: [counter, condition] + states, inputData: [nil, [DimExpr(1)]], scope: scope)
        }
        c.subgraphBlocked += run.result.blocked
        let keptTrue = (run.result.data.first ?? nil)?.first??.constant == 1
        let start = c.has(1) ? c.ints(1)?.first : 1
        let trips = start == 0 ? DimExpr(0) : !c.has(1) || (start == 1 && keptTrue) ? (c.data(0)?.first ?? nil) : nil
        for (index, facts) in run.states.enumerated() { c.set(index, facts.type, facts.dims) }
        let scanOutputs = run.result.outputs.dropFirst(1 + carriedCount)
        for (k, facts) in scanOutputs.enumerated() {
            c.set(carriedCount + k, facts.type, facts.dims.map { [trips] + $0 })
        }
    }

    /// Scan (opset 9+): final states as in Loop; each scan output gains the sequence length (the
    /// first scan input's size along its scan axis) at its `scan_output_axes` position.
    static func scan(_ c: inout OpContext) {
        guard case .graph(let body)? = c.node.attribute("body") else { return c.fail("Scan lacks a body") }
        guard c.opset >= 9 else { return c.fail("Scan before opset 9 (with sequence_lens) is not supported") }
        guard let scanCount = c.node.int("num_scan_inputs"), scanCount > 0, scanCount <= c.node.inputs.count else {
            return c.fail("Scan num_scan_inputs is missing or invalid")
        }
        let stateCount = c.node.inputs.count - Int(scanCount)
        let inputAxes = c.node.ints("scan_input_axes") ?? Array(repeating: 0, count: Int(scanCount))
        let initial = (0..<stateCount).map { c.facts($0) }
        var slices: [TensorFacts] = []
        var length: DimExpr?
        for j in 0..<Int(scanCount) {
            let facts = c.facts(stateCount + j)
            guard let dims = facts.dims, j < inputAxes.count, let axis = OpContext.axis(inputAxes[j], rank: dims.count) else {
                slices.append(TensorFacts(type: facts.type, dims: nil))
                continue
            }
            if j == 0 { length = dims[axis] }
            slices.append(TensorFacts(type: facts.type, dims: dims.enumerated().filter { $0.offset != axis }.map(\.element)))
        }
        let scope = "in body of Scan '\(OpContext.label(c.node))': "
        let run = fixpoint(initial, offset: 0) { states in
            c.state.runSubgraph(body, inputs: states + slices, scope: scope)
        }
        c.subgraphBlocked += run.result.blocked
        for (index, facts) in run.states.enumerated() { c.set(index, facts.type, facts.dims) }
        let outputAxes = c.node.ints("scan_output_axes") ?? []
        for (k, facts) in run.result.outputs.dropFirst(stateCount).enumerated() {
            guard var dims = facts.dims else {
                c.set(stateCount + k, facts.type, nil)
                continue
            }
            let axis = OpContext.axis(k < outputAxes.count ? outputAxes[k] : 0, rank: dims.count + 1) ?? 0
            dims.insert(length, at: axis)
            c.set(stateCount + k, facts.type, dims)
        }
    }

    /// Runs a body with the loop-carried `initial` states, then once more with what the first run
    /// and the initial states agree on when the body changed them. `offset` is how many body
    /// outputs precede the states (Loop's condition).
    private static func fixpoint(
        _ initial: [TensorFacts], offset: Int,
        _ body: ([TensorFacts]) -> SubgraphResult
    ) -> (states: [TensorFacts], result: SubgraphResult) {
        func merged(_ result: SubgraphResult, _ states: [TensorFacts]) -> [TensorFacts] {
            states.indices.map { i in offset + i < result.outputs.count ? merge(states[i], result.outputs[offset + i]) : .unknown }
        }
        var result = body(initial)
        var states = merged(result, initial)
        if states != initial {
            result = body(states)
            states = merged(result, states)
        }
        return (states, result)
    }

    /// What two facts agree on: a shared type, and the sizes both have (a size that differs
    /// becomes unknown; a differing rank becomes an unknown rank).
    static func merge(_ a: TensorFacts, _ b: TensorFacts) -> TensorFacts {
        let type = a.type == b.type ? a.type : nil
        guard let x = a.dims, let y = b.dims, x.count == y.count else { return TensorFacts(type: type, dims: nil) }
        return TensorFacts(type: type, dims: zip(x, y).map { $0 == $1 ? $0 : nil })
    }
}
