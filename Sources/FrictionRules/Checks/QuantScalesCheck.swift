import FrictionAnalysis
import FrictionCore

/// `quant-scales`: quantized weights whose scale tensors are missing, shaped wrong for the
/// scheme's block size, or stored in the wrong dtype. Schemes: FP8 (per-tensor, per-channel,
/// 128×128 blocks), NVFP4 (ModelOpt and compressed-tensors), MXFP4 (gpt-oss `_blocks`/`_scales`,
/// F4 with E8M0 scales), GPTQ and AWQ (`qweight`/`scales`).
struct QuantScalesCheck: CheckKind {
    static let id = "quant-scales"
    static let summary = "scale tensors of quantized weights: missing, wrong shape, wrong dtype"
    static let parameters = [ParamSpec("aspect", .string, required: true, "missing, shape or dtype")]

    enum Aspect: String { case missing, shape, dtype }

    /// What a quantized weight needs from its scale.
    struct Requirement {
        var scheme: String
        var scaleNames: [String]
        var dtypes: Set<DType>
        var shapes: [[UInt64]]?
        /// A second required companion (NVFP4's global scale), with its dtypes.
        var global: (names: [String], dtypes: Set<DType>)?
    }

    let aspect: Aspect

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        guard let a = params.string("aspect").flatMap(Aspect.init) else { throw ParamError("aspect must be missing, shape or dtype", key: "aspect") }
        aspect = a
    }

    static func ceilDiv(_ a: UInt64, _ b: UInt64) -> UInt64 { b == 0 ? 0 : a.ceilingDivided(by: b) }

    func requirement(_ t: TensorInfo, facts: ModelFacts) -> Requirement? {
        let module = TensorNames.module(of: t.name)
        let leaf = TensorNames.leaf(of: t.name)
        let dims = t.shape.fixedDims ?? []
        let quant = facts.model.config?["quantization_config"]
        let half: Set<DType> = [.float16, .bfloat16]
        switch t.type {
        case .dtype(.float8_e4m3fn), .dtype(.float8_e5m2), .dtype(.float8_e4m3fnuz), .dtype(.float8_e5m2fnuz):
            guard leaf == "weight", dims.count == 2 else { return nil }
            var block: [UInt64] = [128, 128]
            if case .array(let b)? = quant?["weight_block_size"] { block = b.compactMap { $0.int64Value.map { UInt64(max(1, $0)) } } }
            let blockShape = block.count == 2 ? [Self.ceilDiv(dims[0], block[0]), Self.ceilDiv(dims[1], block[1])] : []
            let scales = facts.tensorsByName
            if scales[module + ".weight_scale_inv"] != nil {
                return Requirement(scheme: "FP8 block", scaleNames: [module + ".weight_scale_inv"], dtypes: [.float32, .bfloat16], shapes: [blockShape])
            }
            return Requirement(scheme: "FP8", scaleNames: [module + ".weight_scale", module + ".weight_scale_inv"], dtypes: [.float32, .bfloat16, .float16],
                               shapes: [[], [1], [dims[0]], [dims[0], 1], blockShape])
        case .dtype(.float4_e2m1fn):
            guard let inner = dims.last else { return nil }
            let mx = facts.weightFormats["mxfp4"]?.contains(t.name) == true
            let group: UInt64 = mx ? 32 : 16
            let shape = Array(dims.dropLast()) + [Self.ceilDiv(inner, group)]
            return Requirement(scheme: mx ? "MXFP4" : "NVFP4", scaleNames: [module + ".weight_scale", t.name + "_scale"],
                               dtypes: mx ? [.float8_e8m0fnu, .uint8] : [.float8_e4m3fn], shapes: [shape],
                               global: mx ? nil : ([module + ".weight_scale_2", module + ".weight_global_scale"], [.float32]))
        case .dtype(.uint8):
            if t.name.hasSuffix("_blocks"), dims.count >= 2 {
                let base = String(t.name.dropLast("_blocks".count))
                return Requirement(scheme: "MXFP4", scaleNames: [base + "_scales"], dtypes: [.uint8, .float8_e8m0fnu], shapes: [Array(dims.dropLast())])
            }
            guard facts.weightFormats["nvfp4"]?.contains(t.name) == true, dims.count == 2 else { return nil }
            return Requirement(scheme: "NVFP4", scaleNames: [module + ".weight_scale"], dtypes: [.float8_e4m3fn],
                               shapes: [[dims[0], dims[1] / 8]],   // two FP4 codes per byte, one scale per 16
                               global: ([module + ".weight_scale_2", module + ".weight_global_scale"], [.float32]))
        case .dtype(.int32) where leaf == "qweight" && dims.count == 2:
            let method = quant?["quant_method"]?.stringValue?.lowercased()
            let bits = UInt64(max(1, quant?["bits"]?.int64Value ?? 4))
            let pack = 32 / min(bits, 32)
            var shapes: [[UInt64]]?
            if let method, method == "gptq" || method == "awq" {
                let inFeatures = method == "gptq" ? dims[0].saturatingMultiply(pack) : dims[0]
                let outFeatures = method == "gptq" ? dims[1] : dims[1].saturatingMultiply(pack)
                let g = quant?["group_size"]?.int64Value ?? 128
                let group = g <= 0 ? inFeatures : UInt64(g)
                shapes = [[Self.ceilDiv(inFeatures, group), outFeatures]]
            }
            return Requirement(scheme: (method ?? "int4").uppercased(), scaleNames: [module + ".scales"], dtypes: half.union([.float32]), shapes: shapes)
        case .dtype(.int32) where leaf == "weight_packed":
            return Requirement(scheme: "compressed-tensors pack-quantized", scaleNames: [module + ".weight_scale"], dtypes: half.union([.float32]), shapes: nil)
        default:
            return nil
        }
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        let facts = context.facts
        let byName = facts.tensorsByName
        var hits: [Hit] = []
        for t in context.model.tensors where !TensorNames.isAuxiliary(t.name) {
            guard let req = requirement(t, facts: facts) else { continue }
            let scale = req.scaleNames.lazy.compactMap { byName[$0] }.first
            let global = req.global.flatMap { g in g.names.lazy.compactMap { byName[$0] }.first }
            var values = ["scheme": req.scheme]
            switch aspect {
            case .missing:
                if scale == nil {
                    values["scale"] = req.scaleNames[0]
                    hits.append(.tensor(t, values))
                } else if let g = req.global, global == nil {
                    values["scale"] = g.names.joined(separator: " or ")
                    hits.append(.tensor(t, values))
                }
            case .dtype:
                if let scale, case .dtype(let d) = scale.type, !req.dtypes.contains(d) {
                    values["scale"] = scale.name
                    values["found"] = d.rawValue
                    values["expected"] = req.dtypes.map(\.rawValue).sorted().joined(separator: " or ")
                    hits.append(.tensor(t, values))
                }
                if let g = req.global, let global, case .dtype(let d) = global.type, !g.dtypes.contains(d) {
                    values["scale"] = global.name
                    values["found"] = d.rawValue
                    values["expected"] = g.dtypes.map(\.rawValue).sorted().joined(separator: " or ")
                    hits.append(.tensor(t, values))
                }
            case .shape:
                guard let scale, let shapes = req.shapes, let found = scale.shape.fixedDims else { continue }
                if !shapes.contains(found) && !(found.allSatisfy { $0 == 1 } && shapes.contains([])) {
                    values["scale"] = scale.name
                    values["found"] = Shape(fixed: found).description
                    values["expected"] = shapes.filter { !$0.isEmpty }.map { Shape(fixed: $0).description }.joined(separator: " or ")
                    hits.append(.tensor(t, values))
                }
            }
        }
        return hits
    }
}
