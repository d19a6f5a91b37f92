import FrictionCore

/// The activation memory of an ONNX graph: walk the nodes in order, allocate each output when
/// its node runs and free it after its last consumer (as the executor does), and keep the
/// largest total. Sizes come from shape inference, so the peak is a formula in the symbolic
/// dimensions, evaluated at given values; the tensors live at the peak are named.
public struct ActivationPeak: Sendable {
    public struct LiveValue: Sendable, Hashable {
        public var name: String
        public var producer: String
        public var bytes: Int64
        public var formula: String
    }

    /// Peak bytes at the given dimension values.
    public var peakBytes: Int64
    /// The node after which the peak occurs.
    public var peakNode: String
    /// Bytes at the peak as a formula in the symbolic dims.
    public var formula: String
    /// The largest values live at the peak.
    public var live: [LiveValue]
    /// Values whose size inference could not determine (counted as 0).
    public var unknown: [String]
    /// Symbolic dims the formula depends on, and whether each was given a value.
    public var symbols: [String: Bool]
    /// Large Expand / Tile outputs and attention-score tensors (Softmax inputs and outputs),
    /// at least an eighth of the peak: the usual reasons a graph's activations blow up.
    public var callouts: [LiveValue] = []

    /// Ops whose output reuses its input's memory in the executor (no new allocation).
    public static let aliasing: Set<String> = ["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout"]

    public static func estimate(_ graph: Graph, inference: ShapeInferenceResult, dims: [String: Int64]) -> ActivationPeak {
        let constants = Set(graph.initializers.map(\.name))
        // Nodes whose inputs are all constants are folded before the run (outputs are constants too).
        var constant = constants
        var runtime: [GraphNode] = []
        for node in graph.nodes {
            let reads = node.inputs.filter { !$0.isEmpty }
            if node.attributes.allSatisfy({ $0.value.subgraphs.isEmpty }), reads.allSatisfy({ constant.contains($0) }),
               !["RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli"].contains(node.opType) {
                for o in node.outputs where !o.isEmpty { constant.insert(o) }
                continue
            }
            runtime.append(node)
        }
        var lastUse: [String: Int] = [:]
        for (i, n) in runtime.enumerated() { for name in n.inputs where !name.isEmpty { lastUse[name] = i } }
        let keep = Set(graph.outputs.map(\.name))
        var symbols: [String: Bool] = [:]
        var unknown: [String] = []
        func size(_ name: String) -> (DimExpr?, Int64?) {
            guard let v = inference.values[name], case .dtype(let d)? = v.type, let shape = v.shape else { return (nil, nil) }
            let elementBytes = Int64(max((d.bits ?? 8) / 8, 1))
            var expr: DimExpr? = DimExpr(elementBytes)
            for dim in shape.dims { expr = DimExpr.product(expr, DimExpr(dim)) }
            guard let e = expr else { return (nil, nil) }
            for monomial in e.terms.keys { for s in monomial { symbols[s] = dims[s] != nil } }
            return (e, e.evaluate(dims))
        }
        var live: [String: (producer: String, expr: DimExpr?, bytes: Int64, owner: String)] = [:]
        var owners: [String: Int] = [:]   // buffer owner → users
        var ownerBytes: [String: Int64] = [:]
        var current: Int64 = 0
        var peak: Int64 = 0
        var peakNode = ""
        var peakLive: [String: (producer: String, expr: DimExpr?, bytes: Int64, owner: String)] = [:]
        for (i, node) in runtime.enumerated() {
            for o in node.outputs where !o.isEmpty {
                let (expr, bytes) = size(o)
                if bytes == nil { unknown.append(o) }
                // An aliasing op's output shares its input's buffer (when that input is a live intermediate).
                if aliasing.contains(node.opType), let src = node.inputs.first, let entry = live[src] {
                    live[o] = (node.name, expr, 0, entry.owner)
                    owners[entry.owner, default: 0] += 1
                } else {
                    live[o] = (node.name, expr, bytes ?? 0, o)
                    owners[o] = 1
                    ownerBytes[o] = bytes ?? 0
                    current = current.saturatingAdd(bytes ?? 0)   // sizes from declared shapes may be anything
                }
            }
            if current > peak { peak = current; peakNode = node.name.isEmpty ? (node.outputs.first ?? "") : node.name; peakLive = live }
            for name in Set(node.inputs + node.outputs) where !name.isEmpty && !keep.contains(name) && (lastUse[name] ?? -1) <= i {
                guard let entry = live.removeValue(forKey: name) else { continue }
                owners[entry.owner, default: 1] -= 1
                if owners[entry.owner] == 0 {
                    owners.removeValue(forKey: entry.owner)
                    current = current.saturatingSubtract(ownerBytes.removeValue(forKey: entry.owner) ?? 0)
                }
            }
        }
        let owned = peakLive.filter { $0.key == $0.value.owner }
        let formula = DimExpr.sum(of: owned.values.map(\.expr))?.description ?? "?"
        let top = owned.sorted { $0.value.bytes > $1.value.bytes }.prefix(8).map {
            LiveValue(name: $0.key, producer: $0.value.producer, bytes: $0.value.bytes, formula: $0.value.expr?.description ?? "?")
        }
        var callouts: [LiveValue] = []
        for node in runtime where ["Expand", "Tile", "Softmax"].contains(node.opType) {
            for name in (node.opType == "Softmax" ? node.inputs.prefix(1) + node.outputs : node.outputs) where !name.isEmpty {
                let (expr, bytes) = size(name)
                if let bytes, Double(bytes) * 8 >= Double(peak), !callouts.contains(where: { $0.name == name }) {
                    callouts.append(LiveValue(name: name, producer: node.name, bytes: bytes, formula: expr?.description ?? "?"))
                }
            }
        }
        var result = ActivationPeak(peakBytes: peak, peakNode: peakNode, formula: formula, live: Array(top), unknown: unknown, symbols: symbols)
        result.callouts = callouts.sorted { $0.bytes > $1.bytes }
        return result
    }
}

extension DimExpr {
    /// The value with `bindings` for its symbols (symbols without a value count as 1), or nil on overflow.
    public func evaluate(_ bindings: [String: Int64]) -> Int64? {
        var total: Int64 = 0
        for (monomial, coefficient) in terms {
            var v = coefficient
            for s in monomial {
                let (p, o) = v.multipliedReportingOverflow(by: bindings[s] ?? 1)
                guard !o else { return nil }
                v = p
            }
            let (t, o) = total.addingReportingOverflow(v)
            guard !o else { return nil }
            total = t
        }
        return total
    }
}
