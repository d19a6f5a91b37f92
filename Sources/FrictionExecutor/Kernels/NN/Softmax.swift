import Foundation
import FrictionCore

extension Kernels {
    /// Softmax, LogSoftmax, Hardmax: before opset 13 the input is coerced to 2-D at `axis`
    /// (default 1); from 13 on the op runs along the one `axis` (default -1).
    static let nnSoftmax: [KernelSpec] = [
        KernelSpec("Softmax", versions: 1...12) { ctx throws(ExecutionError) in
            [try NNSoftmax.run(ctx, kind: .softmax, legacy: true)]
        },
        KernelSpec("Softmax", versions: 13...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try NNSoftmax.run(ctx, kind: .softmax, legacy: false)]
        },
        KernelSpec("LogSoftmax", versions: 1...12) { ctx throws(ExecutionError) in
            [try NNSoftmax.run(ctx, kind: .logSoftmax, legacy: true)]
        },
        KernelSpec("LogSoftmax", versions: 13...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try NNSoftmax.run(ctx, kind: .logSoftmax, legacy: false)]
        },
        KernelSpec("Hardmax", versions: 1...12) { ctx throws(ExecutionError) in
            [try NNSoftmax.run(ctx, kind: .hardmax, legacy: true)]
        },
        KernelSpec("Hardmax", versions: 13...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try NNSoftmax.run(ctx, kind: .hardmax, legacy: false)]
        },
    ]
}

enum NNSoftmax {
    enum Kind: Sendable { case softmax, logSoftmax, hardmax }

    static func run(_ ctx: KernelContext, kind: Kind, legacy: Bool) throws(ExecutionError) -> Tensor {
        let x = try ctx.input(0)
        guard let precision = NNUtil.precision(x.type) else { throw NNUtil.unsupported(ctx, x.type) }
        let rank = x.rank
        var outer = 1, n = 1, inner = 1
        if rank > 0 {
            let a = try ctx.axis(ctx.int("axis", legacy ? 1 : -1), rank: rank)
            outer = NNUtil.product(x.shape[0..<a])
            if legacy {
                n = NNUtil.product(x.shape[a...])
            } else {
                n = x.shape[a]
                inner = NNUtil.product(x.shape[(a + 1)...])
            }
        }
        if x.count == 0 { return Tensor(zeros: x.type, x.shape) }
        if kind == .softmax, x.type != .float32, x.type != .float64 {
            return narrowSoftmax(x, outer: outer, n: n, inner: inner)
        }
        switch precision {
        case .float:
            let r = compute(NNUtil.float32(x), Float.self, kind: kind, outer: outer, n: n, inner: inner)
            return NNUtil.cast(r, to: x.type)
        case .double:
            return compute(x, Double.self, kind: kind, outer: outer, n: n, inner: inner)
        }
    }

    /// Softmax on float16 / bfloat16 as NumPy computes it in the reference: `x - max`, `exp` and
    /// the division each rounded to the type, the sum accumulated in float32 and rounded once.
    static func narrowSoftmax(_ x: Tensor, outer: Int, n: Int, inner: Int) -> Tensor {
        let v = x.floats()
        let round = { (a: [Float]) -> [Float] in Quantization.roundTo(x.type, a) }
        var out = [Float](repeating: 0, count: v.count)
        for o in 0..<outer {
            for i in 0..<inner {
                let idx = (0..<n).map { (o * n + $0) * inner + i }
                let row = idx.map { v[$0] }
                let m = row.max() ?? 0
                let e = round(round(row.map { $0 - m }).map { Foundation.exp($0) })
                let s = round([e.reduce(0, +)])[0]
                let y = round(e.map { $0 / s })
                for (k, j) in idx.enumerated() { out[j] = y[k] }
            }
        }
        return Tensor.fromFloats(out, type: x.type, shape: x.shape)
    }

    /// `x` is in T's storage type and holds outer × n × inner elements; the op runs along n.
    static func compute<T: NNReal>(_ x: Tensor, _: T.Type, kind: Kind, outer: Int, n: Int, inner: Int) -> Tensor {
        let out = Tensor(zeros: T.nnType, x.shape)
        let src = x.values(T.self)
        let dst = out.values(T.self)
        guard let xs = src.baseAddress, let ys = dst.baseAddress else { return out }
        if inner == 1 {
            for r in 0..<outer {
                let p = xs + r * n
                let q = ys + r * n
                var m = p[0]
                var arg = 0
                for k in 1..<max(n, 1) {
                    let v = p[k]
                    if v > m || (v != v && m == m) { m = v; arg = k }
                }
                switch kind {
                case .hardmax:
                    q[arg] = 1
                case .softmax:
                    for k in 0..<n { q[k] = T.nnExp(p[k] - m) }
                    let s = NNUtil.pairwiseSum(UnsafePointer(q), n)
                    for k in 0..<n { q[k] = q[k] / s }
                case .logSoftmax:
                    for k in 0..<n { q[k] = T.nnExp(p[k] - m) }
                    let ls = T.nnLog(NNUtil.pairwiseSum(UnsafePointer(q), n))
                    for k in 0..<n { q[k] = (p[k] - m) - ls }
                }
            }
            return out
        }
        // The axis is not innermost: work on `inner` lanes at once.
        let best = NNUtil.scratch(T.self, inner)
        let sums = NNUtil.scratch(T.self, inner)
        var args = [Int](repeating: 0, count: inner)
        defer { best.deallocate(); sums.deallocate() }
        let block = n * inner
        for r in 0..<outer {
            let p = xs + r * block
            let q = ys + r * block
            for j in 0..<inner { best[j] = p[j]; args[j] = 0 }
            for k in 1..<max(n, 1) {
                let row = p + k * inner
                for j in 0..<inner {
                    let v = row[j], m = best[j]
                    if v > m || (v != v && m == m) { best[j] = v; args[j] = k }
                }
            }
            switch kind {
            case .hardmax:
                for j in 0..<inner { q[args[j] * inner + j] = 1 }
            case .softmax, .logSoftmax:
                for j in 0..<inner { sums[j] = 0 }
                for k in 0..<n {
                    let row = p + k * inner, orow = q + k * inner
                    for j in 0..<inner {
                        let e = T.nnExp(row[j] - best[j])
                        orow[j] = e
                        sums[j] += e
                    }
                }
                if kind == .softmax {
                    for k in 0..<n {
                        let orow = q + k * inner
                        for j in 0..<inner { orow[j] = orow[j] / sums[j] }
                    }
                } else {
                    for j in 0..<inner { sums[j] = T.nnLog(sums[j]) }
                    for k in 0..<n {
                        let row = p + k * inner, orow = q + k * inner
                        for j in 0..<inner { orow[j] = (row[j] - best[j]) - sums[j] }
                    }
                }
            }
        }
        return out
    }
}
