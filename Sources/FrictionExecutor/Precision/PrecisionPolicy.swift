import Foundation
import FrictionCore

/// The formats one op computes in: its activations in, its weights (initializer inputs), its
/// outputs, and the GEMM accumulator.
public struct OpPrecision: Sendable, Hashable, CustomStringConvertible {
    public var input: EmulatedFormat
    public var weight: EmulatedFormat
    public var output: EmulatedFormat
    /// Accumulate GEMMs in FP16 (rounded after every multiply-add) instead of FP32.
    public var accumulateFP16: Bool

    public init(input: EmulatedFormat, weight: EmulatedFormat? = nil, output: EmulatedFormat? = nil, accumulateFP16: Bool = false) {
        self.input = input
        self.weight = weight ?? input
        self.output = output ?? input
        self.accumulateFP16 = accumulateFP16
    }

    public static let fp32 = OpPrecision(input: .fp32)

    public var description: String {
        input == weight && weight == output ? input.description
            : "in \(input), weights \(weight), out \(output)" + (accumulateFP16 ? ", fp16 accumulation" : "")
    }
}

/// Which format each node runs in: a default, per-op-type rules for GEMM-like ops and others,
/// per-layer-range rules and per-node overrides (most specific wins: node, layer range, op
/// type, GEMM class, default). Q/DQ and integer ops always run as written.
public struct PrecisionPolicy: Sendable {
    public var name: String
    public var defaultRule: OpPrecision
    /// Rule for ops that multiply matrices (MatMul, Gemm, Conv, …), when set.
    public var gemmRule: OpPrecision?
    public var opTypes: [String: OpPrecision] = [:]
    public var nodes: [String: OpPrecision] = [:]
    /// Layer ranges: `(first layer, last layer)` inclusive (negative counts from the end).
    public var layers: [(ClosedRange<Int>, OpPrecision)] = []
    public var saturate = false
    public var stochastic = false
    public var seed: UInt64 = 0

    public init(name: String, defaultRule: OpPrecision, gemmRule: OpPrecision? = nil) {
        self.name = name
        self.defaultRule = defaultRule
        self.gemmRule = gemmRule
    }

    /// Ops whose main work is a matrix product.
    public static let gemmOps: Set<String> = ["MatMul", "Gemm", "Conv", "ConvTranspose", "Einsum", "Attention", "MatMulNBits"]
    /// Ops that run exactly as written whatever the policy (explicit quantization, integer math, shapes).
    public static let exact: Set<String> = [
        "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger", "QLinearMatMul", "ConvInteger",
        "Shape", "Size", "Cast", "CastLike", "Constant", "ConstantOfShape", "Range", "NonZero", "If", "Loop", "Scan",
    ]

    /// The presets by name.
    public static func preset(_ name: String) -> PrecisionPolicy? {
        let bf16 = OpPrecision(input: .bf16)
        switch name.lowercased() {
        case "fp32": return PrecisionPolicy(name: "fp32", defaultRule: .fp32)
        case "bf16": return PrecisionPolicy(name: "bf16", defaultRule: bf16)
        case "fp16": return PrecisionPolicy(name: "fp16", defaultRule: OpPrecision(input: .fp16))
        case "tf32": return PrecisionPolicy(name: "tf32", defaultRule: .fp32, gemmRule: OpPrecision(input: .tf32, output: .fp32))
        case "fp8", "fp8-current":
            return PrecisionPolicy(name: "fp8", defaultRule: bf16, gemmRule: OpPrecision(input: .fp8(e5m2: false, delayed: false), output: .bf16))
        case "fp8-delayed":
            return PrecisionPolicy(name: "fp8-delayed", defaultRule: bf16, gemmRule: OpPrecision(input: .fp8(e5m2: false, delayed: true), output: .bf16))
        case "nvfp4": return PrecisionPolicy(name: "nvfp4", defaultRule: bf16, gemmRule: OpPrecision(input: .nvfp4, output: .bf16))
        case "mxfp8": return PrecisionPolicy(name: "mxfp8", defaultRule: bf16, gemmRule: OpPrecision(input: .mxfp8, output: .bf16))
        case "mxfp4": return PrecisionPolicy(name: "mxfp4", defaultRule: bf16, gemmRule: OpPrecision(input: .mxfp4, output: .bf16))
        case "int8": return PrecisionPolicy(name: "int8", defaultRule: .fp32, gemmRule: OpPrecision(input: .int8, output: .fp32))
        case "w4a16":
            return PrecisionPolicy(name: "w4a16", defaultRule: OpPrecision(input: .fp16), gemmRule: OpPrecision(input: .fp16, weight: .int4(group: 128), output: .fp16))
        default: return nil
        }
    }

    public static let presetNames = ["fp32", "bf16", "fp16", "tf32", "fp8", "fp8-delayed", "nvfp4", "mxfp8", "mxfp4", "int8", "w4a16"]

    /// The rule for `node`, whose layer index (from its name) is `layer` of `layerCount`.
    public func rule(for node: GraphNode, layer: Int?, layerCount: Int) -> OpPrecision {
        if Self.exact.contains(node.opType) { return .fp32 }
        if let r = nodes[node.name] { return r }
        if let layer {
            for (range, r) in layers.reversed() {
                let lo = range.lowerBound < 0 ? layerCount + range.lowerBound : range.lowerBound
                let hi = range.upperBound < 0 ? layerCount + range.upperBound : range.upperBound
                if layer >= lo && layer <= hi { return r }
            }
        }
        if let r = opTypes[node.opType] { return r }
        if let g = gemmRule, Self.gemmOps.contains(node.opType) { return g }
        return defaultRule
    }

    /// The layer index in a node name (`layers.3`, `/h.11/`, `blocks_2`, `layer.0`), if any.
    public static func layerIndex(_ name: String) -> Int? {
        let parts = name.split(whereSeparator: { "/.:_".contains($0) })
        for (i, p) in parts.enumerated() where i + 1 < parts.count {
            if ["layers", "layer", "h", "blocks", "block"].contains(p.lowercased()), let n = Int(parts[i + 1]) { return n }
        }
        return nil
    }

    // MARK: - Policy files

    /// A policy from a parsed YAML / JSON document:
    /// `preset`, `default`, `gemm`, `op_types: {Op: rule}`, `nodes: {name: rule}`,
    /// `layers: [{first: 0, last: 3, precision: rule} | {last_n: 2, precision: rule}]`, `saturate`,
    /// `stochastic_rounding`, `seed`; a rule is a format name or `{input, weight, output, accumulate}`.
    public static func parse(_ doc: JSONValue) throws(ExecutionError) -> PrecisionPolicy {
        func bad(_ m: String) -> ExecutionError { ExecutionError("bad-policy", m) }
        var p = PrecisionPolicy(name: "custom", defaultRule: .fp32)
        if let preset = doc["preset"]?.stringValue {
            guard let base = Self.preset(preset) else { throw bad("unknown preset '\(preset)' (\(presetNames.joined(separator: ", ")))") }
            p = base
            p.name = preset + "+custom"
        }
        if let d = doc["default"] { p.defaultRule = try rule(d, bad) }
        if let g = doc["gemm"] { p.gemmRule = try rule(g, bad) }
        if case .object(let members)? = doc["op_types"] { for m in members { p.opTypes[m.key] = try rule(m.value, bad) } }
        if case .object(let members)? = doc["nodes"] { for m in members { p.nodes[m.key] = try rule(m.value, bad) } }
        if case .array(let items)? = doc["layers"] {
            for item in items {
                guard let r = item["precision"] else { throw bad("a layers entry needs 'precision'") }
                let range: ClosedRange<Int>
                if let n = item["last_n"]?.int64Value, n > 0 {
                    range = Int(-n)...(-1)
                } else if let f = item["first"]?.int64Value, let l = item["last"]?.int64Value, f <= l {
                    range = Int(f)...Int(l)
                } else { throw bad("a layers entry needs first/last or last_n") }
                p.layers.append((range, try rule(r, bad)))
            }
        }
        if case .bool(let b)? = doc["saturate"] { p.saturate = b }
        if case .bool(let b)? = doc["stochastic_rounding"] { p.stochastic = b }
        if let s = doc["seed"]?.int64Value { p.seed = UInt64(bitPattern: s) }
        return p
    }

    static func rule(_ v: JSONValue, _ bad: (String) -> ExecutionError) throws(ExecutionError) -> OpPrecision {
        if let name = v.stringValue {
            guard let f = EmulatedFormat(name: name) else { throw bad("unknown format '\(name)'") }
            return OpPrecision(input: f)
        }
        func format(_ key: String) throws(ExecutionError) -> EmulatedFormat? {
            guard let n = v[key]?.stringValue else { return nil }
            guard let f = EmulatedFormat(name: n) else { throw bad("unknown format '\(n)'") }
            return f
        }
        let i = try format("input"), w = try format("weight"), o = try format("output")
        guard let input = i ?? w ?? o else { throw bad("a rule needs input, weight or output") }
        return OpPrecision(input: input, weight: w, output: o, accumulateFP16: v["accumulate"]?.stringValue == "fp16")
    }

    /// This policy with `nodes` kept in FP32, as a policy file (YAML) that ``parse(_:)`` reads back.
    public func yaml(keepingFP32 keep: [String], base: String) -> String {
        var lines = ["# friction replay: nodes to keep in FP32 so the outputs meet the tolerance", "preset: \(base)"]
        if !keep.isEmpty {
            lines.append("nodes:")
            for n in keep { lines.append("  \(JSONValue.string(n).serialized()): fp32") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
