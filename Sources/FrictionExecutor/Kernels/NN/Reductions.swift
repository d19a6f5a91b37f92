import Foundation
import FrictionCore

extension Kernels {
    /// ReduceSum / Mean / Max / Min / Prod / L1 / L2 / SumSquare / LogSum / LogSumExp: axes as an
    /// attribute before opset 18 (ReduceSum: 13), as an optional input from then on.
    static let nnReductions: [KernelSpec] = NNReduce.specs()
}

enum NNReduce {
    enum Op: Sendable { case sum, mean, max, min, prod, l1, l2, sumSquare, logSum, logSumExp }

    static func specs() -> [KernelSpec] {
        let table: [(String, Op, Int)] = [
            ("ReduceSum", .sum, 13), ("ReduceMean", .mean, 18), ("ReduceMax", .max, 18), ("ReduceMin", .min, 18),
            ("ReduceProd", .prod, 18), ("ReduceL1", .l1, 18), ("ReduceL2", .l2, 18),
            ("ReduceSumSquare", .sumSquare, 18), ("ReduceLogSum", .logSum, 18), ("ReduceLogSumExp", .logSumExp, 18),
        ]
        var out: [KernelSpec] = []
        for (name, op, inputFrom) in table {
            out.append(KernelSpec(name, versions: 1...(inputFrom - 1)) { ctx throws(ExecutionError) in
                [try run(ctx, op: op, axesFromInput: false)]
            })
            out.append(KernelSpec(name, versions: inputFrom...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
                [try run(ctx, op: op, axesFromInput: true)]
            })
        }
        return out
    }

    static func run(_ ctx: KernelContext, op: Op, axesFromInput: Bool) throws(ExecutionError) -> Tensor {
        let x = try ctx.input(0)
        let rank = x.rank
        var axes: [Int] = []
        var noop = false
        if axesFromInput {
            if let a = ctx.optional(1) { axes = a.int64s().map { Int(clamping: $0) } }
            noop = ctx.int("noop_with_empty_axes", 0) != 0
        } else {
            axes = ctx.ints("axes") ?? []
        }
        let keepdims = ctx.int("keepdims", 1) != 0
        var reduce = [Bool](repeating: false, count: rank)
        if axes.isEmpty {
            if !noop { for i in 0..<rank { reduce[i] = true } }
        } else {
            for a in axes {
                let n = try ctx.axis(a, rank: rank)
                if n < rank { reduce[n] = true }
            }
        }
        var outShape: [Int] = []
        for i in 0..<rank {
            if reduce[i] { if keepdims { outShape.append(1) } } else { outShape.append(x.shape[i]) }
        }
        try ctx.checkSize(outShape, .float64)   // reducing the empty axis of [0, 2^40] gives 2^40 outputs
        switch ComputeDomain(x.type) {
        case .float:
            let r = reduceReal(NNUtil.float32(x), Float.self, reduce: reduce, op: op, outShape: outShape)
            return NNUtil.cast(r, to: x.type)
        case .double:
            return reduceReal(x, Double.self, reduce: reduce, op: op, outShape: outShape)
        case .integer:
            if op == .logSum || op == .logSumExp {
                let r = reduceReal(NNUtil.float64(x), Double.self, reduce: reduce, op: op, outShape: outShape)
                return Tensor.fromDoubles(Array(r.values(Double.self)), type: x.type, shape: outShape)
            }
            return reduceInteger(x, reduce: reduce, op: op, outShape: outShape)
        case .string:
            throw NNUtil.unsupported(ctx, x.type)
        }
    }

    /// The input walked in rows (its innermost run after merging neighbouring dimensions that are
    /// both reduced or both kept), with each row's first output offset.
    struct Plan {
        var rows = 0
        var length = 1
        var innerReduced = false
        var rowOut: [Int] = []
        /// Input elements folded into each output.
        var perOutput = 1

        init(shape: [Int], reduce: [Bool]) {
            var dims: [Int] = []
            var red: [Bool] = []
            for (i, d) in shape.enumerated() where d != 1 {
                if let last = red.last, last == reduce[i] { dims[dims.count - 1] *= d } else {
                    dims.append(d)
                    red.append(reduce[i])
                }
            }
            if dims.isEmpty { dims = [1]; red = [false] }
            let last = dims.count - 1
            length = dims[last]
            innerReduced = red[last]
            let total = NNUtil.product(dims)
            rows = length == 0 ? 0 : total / length
            var outStride = [Int](repeating: 0, count: dims.count)
            var step = 1
            for i in stride(from: last, through: 0, by: -1) where !red[i] {
                outStride[i] = step
                step *= dims[i]
            }
            for i in dims.indices where red[i] { perOutput *= dims[i] }
            var offsets = [Int](repeating: 0, count: rows)
            if last > 0 && rows > 0 {
                var idx = [Int](repeating: 0, count: last)
                var cur = 0
                for r in 0..<rows {
                    offsets[r] = cur
                    var d = last - 1
                    while d >= 0 {
                        idx[d] += 1
                        cur += outStride[d]
                        if idx[d] < dims[d] { break }
                        cur -= outStride[d] * dims[d]
                        idx[d] = 0
                        d -= 1
                    }
                }
            }
            rowOut = offsets
        }
    }

    /// Float32 / float64 reductions; `x` is already in T's storage type.
    static func reduceReal<T: NNReal>(_ x: Tensor, _: T.Type, reduce: [Bool], op: Op, outShape: [Int]) -> Tensor {
        let out = Tensor(zeros: T.nnType, outShape)
        let o = out.values(T.self)
        let src = x.values(T.self)
        let n = src.count
        guard n > 0, let base = src.baseAddress else {
            let fill: T
            switch op {
            case .sum, .l1, .l2, .sumSquare: fill = 0
            case .prod: fill = 1
            case .mean: fill = T.nan
            case .max, .logSum, .logSumExp: fill = -T.infinity
            case .min: fill = T.infinity
            }
            for i in 0..<o.count { o[i] = fill }
            return out
        }
        let plan = Plan(shape: x.shape, reduce: reduce)
        let len = plan.length
        switch op {
        case .sum, .mean, .l1, .l2, .sumSquare, .logSum:
            var tmp: UnsafeMutableBufferPointer<T>? = nil
            if op == .l1 || op == .l2 || op == .sumSquare {
                let t = NNUtil.scratch(T.self, n)
                if op == .l1 { for i in 0..<n { t[i] = Swift.abs(base[i]) } } else {
                    for i in 0..<n { let v = base[i]; t[i] = v * v }
                }
                tmp = t
            }
            defer { tmp?.deallocate() }
            let p: UnsafePointer<T>
            if let t = tmp, let tb = t.baseAddress { p = UnsafePointer(tb) } else { p = UnsafePointer(base) }
            addRows(p, plan: plan, into: o)
            let cnt = Double(plan.perOutput)
            switch op {
            case .mean: for i in 0..<o.count { o[i] = T(Double(o[i]) / cnt) }
            case .l2: for i in 0..<o.count { o[i] = o[i].squareRoot() }
            case .logSum: for i in 0..<o.count { o[i] = T.nnLog(o[i]) }
            default: break
            }
        case .prod:
            for i in 0..<o.count { o[i] = 1 }
            for r in 0..<plan.rows {
                let oi = plan.rowOut[r], b = r * len
                if plan.innerReduced {
                    var acc = o[oi]
                    for k in 0..<len { acc *= base[b + k] }
                    o[oi] = acc
                } else {
                    for k in 0..<len { o[oi + k] *= base[b + k] }
                }
            }
        case .max, .min:
            maxMinRows(base, plan: plan, into: o, isMax: op == .max, skipInfinite: false)
        case .logSumExp:
            // max over the finite values (infinities count as -inf), then log(sum(exp(x - max))) + max.
            let mx = NNUtil.scratch(T.self, o.count)
            defer { mx.deallocate() }
            maxMinRows(base, plan: plan, into: mx, isMax: true, skipInfinite: true)
            let t = NNUtil.scratch(T.self, n)
            defer { t.deallocate() }
            for r in 0..<plan.rows {
                let oi = plan.rowOut[r], b = r * len
                if plan.innerReduced {
                    let m = mx[oi]
                    for k in 0..<len { t[b + k] = T.nnExp(base[b + k] - m) }
                } else {
                    for k in 0..<len { t[b + k] = T.nnExp(base[b + k] - mx[oi + k]) }
                }
            }
            if let tb = t.baseAddress { addRows(UnsafePointer(tb), plan: plan, into: o) }
            for i in 0..<o.count { o[i] = T.nnLog(o[i]) + mx[i] }
        }
        return out
    }

    /// o[out(row)] += rows of p (pairwise along a reduced innermost run, elementwise otherwise).
    static func addRows<T: NNReal>(_ p: UnsafePointer<T>, plan: Plan, into o: UnsafeMutableBufferPointer<T>) {
        let len = plan.length
        if plan.innerReduced {
            for r in 0..<plan.rows {
                let oi = plan.rowOut[r]
                o[oi] += NNUtil.pairwiseSum(p + r * len, len)
            }
        } else {
            for r in 0..<plan.rows {
                let oi = plan.rowOut[r], b = r * len
                for k in 0..<len { o[oi + k] += p[b + k] }
            }
        }
    }

    /// Max or min of rows into `o` (NaN propagates like np.maximum); with `skipInfinite`, ±inf
    /// values are treated as -inf (ReduceLogSumExp's shift).
    static func maxMinRows<T: NNReal>(_ p: UnsafePointer<T>, plan: Plan, into o: UnsafeMutableBufferPointer<T>,
                                      isMax: Bool, skipInfinite: Bool) {
        let len = plan.length
        let start: T = isMax ? -T.infinity : T.infinity
        for i in 0..<o.count { o[i] = start }
        for r in 0..<plan.rows {
            let oi = plan.rowOut[r], b = r * len
            if plan.innerReduced {
                var acc = o[oi]
                if isMax {
                    for k in 0..<len {
                        let v = p[b + k]
                        if skipInfinite && v.isInfinite { continue }
                        if v > acc || v != v { acc = v }
                    }
                } else {
                    for k in 0..<len {
                        let v = p[b + k]
                        if v < acc || v != v { acc = v }
                    }
                }
                o[oi] = acc
            } else {
                for k in 0..<len {
                    let v = p[b + k]
                    let cur = o[oi + k]
                    if skipInfinite && v.isInfinite { continue }
                    if cur != cur { continue }
                    if isMax ? (v > cur || v != v) : (v < cur || v != v) { o[oi + k] = v }
                }
            }
        }
    }

    /// Integer and bool reductions in Int64 (wrapping like NumPy's fixed-width integers).
    static func reduceInteger(_ x: Tensor, reduce: [Bool], op: Op, outShape: [Int]) -> Tensor {
        let v = x.int64s()
        let outCount = NNUtil.product(outShape)
        let limits = NNUtil.intLimits(x.type)
        // uint64 compares through a sign flip.
        let flip: Int64 = x.type == .uint64 ? Int64.min : 0
        guard !v.isEmpty else {
            let fill: Int64
            switch op {
            case .prod: fill = 1
            case .max: fill = limits.min
            case .min: fill = limits.max
            default: fill = 0
            }
            return Tensor.fromInt64s([Int64](repeating: fill, count: outCount), type: x.type, shape: outShape)
        }
        let plan = Plan(shape: x.shape, reduce: reduce)
        let len = plan.length
        var acc = [Int64](repeating: 0, count: outCount)
        var seen = [Bool](repeating: false, count: outCount)
        if op == .prod { for i in 0..<outCount { acc[i] = 1 } }
        for r in 0..<plan.rows {
            let oi = plan.rowOut[r], b = r * len
            for k in 0..<len {
                let j = plan.innerReduced ? oi : oi + k
                let e = v[b + k]
                switch op {
                case .sum, .mean: acc[j] = acc[j] &+ e
                case .prod: acc[j] = acc[j] &* e
                case .l1: acc[j] = acc[j] &+ (e < 0 ? 0 &- e : e)
                case .l2, .sumSquare: acc[j] = acc[j] &+ (e &* e)
                case .max:
                    if !seen[j] || (e ^ flip) > (acc[j] ^ flip) { acc[j] = e; seen[j] = true }
                case .min:
                    if !seen[j] || (e ^ flip) < (acc[j] ^ flip) { acc[j] = e; seen[j] = true }
                case .logSum, .logSumExp: break
                }
            }
        }
        switch op {
        case .mean:
            let wrapped = Tensor.fromInt64s(acc, type: x.type, shape: outShape).int64s()
            let cnt = Double(plan.perOutput)
            acc = wrapped.map { w -> Int64 in
                let q = (Double(w) / cnt).rounded(.towardZero)
                return q.isFinite ? Int64(exactly: q) ?? 0 : 0
            }
        case .l2:
            acc = acc.map { s -> Int64 in
                let q = Double(s).squareRoot().rounded(.towardZero)
                return q.isFinite ? Int64(exactly: q) ?? 0 : 0
            }
        default: break
        }
        return Tensor.fromInt64s(acc, type: x.type, shape: outShape)
    }
}
