import Foundation
import FrictionCore
import FrictionNumerics

/// QuantizeLinear / DequantizeLinear (per tensor, per axis and blocked; integer, float8 and
/// float4 targets) and DynamicQuantizeLinear, following onnx's reference implementation.
extension Kernels {
    static let quantization: [KernelSpec] = [
        KernelSpec("QuantizeLinear", versions: 10...KernelSpec.latestOpset) { ctx throws(ExecutionError) in [try Quantization.quantize(ctx)] },
        KernelSpec("DequantizeLinear", versions: 10...KernelSpec.latestOpset) { ctx throws(ExecutionError) in [try Quantization.dequantize(ctx)] },
        KernelSpec("DynamicQuantizeLinear", versions: 11...KernelSpec.latestOpset) { ctx throws(ExecutionError) in try Quantization.dynamic(ctx) },
    ]
}

enum Quantization {
    static let integerRanges: [DType: (Int64, Int64)] = [
        .uint8: (0, 255), .int8: (-128, 127), .uint16: (0, 65535), .int16: (-32768, 32767),
        .uint4: (0, 15), .int4: (-8, 7), .uint2: (0, 3), .int2: (-2, 1),
    ]

    /// For each element of `shape`, the index of its scale: one scale, one per slice along
    /// `axis`, or one per block of `block` elements along `axis`.
    static func scaleIndex(_ ctx: KernelContext, shape: [Int], scale: [Int], axis rawAxis: Int, block: Int) throws(ExecutionError) -> [Int] {
        let n = shape.reduce(1, *)
        let scaleCount = scale.reduce(1, *)
        if scaleCount == 1 { return [Int](repeating: 0, count: n) }
        let axis = try ctx.axis(rawAxis, rank: shape.count)
        let dim = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        if block <= 0 {
            guard scale.count == 1, scaleCount == dim else { throw ctx.fail("scale of shape \(scale) does not match axis \(axis) of \(shape)") }
            return (0..<n).map { ($0 / inner) % dim }
        }
        let blocks = NNUtil.ceilDiv(dim, block)
        guard scale.count == shape.count, scale[axis] == blocks,
              scale.indices.allSatisfy({ $0 == axis || scale[$0] == shape[$0] }) else {
            throw ctx.fail("blocked scale of shape \(scale) does not match \(shape) with block_size \(block) on axis \(axis)")
        }
        return (0..<n).map { i in
            let outer = i / (dim * inner), c = (i / inner) % dim, r = i % inner
            return (outer * blocks + c / block) * inner + r
        }
    }

    /// Rounds a float32 value to `type`'s precision (NumPy computes narrow-float arithmetic in
    /// float32 and rounds each result back).
    static func roundTo(_ type: DType, _ v: [Float]) -> [Float] {
        type == .float32 || type == .float64 ? v : Tensor.fromFloats(v, type: type, shape: [v.count]).floats()
    }

    static func quantize(_ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        let x = try ctx.input(0), scaleT = try ctx.input(1), zpT = ctx.optional(2)
        if let zpT, zpT.count != scaleT.count {
            throw ctx.fail("zero point has \(zpT.count) elements but the scale has \(scaleT.count); they must have one shape")
        }
        var outType = DType.uint8
        if let code = ctx.node.int("output_dtype"), code != 0 {
            guard let t = DType.onnx(code) else { throw ctx.fail("unknown output_dtype \(code)") }
            outType = t
        }
        if let zp = zpT { outType = zp.type }
        let idx = try scaleIndex(ctx, shape: x.shape, scale: scaleT.shape, axis: ctx.int("axis", 1), block: ctx.int("block_size", 0))
        let s = scaleT.floats(), xv = x.floats()
        var precision = x.type
        if let p = ctx.node.int("precision"), p != 0, let t = DType.onnx(p) { precision = t }
        let scaled = roundTo(precision == .float64 ? .float32 : precision, zip(xv, idx).map { v, k in v / s[k] })
        let zp: [Int64]? = zpT.map { $0.int64s() }
        if let (lo, hi) = integerRanges[outType] {
            let q = scaled.enumerated().map { i, v -> Int64 in
                let r = v.rounded(.toNearestOrEven)
                var qi = r.isFinite ? Int64(Swift.max(Swift.min(r, 2.1e9), -2.1e9)) : 0
                if let zp { qi += zp[idx[i] < zp.count ? idx[i] : 0] }
                return Swift.min(Swift.max(qi, lo), hi)
            }
            return Tensor.fromInt64s(q, type: outType, shape: x.shape)
        }
        guard let format = ScalarFormat(outType) else { throw ctx.fail("QuantizeLinear to \(outType) is not supported", code: "unsupported-dtype") }
        let saturate = ctx.int("saturate", 1) == 1
        var values = scaled
        if outType == .float4_e2m1fn || outType == .float6_e2m3fn || outType == .float6_e3m2fn, let zpT {
            let z = zpT.floats()
            values = values.enumerated().map { i, v in v + z[idx[i] < z.count ? idx[i] : 0] }
        }
        let codes = values.map { UInt8(truncatingIfNeeded: ONNXCast.encode($0, to: format, saturate: saturate)) }
        return Tensor.from(codes, type: outType, shape: x.shape)
    }

    static func dequantize(_ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        let x = try ctx.input(0), scaleT = try ctx.input(1), zpT = ctx.optional(2)
        if let zpT, zpT.count != scaleT.count {
            throw ctx.fail("zero point has \(zpT.count) elements but the scale has \(scaleT.count); they must have one shape")
        }
        let idx = try scaleIndex(ctx, shape: x.shape, scale: scaleT.shape, axis: ctx.int("axis", 1), block: ctx.int("block_size", 0))
        let s = scaleT.floats(), xv = x.floats()
        let zp: [Float]? = zpT.flatMap { x.type.traits.family == .float ? nil : $0.int64s().map(Float.init) }
        var y = [Float](repeating: 0, count: xv.count)
        for i in 0..<xv.count {
            let k = idx[i]
            let dx = zp.map { xv[i] - $0[k < $0.count ? k : 0] } ?? xv[i]
            y[i] = dx * s[k]
        }
        var outType = scaleT.type
        if let code = ctx.node.int("output_dtype"), code != 0, let t = DType.onnx(code) { outType = t }
        return Tensor.fromFloats(y, type: outType, shape: x.shape)
    }

    static func dynamic(_ ctx: KernelContext) throws(ExecutionError) -> [Tensor] {
        let x = try ctx.input(0)
        let v = x.floats()
        let maxx = Swift.max(0, v.max() ?? 0), minx = Swift.min(0, v.min() ?? 0)
        let scale: Float = (maxx == minx ? 1 : (maxx - minx)) / 255
        let initial = 0 - minx / scale
        let zp = Swift.max(0, Swift.min(255, initial)).rounded(.toNearestOrEven)
        let y = v.map { UInt8(Swift.max(0, Swift.min(255, ($0 / scale).rounded(.toNearestOrEven) + zp))) }
        return [Tensor.from(y, type: .uint8, shape: x.shape), Tensor.fromFloats([scale], type: x.type, shape: []),
                Tensor.from([UInt8(zp)], type: .uint8, shape: [])]
    }
}
