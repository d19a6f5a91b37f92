import FrictionCore

extension Kernels {
    /// CumSum along the `axis` input; `exclusive` and `reverse` attributes. Sums run in order in
    /// the input's dtype (narrow floats rounded after every step, as NumPy's accumulate).
    static let cumSum: [KernelSpec] = [
        KernelSpec("CumSum", versions: 11...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let x = try ctx.input(0)
            let axisValues = DataMovement.ints(try ctx.input(1))
            guard axisValues.count == 1 else { throw ctx.fail("axis must be a scalar") }
            let r = x.rank
            guard r > 0 else { throw ctx.fail("CumSum needs rank ≥ 1") }
            let axis = try DataMovement.axis(axisValues[0], rank: r, ctx)
            let exclusive = ctx.int("exclusive", 0) != 0, reverse = ctx.int("reverse", 0) != 0
            let outer = DataMovement.product(x.shape, 0..<axis)
            let n = x.shape[axis]
            let inner = DataMovement.product(x.shape, (axis + 1)..<r)
            guard x.count > 0 else { return [Tensor(zeros: x.type, x.shape)] }
            switch x.type {
            case .float32:
                let out = Tensor(zeros: .float32, x.shape)
                CumSumOp.scan(x.values(Float.self), out.values(Float.self), outer: outer, n: n, inner: inner,
                              exclusive: exclusive, reverse: reverse, zero: 0, add: { $0 + $1 })
                return [out]
            case .float64:
                let out = Tensor(zeros: .float64, x.shape)
                CumSumOp.scan(x.values(Double.self), out.values(Double.self), outer: outer, n: n, inner: inner,
                              exclusive: exclusive, reverse: reverse, zero: 0, add: { $0 + $1 })
                return [out]
            default: break
            }
            switch ComputeDomain(x.type) {
            case .float:
                var src = x.floats()
                var dst = [Float](repeating: 0, count: src.count)
                let round = ScatterOp.rounder(x.type) ?? { $0 }
                src.withUnsafeMutableBufferPointer { s in
                    dst.withUnsafeMutableBufferPointer { d in
                        CumSumOp.scan(s, d, outer: outer, n: n, inner: inner, exclusive: exclusive, reverse: reverse,
                                      zero: 0, add: { round($0 + $1) })
                    }
                }
                return [Tensor.fromFloats(dst, type: x.type, shape: x.shape)]
            case .double:
                var src = x.doubles()
                var dst = [Double](repeating: 0, count: src.count)
                src.withUnsafeMutableBufferPointer { s in
                    dst.withUnsafeMutableBufferPointer { d in
                        CumSumOp.scan(s, d, outer: outer, n: n, inner: inner, exclusive: exclusive, reverse: reverse,
                                      zero: 0, add: { $0 + $1 })
                    }
                }
                return [Tensor.fromDoubles(dst, type: x.type, shape: x.shape)]
            case .integer:
                var src = x.int64s()
                var dst = [Int64](repeating: 0, count: src.count)
                src.withUnsafeMutableBufferPointer { s in
                    dst.withUnsafeMutableBufferPointer { d in
                        CumSumOp.scan(s, d, outer: outer, n: n, inner: inner, exclusive: exclusive, reverse: reverse,
                                      zero: 0, add: { $0 &+ $1 })
                    }
                }
                return [Tensor.fromInt64s(dst, type: x.type, shape: x.shape)]
            case .string:
                throw ctx.fail("CumSum does not take \(x.type)", code: "unsupported-dtype")
            }
        },
    ]
}

enum CumSumOp {
    @inline(__always)
    static func scan<T>(_ x: UnsafeMutableBufferPointer<T>, _ y: UnsafeMutableBufferPointer<T>, outer: Int, n: Int, inner: Int,
                        exclusive: Bool, reverse: Bool, zero: T, add: (T, T) -> T) {
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                var acc = zero
                for step in 0..<n {
                    let j = reverse ? n - 1 - step : step
                    let p = base + j * inner
                    // The running sum starts as the first element itself (NumPy keeps -0.0).
                    if exclusive {
                        y[p] = acc
                        acc = step == 0 ? x[p] : add(acc, x[p])
                    } else {
                        acc = step == 0 ? x[p] : add(acc, x[p])
                        y[p] = acc
                    }
                }
            }
        }
    }
}
