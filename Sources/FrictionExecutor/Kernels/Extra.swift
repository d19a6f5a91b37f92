import Foundation
import FrictionCore

/// Smaller ops beyond the required set: DepthToSpace, SpaceToDepth, Compress, EyeLike, Shrink,
/// ReverseSequence, CumProd, SwiGLU, BitCast and QLinearMatMul (onnx reference semantics).
extension Kernels {
    static let extra: [KernelSpec] = [
        KernelSpec("DepthToSpace") { ctx throws(ExecutionError) in
            let x = try ctx.input(0), bs = ctx.int("blocksize", 0)
            guard x.rank == 4, bs > 0, bs <= 1 << 20, x.shape[1] % (bs * bs) == 0 else { throw ctx.fail("DepthToSpace needs 4-D input with channels divisible by blocksize²") }
            let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
            try ctx.checkSize([b, c / (bs * bs), h, bs, w, bs], x.type)   // h·bs and w·bs must not overflow
            let crd = ctx.string("mode", "DCR") == "CRD"
            let six = crd ? [b, c / (bs * bs), bs, bs, h, w] : [b, bs, bs, c / (bs * bs), h, w]
            let perm = crd ? [0, 1, 4, 2, 5, 3] : [0, 3, 4, 1, 5, 2]
            return [Extra.permute(x, six, perm).reshaped([b, c / (bs * bs), h * bs, w * bs])]
        },
        KernelSpec("SpaceToDepth") { ctx throws(ExecutionError) in
            let x = try ctx.input(0), bs = ctx.int("blocksize", 0)
            guard x.rank == 4, bs > 0, bs <= 1 << 20, x.shape[2] % bs == 0, x.shape[3] % bs == 0 else { throw ctx.fail("SpaceToDepth needs 4-D input with H, W divisible by blocksize") }
            let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
            try ctx.checkSize([b, c, bs, bs, h / bs, w / bs], x.type)   // c·bs² must not overflow
            let perm = ctx.string("mode", "DCR") == "CRD" ? [0, 1, 3, 5, 2, 4] : [0, 3, 5, 1, 2, 4]
            return [Extra.permute(x, [b, c, h / bs, bs, w / bs, bs], perm).reshaped([b, c * bs * bs, h / bs, w / bs])]
        },
        KernelSpec("EyeLike", versions: 9...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let x = try ctx.input(0)
            guard x.rank == 2 else { throw ctx.fail("EyeLike needs a 2-D input") }
            var type = x.type
            if let code = ctx.node.int("dtype"), let t = DType.onnx(code) { type = t }
            let k = ctx.int("k", 0), (r, c) = (x.shape[0], x.shape[1])
            var v = [Int64](repeating: 0, count: r * c)
            for i in 0..<r where k >= -i && k < c - i { v[i * c + i + k] = 1 }   // no i + k overflow for any k
            return [Tensor.fromInt64s(v, type: type, shape: [r, c])]
        },
        KernelSpec("Shrink", versions: 9...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let bias = ctx.float("bias", 0), lambd = ctx.float("lambd", 0.5)
            return [try Elementwise.unary(ctx, float: { $0 < -lambd ? $0 + bias : $0 > lambd ? $0 - bias : 0 },
                                          double: { $0 < -Double(lambd) ? $0 + Double(bias) : $0 > Double(lambd) ? $0 - Double(bias) : 0 },
                                          integer: { Double($0) < -Double(lambd) ? $0 &+ Int64(saturating: Double(bias)) : Double($0) > Double(lambd) ? $0 &- Int64(saturating: Double(bias)) : 0 })]
        },
        KernelSpec("Compress", versions: 9...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let x = try ctx.input(0), cond = try ctx.input(1).int64s()
            if let a = ctx.node.int("axis") {
                let axis = try ctx.axis(Int(a), rank: x.rank)
                let keep = (0..<min(cond.count, x.shape[axis])).filter { cond[$0] != 0 }
                let parts = keep.map { x.slice(axis: axis, index: $0) }
                if parts.isEmpty { var s = x.shape; s[axis] = 0; return [Tensor(zeros: x.type, s)] }
                guard let out = Tensor.stack(parts, axis: axis) else { throw ctx.fail("Compress could not stack slices") }
                return [out]
            }
            let flat = x.reshaped([x.count])
            let keep = (0..<min(cond.count, x.count)).filter { cond[$0] != 0 }
            if keep.isEmpty { return [Tensor(zeros: x.type, [0])] }
            guard let out = Tensor.stack(keep.map { flat.slice(axis: 0, index: $0) }, axis: 0) else { throw ctx.fail("Compress failed") }
            return [out]
        },
        KernelSpec("ReverseSequence", versions: 10...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let x = try ctx.input(0), lengths = try ctx.input(1).int64s()
            let batchAxis = ctx.int("batch_axis", 1), timeAxis = ctx.int("time_axis", 0)
            guard x.rank >= 2, Set([batchAxis, timeAxis]) == [0, 1] else { throw ctx.fail("ReverseSequence needs batch/time axes 0 and 1") }
            let inner = x.shape[2...].reduce(1, *), size = x.elementSize
            let out = Tensor(zeros: x.type, x.shape)
            let (d0, d1) = (x.shape[0], x.shape[1])
            let timeSteps = x.shape[timeAxis]
            guard lengths.allSatisfy({ $0 >= 0 && $0 <= Int64(timeSteps) }) else {
                throw ctx.fail("ReverseSequence sequence_lens \(lengths) must lie in 0...\(timeSteps)")
            }
            for i in 0..<d0 { for j in 0..<d1 {
                let (b, t) = batchAxis == 0 ? (i, j) : (j, i)
                guard b < lengths.count else { continue }
                let len = Int(lengths[b])
                let src = t < len ? len - 1 - t : t
                let (si, sj) = batchAxis == 0 ? (b, src) : (src, b)
                (out.buffer.base + ((i * d1 + j) * inner) * size).copyMemory(from: x.buffer.base + ((si * d1 + sj) * inner) * size, byteCount: inner * size)
            } }
            return [out]
        },
        KernelSpec("CumProd", versions: 26...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let x = try ctx.input(0)
            let axisValues = try ctx.intValues(1)
            guard let a = axisValues.first else { throw ctx.fail("CumProd needs an axis") }
            let axis = try ctx.axis(a, rank: x.rank)
            let exclusive = ctx.int("exclusive", 0) == 1, reverse = ctx.int("reverse", 0) == 1
            let dim = x.shape[axis], inner = x.shape[(axis + 1)...].reduce(1, *), outer = x.shape[..<axis].reduce(1, *)
            switch x.domainValues {
            case .float(let v): return [Tensor.fromFloats(Extra.scan(v, outer, dim, inner, 1, exclusive, reverse, *), type: x.type, shape: x.shape)]
            case .double(let v): return [Tensor.fromDoubles(Extra.scan(v, outer, dim, inner, 1, exclusive, reverse, *), type: x.type, shape: x.shape)]
            case .integer(let v): return [Tensor.fromInt64s(Extra.scan(v, outer, dim, inner, 1, exclusive, reverse, &*), type: x.type, shape: x.shape)]
            }
        },
        KernelSpec("SwiGLU", versions: 26...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let a = try ctx.input(0), b = try ctx.input(1)
            guard a.shape == b.shape else { throw ctx.fail("SwiGLU needs equal shapes") }
            let alpha = ctx.float("alpha", 1)
            let av = a.floats(), bv = b.floats()
            let swish = Quantization.roundTo(a.type, av.map { 1 / (1 + Foundation.exp(-alpha * $0)) })
            let y = Quantization.roundTo(a.type, zip(av, swish).map { $0 * $1 })
            return [Tensor.fromFloats(zip(y, bv).map { $0 * $1 }, type: a.type, shape: a.shape)]
        },
        KernelSpec("BitCast", versions: 26...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let x = try ctx.input(0)
            guard let code = ctx.node.int("to"), let t = DType.onnx(code), t != .string, x.type != .string,
                  Tensor.elementSize(t) == x.elementSize, (t.bits ?? 0) == (x.type.bits ?? 0) else {
                throw ctx.fail("BitCast needs a target type of the same bit width", code: "unsupported-dtype")
            }
            return [Tensor(type: t, shape: x.shape, buffer: x.buffer)]
        },
        KernelSpec("QLinearMatMul", versions: 10...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let a = try ctx.input(0), b = try ctx.input(3)
            let az = ctx.optional(2), bz = ctx.optional(5), yz = ctx.optional(7)
            let aa = az.map { z in Tensor.fromInt64s(a.int64s().map { $0 &- (z.int64s().first ?? 0) }, type: .int64, shape: a.shape) } ?? a
            let bb = try bz.map { z throws(ExecutionError) in try MatMulKernel.subtractZeroPoint(ctx, b, z, axis: b.rank - 1) } ?? b
            let c = try MatMulKernel.matmul(ctx, Tensor.fromInt64s(aa.int64s(), type: .int64, shape: a.shape),
                                            Tensor.fromInt64s(bb.int64s(), type: .int64, shape: b.shape))
            let aS = try ctx.input(1).floats(), bS = try ctx.input(4).floats(), yS = try ctx.input(6).floats()
            let outType = yz?.type ?? a.type
            guard let (lo, hi) = Quantization.integerRanges[outType] else { throw ctx.fail("QLinearMatMul to \(outType)", code: "unsupported-dtype") }
            let n = c.shape.last ?? 1
            guard aS.count == 1, yS.count == 1, bS.count == 1 || bS.count == n else {
                throw ctx.fail("QLinearMatMul needs one a scale, one y scale and one b scale or one per column (got \(aS.count), \(yS.count), \(bS.count))")
            }
            let zero = Float(yz?.int64s().first ?? 0)
            let q = c.int64s().enumerated().map { i, v -> Int64 in
                let s = aS[0] * bS[bS.count == 1 ? 0 : i % n] / yS[0]
                let d = (Float(v) * s + zero).rounded(.toNearestOrEven)
                return Swift.min(Swift.max(d.isNaN ? 0 : Int64(Swift.max(Swift.min(d, 1e9), -1e9)), lo), hi)
            }
            return [Tensor.fromInt64s(q, type: outType, shape: c.shape)]
        },
    ]
}

enum Extra {
    /// `t` viewed as `shape` and permuted by `perm`, materialized.
    static func permute(_ t: Tensor, _ shape: [Int], _ perm: [Int]) -> Tensor {
        let strides = Tensor.strides(shape)
        return DataMovement.materialize(t, shape: perm.map { shape[$0] }, offset: 0, strides: perm.map { strides[$0] })
    }

    /// A cumulative fold along the middle axis of [outer, dim, inner].
    static func scan<T>(_ v: [T], _ outer: Int, _ dim: Int, _ inner: Int, _ identity: T, _ exclusive: Bool, _ reverse: Bool,
                        _ f: (T, T) -> T) -> [T] {
        var out = v
        for o in 0..<outer {
            for i in 0..<inner {
                var acc = identity
                for step in 0..<dim {
                    let k = reverse ? dim - 1 - step : step
                    let idx = (o * dim + k) * inner + i
                    if exclusive { out[idx] = acc; acc = f(acc, v[idx]) } else { acc = f(acc, v[idx]); out[idx] = acc }
                }
            }
        }
        return out
    }
}
