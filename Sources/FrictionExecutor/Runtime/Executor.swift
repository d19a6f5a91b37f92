import FrictionCore

/// Values visible while a graph runs; subgraphs see their parent's names.
final class Scope {
    var values: [String: Tensor] = [:]
    let parent: Scope?
    init(parent: Scope?) { self.parent = parent }
    func lookup(_ name: String) -> Tensor? { values[name] ?? parent?.lookup(name) }
}

/// One executed node, for `--trace` and numerics comparisons.
public struct NodeRecord {
    public let node: GraphNode
    public let inputs: [Tensor?]
    public let outputs: [Tensor]
    /// Subgraph nesting (0 for the main graph).
    public let depth: Int
}

/// Runs an ONNX graph on the CPU in the precision of its tensors: nodes in topological order,
/// each value released after its last consumer (graph outputs kept), If / Loop / Scan bodies
/// and model-local functions included. Calls nothing a model names but its own kernels.
public final class Executor {
    public let graph: Graph
    public let functions: [String: GraphFunction]
    public let opsets: [String: Int]
    public let materializer = TensorMaterializer()
    /// Called after every node (subgraph nodes too).
    public var observer: ((NodeRecord) -> Void)?
    /// Largest number of bytes held by live intermediate values at once (initializers excluded).
    public private(set) var peakLiveBytes = 0
    private var liveBytes = 0
    /// Owned buffers held by live values, with how many values share each (views such as
    /// Reshape reuse their input's buffer and add nothing).
    private var liveBuffers: [ObjectIdentifier: (bytes: Int, users: Int)] = [:]

    private func retain(_ t: Tensor) {
        guard t.buffer.writable else { return }
        let id = ObjectIdentifier(t.buffer)
        if let e = liveBuffers[id] { liveBuffers[id] = (e.bytes, e.users + 1); return }
        liveBuffers[id] = (t.buffer.byteCount, 1)
        liveBytes += t.buffer.byteCount
    }

    private func release(_ t: Tensor) {
        guard t.buffer.writable, let e = liveBuffers[ObjectIdentifier(t.buffer)] else { return }
        if e.users > 1 { liveBuffers[ObjectIdentifier(t.buffer)] = (e.bytes, e.users - 1); return }
        liveBuffers.removeValue(forKey: ObjectIdentifier(t.buffer))
        liveBytes -= e.bytes
    }
    private var depth = 0

    public init(graph: Graph, functions: [GraphFunction] = []) {
        self.graph = graph
        var table: [String: GraphFunction] = [:]
        for f in functions { table[f.domain + "/" + f.name] = f }
        self.functions = table
        var o: [String: Int] = [:]
        for (k, v) in graph.opsetImports { o[k == "ai.onnx" ? "" : k] = Int(clamping: v) }
        opsets = o
    }

    /// Runs the graph with `feeds` for its inputs (inputs that have an initializer may be
    /// omitted) and returns its outputs by name.
    public func run(_ feeds: [String: Tensor]) throws(ExecutionError) -> [String: Tensor] {
        try prepare()
        let scope = Scope(parent: nil)
        for (name, t) in initializers { scope.values[name] = t }
        for input in graph.inputs {
            if let t = feeds[input.name] { scope.values[input.name] = t } else if scope.values[input.name] == nil {
                throw ExecutionError("missing-input", "graph input \(input.name) was not given")
            }
        }
        let keep = Set(graph.outputs.map(\.name))
        let remaining = graph.nodes.enumerated().filter { !folded.contains($0.offset) }.map(\.element)
        try execute(remaining, scope: scope, keep: keep, opsets: opsets)
        var out: [String: Tensor] = [:]
        for o in graph.outputs {
            guard let t = scope.lookup(o.name) else { throw ExecutionError("missing-output", "graph output \(o.name) was not produced") }
            out[o.name] = t
        }
        return out
    }

    /// The main graph's initializers, materialized once (mapped in place when aligned).
    var initializers: [String: Tensor] = [:]
    private var prepared = false

    /// Materializes the initializers (done by the first ``run(_:)`` otherwise), so a run's
    /// time is the graph's alone.
    public func prepare() throws(ExecutionError) {
        guard !prepared else { return }
        for info in graph.initializers { initializers[info.name] = try materializer.tensor(info) }
        try foldConstants()
        prepared = true
    }

    /// Ops never folded: their outputs change from run to run.
    static let nondeterministic: Set<String> = ["RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
                                                "Multinomial", "Bernoulli", "Dropout"]
    /// Nodes of the main graph computed once by ``prepare()`` (all inputs constant).
    var folded = Set<Int>()

    /// Constant folding: a node whose inputs are all initializers (or folded outputs) runs once
    /// at preparation, as onnxruntime folds such subgraphs at session creation.
    func foldConstants() throws(ExecutionError) {
        let inputs = Set(graph.inputs.map(\.name))
        let scope = Scope(parent: nil)
        for (name, t) in initializers { scope.values[name] = t }
        for (i, node) in graph.nodes.enumerated() {
            guard !Self.nondeterministic.contains(node.opType), node.attributes.allSatisfy({ $0.value.subgraphs.isEmpty }),
                  functions[(node.domain == "ai.onnx" ? "" : node.domain) + "/" + node.opType] == nil,
                  node.inputs.allSatisfy({ $0.isEmpty || (!inputs.contains($0) && scope.values[$0] != nil) }) else { continue }
            let args = node.inputs.map { $0.isEmpty ? nil : scope.values[$0] }
            let outs = try call(node, inputs: args, scope: scope, opsets: opsets)
            observer?(NodeRecord(node: node, inputs: args, outputs: outs, depth: 0))
            for (name, t) in zip(node.outputs, outs) where !name.isEmpty {
                scope.values[name] = t
                initializers[name] = t
            }
            folded.insert(i)
        }
    }

    /// Runs a subgraph with `inputs` bound to its inputs, in a scope nested in `outer`.
    func runSubgraph(_ g: Graph, inputs: [Tensor], outer: Scope) throws(ExecutionError) -> [Tensor] {
        let scope = Scope(parent: outer)
        for info in g.initializers { scope.values[info.name] = try materializer.tensor(info) }
        for (info, t) in zip(g.inputs, inputs) { scope.values[info.name] = t }
        depth += 1
        defer { depth -= 1 }
        try execute(g.nodes, scope: scope, keep: Set(g.outputs.map(\.name)), opsets: opsets)
        var out: [Tensor] = []
        for o in g.outputs {
            guard let t = scope.lookup(o.name) else { throw ExecutionError("missing-output", "subgraph output \(o.name) was not produced") }
            out.append(t)
        }
        return out
    }

    /// Names a node reads: its inputs, and the outer names its subgraphs use.
    static func reads(_ node: GraphNode) -> [String] {
        var names = node.inputs.filter { !$0.isEmpty }
        for a in node.attributes { for g in a.value.subgraphs { names += GraphTopology.outerNames(g) } }
        return names
    }

    /// Nodes in an order where every input is produced first (the given order when it already is).
    static func ordered(_ nodes: [GraphNode], available: (String) -> Bool) -> [GraphNode]? {
        var produced = Set<String>()
        var done = [Bool](repeating: false, count: nodes.count)
        var out: [GraphNode] = []
        var progress = true
        while out.count < nodes.count, progress {
            progress = false
            for (i, n) in nodes.enumerated() where !done[i] {
                if reads(n).allSatisfy({ produced.contains($0) || available($0) }) {
                    done[i] = true
                    out.append(n)
                    for o in n.outputs where !o.isEmpty { produced.insert(o) }
                    progress = true
                }
            }
        }
        return out.count == nodes.count ? out : nil
    }

    func execute(_ list: [GraphNode], scope: Scope, keep: Set<String>, opsets: [String: Int]) throws(ExecutionError) {
        let localNames = Set(list.flatMap(\.outputs))
        guard let nodes = Self.ordered(list, available: { !localNames.contains($0) && scope.lookup($0) != nil }) else {
            throw ExecutionError("graph-cycle", "the graph has a cycle or reads a value nobody produces")
        }
        var lastUse: [String: Int] = [:]
        for (i, n) in nodes.enumerated() { for name in Self.reads(n) { lastUse[name] = i } }
        for (i, node) in nodes.enumerated() {
            var inputs: [Tensor?] = []
            for name in node.inputs {
                if name.isEmpty { inputs.append(nil); continue }
                guard let t = scope.lookup(name) else {
                    throw ExecutionError("missing-value", "input \(name) is not available", node: "\(node.name) (\(node.opType))")
                }
                inputs.append(t)
            }
            let outputs = try call(node, inputs: inputs, scope: scope, opsets: opsets)
            for (name, t) in zip(node.outputs, outputs) where !name.isEmpty {
                scope.values[name] = t
                retain(t)
            }
            peakLiveBytes = max(peakLiveBytes, liveBytes)
            observer?(NodeRecord(node: node, inputs: inputs, outputs: outputs, depth: depth))
            for name in Self.reads(node) where lastUse[name] == i && !keep.contains(name) && localNames.contains(name) {
                if let t = scope.values.removeValue(forKey: name) { release(t) }
            }
            for name in node.outputs where !name.isEmpty && lastUse[name] == nil && !keep.contains(name) {
                if let t = scope.values.removeValue(forKey: name) { release(t) }
            }
        }
    }

    func call(_ node: GraphNode, inputs: [Tensor?], scope: Scope, opsets: [String: Int]) throws(ExecutionError) -> [Tensor] {
        let domain = node.domain == "ai.onnx" ? "" : node.domain
        if let f = functions[domain + "/" + node.opType] {
            return try callFunction(f, node: node, inputs: inputs, outer: scope)
        }
        let opset = opsets[domain] ?? (domain.isEmpty ? KernelSpec.latestOpset : 1)
        var kernel: KernelSpec
        do throws(ExecutionError) {
            kernel = try KernelRegistry.kernel(node.opType, domain: domain, opset: opset)
        } catch {
            var e = error
            e.node = "\(node.name) (\(node.opType))"
            throw e
        }
        let ctx = KernelContext(node: node, inputs: inputs, opset: opset, executor: self, scope: scope)
        let outputs = try kernel.run(ctx)
        let wanted = node.outputs.count
        guard outputs.count >= node.outputs.filter({ !$0.isEmpty }).count || outputs.count >= wanted else {
            throw ExecutionError("kernel-outputs", "produced \(outputs.count) outputs, the node names \(wanted)", node: ctx.label)
        }
        return outputs
    }

    /// A model-local function: its body runs in a fresh scope with the formal inputs bound and
    /// attribute references (`ref_attr_name`) resolved from the calling node.
    func callFunction(_ f: GraphFunction, node: GraphNode, inputs: [Tensor?], outer: Scope) throws(ExecutionError) -> [Tensor] {
        let scope = Scope(parent: nil)
        for (name, t) in zip(f.inputs, inputs) where !name.isEmpty { if let t { scope.values[name] = t } }
        let body = f.nodes.map { n -> GraphNode in
            var n = n
            n.attributes = n.attributes.compactMap { a in
                guard case .reference(let ref) = a.value else { return a }
                return node.attributes.first { $0.name == ref }.map { NodeAttribute(name: a.name, value: $0.value) }
            }
            return n
        }
        var o: [String: Int] = opsets
        for (k, v) in f.opsetImports { o[k == "ai.onnx" ? "" : k] = Int(clamping: v) }
        depth += 1
        defer { depth -= 1 }
        try execute(body, scope: scope, keep: Set(f.outputs), opsets: o)
        var out: [Tensor] = []
        for name in f.outputs {
            guard let t = scope.lookup(name) else { throw ExecutionError("missing-output", "function \(f.name) did not produce \(name)") }
            out.append(t)
        }
        return out
    }
}
