import CBLAS
import FrictionCore

/// MatMul (NumPy matmul: 1-D promotion, broadcast batch dims) and Gemm, on OpenBLAS for float32
/// and float64; integers in wrapping Int64; narrow floats in float32, rounded back.
extension Kernels {
    static let matmul: [KernelSpec] = [
        KernelSpec("MatMul") { ctx throws(ExecutionError) in [try MatMulKernel.matmul(ctx, try ctx.input(0), try ctx.input(1))] },
        KernelSpec("Gemm") { ctx throws(ExecutionError) in [try MatMulKernel.gemm(ctx)] },
        KernelSpec("MatMulInteger", versions: 10...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            // (A - a_zero_point) × (B - b_zero_point) in int32.
            var a = try ctx.input(0), b = try ctx.input(1)
            if let za = ctx.optional(2) { a = try MatMulKernel.subtractZeroPoint(ctx, a, za, axis: a.rank - 2) }
            if let zb = ctx.optional(3) { b = try MatMulKernel.subtractZeroPoint(ctx, b, zb, axis: b.rank - 1) }
            let r = try MatMulKernel.matmul(ctx, Tensor.fromInt64s(a.int64s(), type: .int64, shape: a.shape),
                                            Tensor.fromInt64s(b.int64s(), type: .int64, shape: b.shape))
            return [Tensor.fromInt64s(r.int64s(), type: .int32, shape: r.shape)]
        },
    ]
}

enum MatMulKernel {
    /// x - zero_point, where a per-row / per-column zero point runs along `axis`.
    static func subtractZeroPoint(_ ctx: KernelContext, _ x: Tensor, _ zp: Tensor, axis: Int) throws(ExecutionError) -> Tensor {
        let v = x.int64s(), z = zp.int64s()
        if z.count <= 1 { return Tensor.fromInt64s(v.map { $0 &- (z.first ?? 0) }, type: .int64, shape: x.shape) }   // wraps like NumPy
        guard axis >= 0, axis < x.rank, z.count == x.shape[axis] else { throw ctx.fail("zero point of \(z.count) values does not match \(x.shape)") }
        let inner = x.shape[(axis + 1)...].reduce(1, *)
        return Tensor.fromInt64s(v.enumerated().map { i, e in e &- z[(i / inner) % z.count] }, type: .int64, shape: x.shape)
    }

    static func matmul(_ ctx: KernelContext, _ a: Tensor, _ b: Tensor) throws(ExecutionError) -> Tensor {
        guard a.rank >= 1, b.rank >= 1 else { throw ctx.fail("MatMul needs inputs of rank ≥ 1") }
        let sa = a.rank == 1 ? [1, a.shape[0]] : a.shape
        let sb = b.rank == 1 ? [b.shape[0], 1] : b.shape
        let m = sa[sa.count - 2], k = sa[sa.count - 1], k2 = sb[sb.count - 2], n = sb[sb.count - 1]
        guard k == k2 else { throw ctx.fail("MatMul shapes \(a.shape) × \(b.shape): inner dimensions differ") }
        let batchA = Array(sa.dropLast(2)), batchB = Array(sb.dropLast(2))
        guard let batch = Broadcast.shape([batchA, batchB]) else { throw ctx.fail("MatMul batch dims \(batchA) and \(batchB) do not broadcast") }
        var outShape = batch + [m, n]
        if a.rank == 1 { outShape.remove(at: outShape.count - 2) }
        if b.rank == 1 { outShape.removeLast() }
        try ctx.checkSize(outShape, a.type == .float64 ? .float64 : .float32)
        let batchCount = batch.reduce(1, *)
        let stA = Broadcast.strides(batchA, to: batch), stB = Broadcast.strides(batchB, to: batch)
        let batchStrides = Tensor.strides(batch)
        // Matrix offsets of every batch entry in A and B.
        var pairs: [(Int, Int)] = []
        pairs.reserveCapacity(batchCount)
        for i in 0..<batchCount {
            var rem = i, oa = 0, ob = 0
            for d in batch.indices {
                let idx = rem / batchStrides[d]
                rem %= batchStrides[d]
                oa += idx * stA[d]; ob += idx * stB[d]
            }
            pairs.append((oa * m * k, ob * k * n))
        }
        guard m <= Int(Int32.max), n <= Int(Int32.max), k <= Int(Int32.max) else { throw ctx.fail("matrix too large for BLAS") }
        let type = a.type
        switch (type, b.type) {
        case (.float32, .float32):
            let out = Tensor(zeros: .float32, outShape)
            let pa = a.values(Float.self), pb = b.values(Float.self), pc = out.values(Float.self)
            guard let A = pa.baseAddress, let B = pb.baseAddress, let C = pc.baseAddress, m > 0, n > 0 else { return out }
            if k == 0 { return out }
            for (i, (oa, ob)) in pairs.enumerated() {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, A + oa, Int32(k), B + ob, Int32(n),
                            0, C + i * m * n, Int32(n))
            }
            return out
        case (.float64, .float64):
            let out = Tensor(zeros: .float64, outShape)
            let pa = a.values(Double.self), pb = b.values(Double.self), pc = out.values(Double.self)
            guard let A = pa.baseAddress, let B = pb.baseAddress, let C = pc.baseAddress, m > 0, n > 0, k > 0 else { return out }
            for (i, (oa, ob)) in pairs.enumerated() {
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, A + oa, Int32(k), B + ob, Int32(n),
                            0, C + i * m * n, Int32(n))
            }
            return out
        default:
            switch ComputeDomain(type) {
            case .float:
                let fa = Tensor.floats(a.floats(), shape: a.shape), fb = Tensor.floats(b.floats(), shape: b.shape)
                let r = try matmul(ctx, fa, fb)
                return Tensor.fromFloats(r.floats(), type: type, shape: r.shape)
            case .integer:
                let x = a.int64s(), y = b.int64s()
                var o = [Int64](repeating: 0, count: batchCount * m * n)
                for (bi, (oa, ob)) in pairs.enumerated() {
                    for r in 0..<m {
                        for p in 0..<k {
                            let v = x[oa + r * k + p]
                            if v == 0 { continue }
                            let row = ob + p * n, base = bi * m * n + r * n
                            for c in 0..<n { o[base + c] = o[base + c] &+ v &* y[row + c] }
                        }
                    }
                }
                return Tensor.fromInt64s(o, type: type, shape: outShape)
            default:
                throw ctx.fail("MatMul of \(a.type) × \(b.type) is not supported", code: "unsupported-dtype")
            }
        }
    }

    /// Y = alpha · A' · B' + beta · C (A', B' optionally transposed; C broadcast to [M, N]).
    static func gemm(_ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        var a = try ctx.input(0), b = try ctx.input(1)
        guard a.rank == 2, b.rank == 2 else { throw ctx.fail("Gemm needs 2-D A and B") }
        let ta = ctx.int("transA", 0) == 1, tb = ctx.int("transB", 0) == 1
        let alpha = ctx.float("alpha", 1), beta = ctx.float("beta", 1)
        let m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1]
        let kb = tb ? b.shape[1] : b.shape[0], n = tb ? b.shape[0] : b.shape[1]
        guard k == kb else { throw ctx.fail("Gemm shapes \(a.shape) × \(b.shape) (transA \(ta), transB \(tb)) do not agree") }
        // One element type for A and B (the spec's T): BLAS reads both at A's width.
        guard a.type == b.type else { throw ctx.fail("Gemm A is \(a.type) but B is \(b.type)", code: "unsupported-dtype") }
        guard (a.shape + b.shape).allSatisfy({ $0 <= Int(Int32.max) }) else { throw ctx.fail("matrix too large for BLAS") }
        let type = a.type
        try ctx.checkSize([m, n], .float64)
        if ComputeDomain(type) == .float && type != .float32 {
            a = Tensor.floats(a.floats(), shape: a.shape); b = Tensor.floats(b.floats(), shape: b.shape)
        }
        var cInput = ctx.optional(2)
        if let c = cInput, c.type != a.type { cInput = ComputeDomain(a.type) == .double ? Tensor.fromDoubles(c.doubles(), type: .float64, shape: c.shape) : Tensor.floats(c.floats(), shape: c.shape) }
        if let c = cInput, Broadcast.shape([c.shape, [m, n]]) != [m, n] { throw ctx.fail("Gemm C of shape \(c.shape) does not broadcast to [\(m), \(n)]") }
        switch a.type {
        case .float32:
            let out = Tensor(zeros: .float32, [m, n])
            let y = out.values(Float.self)
            if let c = cInput, beta != 0 {
                let cv = c.values(Float.self)
                Broadcast.rows([m, n], inputs: [c.shape]) { start, offsets, steps, length in
                    var ic = offsets[0]
                    for j in 0..<length { y[start + j] = cv[ic]; ic += steps[0] }
                }
            }
            guard let A = a.values(Float.self).baseAddress, let B = b.values(Float.self).baseAddress, let Y = y.baseAddress, m > 0, n > 0, k > 0 else {
                if beta != 1, let Y = y.baseAddress { for i in 0..<(m * n) { Y[i] *= beta } }
                return out
            }
            cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha,
                        A, Int32(a.shape[1]), B, Int32(b.shape[1]), cInput == nil ? 0 : beta, Y, Int32(n))
            return type == .float32 ? out : Tensor.fromFloats(out.floats(), type: type, shape: [m, n])
        case .float64:
            let out = Tensor(zeros: .float64, [m, n])
            let y = out.values(Double.self)
            if let c = cInput, beta != 0 {
                let cv = c.values(Double.self)
                Broadcast.rows([m, n], inputs: [c.shape]) { start, offsets, steps, length in
                    var ic = offsets[0]
                    for j in 0..<length { y[start + j] = cv[ic]; ic += steps[0] }
                }
            }
            guard let A = a.values(Double.self).baseAddress, let B = b.values(Double.self).baseAddress, let Y = y.baseAddress, m > 0, n > 0, k > 0 else {
                return out
            }
            cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), Double(alpha),
                        A, Int32(a.shape[1]), B, Int32(b.shape[1]), cInput == nil ? 0 : Double(beta), Y, Int32(n))
            return out
        default:
            // Integers: naive, wrapping.
            let x = a.int64s(), w = b.int64s()
            var o = [Int64](repeating: 0, count: m * n)
            if let c = cInput {
                let cv = c.int64s()
                Broadcast.rows([m, n], inputs: [c.shape]) { start, offsets, steps, length in
                    var ic = offsets[0]
                    for j in 0..<length { o[start + j] = Int64(saturating: Double(beta)) &* cv[ic]; ic += steps[0] }
                }
            }
            for r in 0..<m {
                for c in 0..<n {
                    var s: Int64 = 0
                    for p in 0..<k { s = s &+ x[ta ? p * m + r : r * k + p] &* w[tb ? c * k + p : p * n + c] }
                    o[r * n + c] = o[r * n + c] &+ Int64(saturating: Double(alpha)) &* s
                }
            }
            return Tensor.fromInt64s(o, type: type, shape: [m, n])
        }
    }
}
