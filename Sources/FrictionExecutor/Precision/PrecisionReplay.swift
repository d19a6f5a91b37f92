import Foundation
import FrictionCore

/// Replays a graph in emulated low precision next to the FP32 reference, node by node in one
/// pass (each value released after its last consumer), and measures where the numbers move.
/// Emulation: a node's float inputs are rounded to the policy's input / weight formats, the
/// FP32 kernel computes (exact products of the rounded values, FP32 accumulation, or FP16
/// accumulation when the rule asks), and its float outputs are rounded to the output format.
public final class PrecisionReplay {
    public enum Mode: String, Sendable, CaseIterable {
        /// Each node is fed the reference inputs: which op is fragile by itself.
        case local
        /// Emulated values flow on: the error as it accumulates.
        case propagated
    }

    public struct Options: Sendable {
        public var mode: Mode = .propagated
        /// A node "breaks" when its relative RMS error passes this, or it makes non-finite values.
        public var threshold = 0.05
        /// Output tolerance for localization (|emu − ref| ≤ atol + rtol·|ref|).
        public var rtol = 1e-2
        public var atol = 1e-3
        public var temperature = 1.0
        public var topK = 5
        public init() {}
    }

    /// One node's outputs compared.
    public struct NodeResult: Sendable {
        public var index: Int
        public var name: String
        public var op: String
        public var output: String
        public var rule: String
        public var metrics: ErrorMetrics
        public var breaks: Bool
    }

    /// A graph output compared with the reference (or golden) values.
    public struct OutputResult: Sendable {
        public var name: String
        public var metrics: ErrorMetrics
        public var logits: LogitAgreement?
        /// The smallest atol (with rtol 0) and rtol (with atol 0) that would pass.
        public var minAtol: Double
        public var minRtol: Double
        public var passes: Bool
    }

    public struct Report: Sendable {
        public var policy: String
        public var mode: Mode
        public var semantics: String
        public var nodes: [NodeResult]
        public var outputs: [OutputResult]
        public var firstBreak: NodeResult?
        public var comparedAgainst: String
        /// Nodes to keep in FP32 (from ``PrecisionReplay/localize(_:feeds:)``), when searched.
        public var keepFP32: [String]?
        public var localizeEvaluations = 0
    }

    public let executor: Executor
    public var policy: PrecisionPolicy
    public var options: Options
    /// Golden outputs (from the training framework) compared instead of the FP32 reference.
    public var golden: [String: Tensor] = [:]
    /// Weights already rounded, by initializer name and format (weights are constants: rounding
    /// them once serves every node and every localization replay).
    private var roundedWeights: [String: Tensor] = [:]

    public init(executor: Executor, policy: PrecisionPolicy, options: Options = Options()) {
        self.executor = executor
        self.policy = policy
        self.options = options
    }

    /// How emulation computes, for every report.
    public var semantics: String {
        "inputs and weights rounded to the rule's formats (round to nearest even\(policy.stochastic ? ", stochastic rounding seeded \(policy.seed)" : "")), "
            + "exact products, FP32 accumulation (FP16 where a rule asks), outputs rounded to the output format; "
            + "overflow \(policy.saturate ? "saturates to the largest finite value" : "becomes ±inf (NaN where the format has no inf)"); "
            + "TF32 rounds GEMM operands to 10 mantissa bits; FP8 scales per tensor by amax (delayed: the FP32 reference's amax); "
            + "NVFP4 uses 16-element blocks with E4M3 scales and an FP32 tensor scale, MXFP 32-element blocks with E8M0 scales, "
            + "INT8 symmetric per output channel for weights and per tensor for activations; Q/DQ and integer ops run as written; "
            + "nodes inside If/Loop/Scan bodies run in FP32"
    }

    /// Runs the replay.
    public func run(_ feeds: [String: Tensor]) throws(ExecutionError) -> Report {
        try runGraph(feeds, collect: true)
    }

    /// The emulated values of the graph outputs (propagated), as float32.
    public func emulatedValues(_ feeds: [String: Tensor]) throws(ExecutionError) -> [String: [Float]] {
        var out: [String: [Float]] = [:]
        lastEmulated = [:]
        _ = try runGraph(feeds, collect: false)
        for (k, v) in lastEmulated { out[k] = v.floats() }
        return out
    }

    /// The emulated graph outputs of the last run.
    private(set) var lastEmulated: [String: Tensor] = [:]

    func runGraph(_ feeds: [String: Tensor], collect: Bool) throws(ExecutionError) -> Report {
        try executor.prepare()
        let graph = executor.graph
        let reference = Scope(parent: nil), emulated = Scope(parent: nil)
        for (name, t) in executor.initializers { reference.values[name] = t; emulated.values[name] = t }
        for input in graph.inputs {
            guard let t = feeds[input.name] ?? reference.values[input.name] else { throw ExecutionError("missing-input", "graph input \(input.name) was not given") }
            reference.values[input.name] = t; emulated.values[input.name] = t
        }
        let remaining = graph.nodes.enumerated().filter { !executor.folded.contains($0.offset) }.map(\.element)
        let local = Set(remaining.flatMap(\.outputs))
        guard let nodes = Executor.ordered(remaining, available: { !local.contains($0) && reference.lookup($0) != nil }) else {
            throw ExecutionError("graph-cycle", "the graph has a cycle or reads a value nobody produces")
        }
        var lastUse: [String: Int] = [:]
        for (i, n) in nodes.enumerated() { for name in Executor.reads(n) { lastUse[name] = i } }
        let keep = Set(graph.outputs.map(\.name))
        let weights = Set(executor.initializers.keys)
        let layers = nodes.compactMap { PrecisionPolicy.layerIndex($0.name) }
        let layerCount = (layers.max() ?? -1) + 1
        let rounding = FormatRounding(saturate: policy.saturate, stochastic: policy.stochastic, seed: policy.seed)
        var results: [NodeResult] = []
        var firstBreak: NodeResult?
        for (i, node) in nodes.enumerated() {
            var refIn: [Tensor?] = []
            var emuIn: [Tensor?] = []
            for name in node.inputs {
                if name.isEmpty { refIn.append(nil); emuIn.append(nil); continue }
                guard let r = reference.lookup(name) else { throw ExecutionError("missing-value", "input \(name) is not available", node: node.name) }
                refIn.append(r)
                emuIn.append(options.mode == .local ? r : emulated.lookup(name) ?? r)
            }
            let refOut = try executor.call(node, inputs: refIn, scope: reference, opsets: executor.opsets)
            let rule = policy.rule(for: node, layer: PrecisionPolicy.layerIndex(node.name), layerCount: layerCount)
            let emuOut = try emulate(node, inputs: emuIn, referenceInputs: refIn, rule: rule, weights: weights, rounding: rounding,
                                     scope: options.mode == .local ? reference : emulated)
            for (k, name) in node.outputs.enumerated() where !name.isEmpty && k < refOut.count && k < emuOut.count {
                reference.values[name] = refOut[k]
                if options.mode == .propagated { emulated.values[name] = emuOut[k] }
                guard collect, refOut[k].type.traits.family == .float else { continue }
                let m = ErrorMetrics.compare(refOut[k].floats(), emuOut[k].floats(), format: rule.output)
                let breaks = m.nonFinite > 0 || m.relativeRMS > options.threshold
                let r = NodeResult(index: i, name: node.name.isEmpty ? name : node.name, op: node.opType, output: name,
                                   rule: rule.description, metrics: m, breaks: breaks)
                results.append(r)
                if breaks, firstBreak == nil { firstBreak = r }
            }
            for name in Executor.reads(node) where lastUse[name] == i && !keep.contains(name) && local.contains(name) {
                reference.values.removeValue(forKey: name); emulated.values.removeValue(forKey: name)
            }
            for name in node.outputs where !name.isEmpty && lastUse[name] == nil && !keep.contains(name) {
                reference.values.removeValue(forKey: name); emulated.values.removeValue(forKey: name)
            }
        }
        var outputs: [OutputResult] = []
        for o in graph.outputs {
            if let e = (options.mode == .local ? reference : emulated).lookup(o.name) { lastEmulated[o.name] = e }
            guard let r = golden[o.name] ?? reference.lookup(o.name),
                  let e = (options.mode == .local ? reference : emulated).lookup(o.name), r.type.traits.family == .float else { continue }
            let rv = r.floats(), ev = e.floats()
            let m = ErrorMetrics.compare(rv, ev, format: .fp32)
            var passes = m.nonFinite == 0 && rv.count == ev.count
            if passes {
                for j in 0..<rv.count where rv[j].isFinite && !(abs(Double(ev[j]) - Double(rv[j])) <= options.atol + options.rtol * abs(Double(rv[j]))) {
                    passes = false
                    break
                }
            }
            let logits = collect ? LogitAgreement.compare(rv, ev, width: r.shape.last ?? 1, temperature: options.temperature, k: options.topK) : nil
            outputs.append(OutputResult(name: o.name, metrics: m, logits: logits, minAtol: m.maxAbs, minRtol: m.maxRel, passes: passes))
        }
        return Report(policy: policy.name, mode: options.mode, semantics: semantics, nodes: results, outputs: outputs, firstBreak: firstBreak,
                      comparedAgainst: golden.isEmpty ? "FP32 reference" : "golden outputs")
    }

    /// The contraction axis block formats run along, per GEMM input (nil: the last axis).
    static func contractionAxis(_ node: GraphNode, input k: Int, rank: Int) -> Int? {
        switch (node.opType, k) {
        case ("MatMul", 1): return rank >= 2 ? rank - 2 : 0
        case ("Gemm", 0): return node.int("transA") == 1 ? 0 : 1
        case ("Gemm", 1): return node.int("transB") == 1 ? 1 : 0
        case ("Conv", 0), ("ConvTranspose", 0): return 1
        default: return nil
        }
    }

    /// Runs `node` with its float inputs and outputs rounded as `rule` says.
    func emulate(_ node: GraphNode, inputs: [Tensor?], referenceInputs: [Tensor?], rule: OpPrecision, weights: Set<String>,
                 rounding: FormatRounding, scope: Scope) throws(ExecutionError) -> [Tensor] {
        if rule == .fp32 { return try executor.call(node, inputs: inputs, scope: scope, opsets: executor.opsets) }
        var rounded: [Tensor?] = []
        for (k, t) in inputs.enumerated() {
            guard let t, t.type.traits.family == .float, t.type != .float64 else { rounded.append(t); continue }
            let isWeight = k < node.inputs.count && weights.contains(node.inputs[k])
            let format = isWeight ? rule.weight : rule.input
            if format == .fp32 { rounded.append(t.type == .float32 ? t : Tensor.floats(t.floats(), shape: t.shape)); continue }
            let cacheKey = "\(node.opType)|\(k)|\(format)|\(node.int("transB") ?? 0)|" + (k < node.inputs.count ? node.inputs[k] : "")
            if isWeight, let cached = roundedWeights[cacheKey] { rounded.append(cached); continue }
            var v = t.floats()
            var shape = t.shape
            var axis = Self.contractionAxis(node, input: k, rank: t.rank)
            if isWeight, node.opType == "Conv", t.rank > 2 {
                // Conv weights [M, C, kh, kw]: each output channel contracts over C·kh·kw.
                shape = [t.shape[0], t.shape[1...].reduce(1, *)]
                axis = 1
            }
            let refAmax: Float? = {
                guard case .fp8(_, true) = format, let r = referenceInputs[k] else { return nil }
                return FormatRounding.amax(r.floats())
            }()
            rounding.apply(format, &v, shape: shape, axis: axis, weight: isWeight, referenceAmax: refAmax)
            let r = Tensor.floats(v, shape: t.shape)
            if isWeight { roundedWeights[cacheKey] = r }
            rounded.append(r)
        }
        var outs: [Tensor]
        if rule.accumulateFP16, node.opType == "MatMul" || node.opType == "Gemm", let a = rounded.first ?? nil, rounded.count > 1, let b = rounded[1] {
            outs = [try Self.fp16AccumulatingMatMul(a, b, node: node)]
        } else {
            outs = try executor.call(node, inputs: rounded, scope: scope, opsets: executor.opsets)
        }
        for i in outs.indices where outs[i].type.traits.family == .float && outs[i].type != .float64 && rule.output != .fp32 {
            var v = outs[i].floats()
            rounding.apply(rule.output, &v, shape: outs[i].shape)
            outs[i] = Tensor.floats(v, shape: outs[i].shape)
        }
        return outs
    }

    /// A[.., m, k] × B[k, n] with the running sum rounded to FP16 after every multiply-add.
    static func fp16AccumulatingMatMul(_ a: Tensor, _ b: Tensor, node: GraphNode) throws(ExecutionError) -> Tensor {
        let transA = node.opType == "Gemm" && node.int("transA") == 1, transB = node.opType == "Gemm" && node.int("transB") == 1
        guard a.rank >= 2, b.rank == 2 else { throw ExecutionError("unsupported-type", "FP16 accumulation needs B of rank 2", node: node.name) }
        let m = transA ? a.shape[a.rank - 1] : a.shape[a.rank - 2], k = transA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
        let n = transB ? b.shape[0] : b.shape[1]
        guard (transB ? b.shape[1] : b.shape[0]) == k else { throw ExecutionError("bad-node", "shapes do not agree", node: node.name) }
        let batch = a.count / max(m * k, 1)
        let x = a.floats(), w = b.floats()
        var out = [Float](repeating: 0, count: batch * m * n)
        for bi in 0..<batch {
            for r in 0..<m {
                for c in 0..<n {
                    var acc: Float = 0
                    for p in 0..<k {
                        let av = x[bi * m * k + (transA ? p * m + r : r * k + p)], bv = w[transB ? c * k + p : p * n + c]
                        acc = Float(Float16(acc + av * bv))
                    }
                    out[bi * m * n + r * n + c] = acc
                }
            }
        }
        return Tensor.floats(out, shape: Array(a.shape.dropLast(2)) + [m, n])
    }

    // MARK: - Localization

    /// Whether the outputs meet the tolerance with `keep` in FP32.
    func passes(keeping keep: Set<String>, feeds: [String: Tensor]) throws(ExecutionError) -> Bool {
        let saved = policy
        defer { policy = saved }
        for n in keep { policy.nodes[n] = .fp32 }
        let saveMode = options.mode
        options.mode = .propagated
        defer { options.mode = saveMode }
        return try runGraph(feeds, collect: false).outputs.allSatisfy(\.passes)
    }

    /// A small set of nodes to keep in FP32 so the outputs meet the tolerance: bisection on the
    /// prefix of the node order that must be FP32, then greedy pruning of that prefix (at most
    /// `budget` replays). Returns the node names and the number of replays.
    public func localize(_ report: inout Report, feeds: [String: Tensor], budget: Int = 200) throws(ExecutionError) {
        let order = executor.graph.nodes.enumerated().filter { !executor.folded.contains($0.offset) && !PrecisionPolicy.exact.contains($0.element.opType) }
            .map { $0.element.name }.filter { !$0.isEmpty }
        var evaluations = 0
        func test(_ keep: Set<String>) throws(ExecutionError) -> Bool { evaluations += 1; return try passes(keeping: keep, feeds: feeds) }
        if try test([]) { report.keepFP32 = []; report.localizeEvaluations = evaluations; return }
        guard try test(Set(order)) else { report.keepFP32 = nil; report.localizeEvaluations = evaluations; return }
        // Bisection: the shortest prefix kept in FP32 that passes.
        var lo = 0, hi = order.count
        while lo < hi, evaluations < budget {
            let mid = (lo + hi) / 2
            if try test(Set(order[..<mid])) { hi = mid } else { lo = mid + 1 }
        }
        var keep = Set(order[..<hi])
        // Greedy pruning, latest nodes first (errors usually start early and propagate).
        for name in order[..<hi].reversed() where evaluations < budget {
            var trial = keep
            trial.remove(name)
            if try test(trial) { keep = trial }
        }
        report.keepFP32 = order.filter { keep.contains($0) }
        report.localizeEvaluations = evaluations
    }
}
