import FrictionCore

/// What a kernel sees: its node, its inputs (nil for omitted optional inputs), the opset of its
/// domain, and the executor for subgraphs.
public struct KernelContext {
    public let node: GraphNode
    public let inputs: [Tensor?]
    public let opset: Int
    let executor: Executor
    let scope: Scope

    /// The name used in errors: `name (Op)`.
    public var label: String { "\(node.name.isEmpty ? node.outputs.first ?? "?" : node.name) (\(node.opType))" }

    public func fail(_ message: String, code: String = "bad-node") -> ExecutionError {
        ExecutionError(code, message, node: label)
    }

    /// Checks that an output of `shape` and `type` can be allocated.
    public func checkSize(_ shape: [Int], _ type: DType) throws(ExecutionError) {
        guard Tensor.checkedCount(shape, type) != nil else {
            throw fail("an output of shape \(shape) (\(type)) is larger than this machine's memory", code: "tensor-too-large")
        }
    }

    /// Input `i`, which must be present.
    public func input(_ i: Int) throws(ExecutionError) -> Tensor {
        guard i < inputs.count, let t = inputs[i] else { throw fail("input \(i) is required") }
        return t
    }

    /// Input `i` if given.
    public func optional(_ i: Int) -> Tensor? { i < inputs.count ? inputs[i] : nil }

    public func int(_ name: String, _ fallback: Int) -> Int { node.int(name).map { Int(clamping: $0) } ?? fallback }
    public func ints(_ name: String) -> [Int]? { node.ints(name)?.map { Int(clamping: $0) } }
    public func float(_ name: String, _ fallback: Float) -> Float { node.float(name) ?? fallback }
    public func floats(_ name: String) -> [Float]? { if case .floats(let v)? = node.attribute(name) { v } else { nil } }
    public func string(_ name: String, _ fallback: String) -> String { node.string(name) ?? fallback }
    public func graph(_ name: String) -> Graph? { if case .graph(let g)? = node.attribute(name) { g } else { nil } }
    public func tensorAttribute(_ name: String) throws(ExecutionError) -> Tensor? {
        guard case .tensor(let info)? = node.attribute(name) else { return nil }
        return try executor.materializer.tensor(info)
    }

    /// An input holding integers (shapes, axes, indices), as Int.
    public func intValues(_ i: Int) throws(ExecutionError) -> [Int] {
        try input(i).int64s().map { Int(clamping: $0) }
    }

    /// Runs a subgraph (If / Loop / Scan body) with `inputs` bound to its inputs, seeing this
    /// node's scope for outer names; returns its outputs in order.
    public func run(_ graph: Graph, inputs: [Tensor]) throws(ExecutionError) -> [Tensor] {
        try executor.runSubgraph(graph, inputs: inputs, outer: scope)
    }

    /// An axis in [0, rank), from a possibly negative attribute value.
    public func axis(_ value: Int, rank: Int) throws(ExecutionError) -> Int {
        let a = value < 0 ? value + rank : value
        guard a >= 0, a < max(rank, 1) else { throw fail("axis \(value) is out of range for rank \(rank)") }
        return a
    }
}
