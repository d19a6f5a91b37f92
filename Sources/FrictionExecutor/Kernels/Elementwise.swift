import Foundation
import FrictionCore

/// Shared machinery for elementwise kernels: broadcasting binary ops and unary maps, each
/// computed in the inputs' compute domain (float32 for float32 and narrower floats, float64,
/// Int64 for integers and bool) and written back in the output dtype.
enum Elementwise {
    /// f(a, b) with NumPy broadcasting. `float`/`double`/`integer` give the op per domain (nil:
    /// the op does not take that domain). The output dtype is `outType` or the inputs'.
    static func binary(_ ctx: KernelContext, outType: DType? = nil, fast: FastBinary.Op? = nil,
                       float: ((Float, Float) -> Float)?, double: ((Double, Double) -> Double)?,
                       integer: ((Int64, Int64) -> Int64)?) throws(ExecutionError) -> Tensor {
        let a = try ctx.input(0), b = try ctx.input(1)
        guard let shape = Broadcast.shape([a.shape, b.shape]) else {
            throw ctx.fail("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let type = outType ?? a.type
        try ctx.checkSize(shape, type)
        if let fast, a.type == .float32, b.type == .float32, type == .float32, let out = FastBinary.apply(fast, a, b, shape: shape) {
            return out
        }
        let n = shape.reduce(1, *)
        // Fast path: float32 in and out.
        if a.type == .float32, b.type == .float32, type == .float32, let f = float {
            let out = Tensor(zeros: .float32, shape)
            let o = out.values(Float.self), x = a.values(Float.self), y = b.values(Float.self)
            if a.shape == b.shape {
                // Same shape: one flat loop, split across cores when large.
                Parallel.ranges(n) { r in for i in r { o[i] = f(x[i], y[i]) } }
                return out
            }
            if b.count == 1 {
                let c = y[0]
                Parallel.ranges(n) { r in for i in r { o[i] = f(x[i], c) } }
                return out
            }
            Broadcast.rows(shape, inputs: [a.shape, b.shape]) { start, offsets, steps, length in
                var ia = offsets[0], ib = offsets[1]
                for k in 0..<length {
                    o[start + k] = f(x[ia], y[ib])
                    ia += steps[0]; ib += steps[1]
                }
            }
            return out
        }
        switch ComputeDomain(a.type) {
        case .float:
            guard let f = float else { throw ctx.fail("\(a.type) is not supported", code: "unsupported-dtype") }
            let x = a.floats(), y = b.floats()
            var o = [Float](repeating: 0, count: n)
            Broadcast.rows(shape, inputs: [a.shape, b.shape]) { start, offsets, steps, length in
                var ia = offsets[0], ib = offsets[1]
                for k in 0..<length { o[start + k] = f(x[ia], y[ib]); ia += steps[0]; ib += steps[1] }
            }
            return Tensor.fromFloats(o, type: type, shape: shape)
        case .double:
            guard let f = double else { throw ctx.fail("\(a.type) is not supported", code: "unsupported-dtype") }
            let x = a.doubles(), y = b.doubles()
            var o = [Double](repeating: 0, count: n)
            Broadcast.rows(shape, inputs: [a.shape, b.shape]) { start, offsets, steps, length in
                var ia = offsets[0], ib = offsets[1]
                for k in 0..<length { o[start + k] = f(x[ia], y[ib]); ia += steps[0]; ib += steps[1] }
            }
            return Tensor.fromDoubles(o, type: type, shape: shape)
        case .integer:
            guard let f = integer else { throw ctx.fail("\(a.type) is not supported", code: "unsupported-dtype") }
            let x = a.int64s(), y = b.int64s()
            var o = [Int64](repeating: 0, count: n)
            Broadcast.rows(shape, inputs: [a.shape, b.shape]) { start, offsets, steps, length in
                var ia = offsets[0], ib = offsets[1]
                for k in 0..<length { o[start + k] = f(x[ia], y[ib]); ia += steps[0]; ib += steps[1] }
            }
            return Tensor.fromInt64s(o, type: type, shape: shape)
        case .string:
            throw ctx.fail("\(a.type) is not supported", code: "unsupported-dtype")
        }
    }

    /// A comparison with a bool result.
    static func compare(_ ctx: KernelContext, float: @escaping (Float, Float) -> Bool, double: @escaping (Double, Double) -> Bool,
                        integer: @escaping (Int64, Int64) -> Bool) throws(ExecutionError) -> Tensor {
        let a = try ctx.input(0)
        if a.type == .string {
            let b = try ctx.input(1)
            guard let shape = Broadcast.shape([a.shape, b.shape]) else { throw ctx.fail("shapes \(a.shape) and \(b.shape) do not broadcast") }
            var out = [UInt8](repeating: 0, count: shape.reduce(1, *))
            Broadcast.rows(shape, inputs: [a.shape, b.shape]) { start, offsets, steps, length in
                var ia = offsets[0], ib = offsets[1]
                for k in 0..<length { out[start + k] = a.strings[ia] == b.strings[ib] ? 1 : 0; ia += steps[0]; ib += steps[1] }
            }
            guard ctx.node.opType == "Equal" else { throw ctx.fail("\(ctx.node.opType) on strings is not supported", code: "unsupported-dtype") }
            return Tensor.from(out, type: .bool, shape: shape)
        }
        if a.type == .uint64 {
            // Unsigned 64-bit order differs from Int64's: compare through Double is lossy, so flip the sign bit.
            return try binary(ctx, outType: .bool, float: nil, double: nil,
                              integer: { integer($0 ^ Int64.min, $1 ^ Int64.min) ? 1 : 0 })
        }
        return try binary(ctx, outType: .bool, float: { float($0, $1) ? 1 : 0 }, double: { double($0, $1) ? 1 : 0 },
                          integer: { integer($0, $1) ? 1 : 0 })
    }

    /// f(x) elementwise, in the input's domain, output in `outType` or the input's dtype.
    static func unary(_ ctx: KernelContext, outType: DType? = nil, float: ((Float) -> Float)?, double: ((Double) -> Double)?,
                      integer: ((Int64) -> Int64)?) throws(ExecutionError) -> Tensor {
        let a = try ctx.input(0)
        let type = outType ?? a.type
        if a.type == .float32, type == .float32, let f = float {
            let out = Tensor(zeros: .float32, a.shape)
            let o = out.values(Float.self), x = a.values(Float.self)
            Parallel.ranges(x.count) { r in for i in r { o[i] = f(x[i]) } }
            return out
        }
        switch ComputeDomain(a.type) {
        case .float:
            guard let f = float else { throw ctx.fail("\(a.type) is not supported", code: "unsupported-dtype") }
            return Tensor.fromFloats(a.floats().map(f), type: type, shape: a.shape)
        case .double:
            guard let f = double else { throw ctx.fail("\(a.type) is not supported", code: "unsupported-dtype") }
            return Tensor.fromDoubles(a.doubles().map(f), type: type, shape: a.shape)
        case .integer:
            guard let f = integer else { throw ctx.fail("\(a.type) is not supported", code: "unsupported-dtype") }
            return Tensor.fromInt64s(a.int64s().map(f), type: type, shape: a.shape)
        case .string:
            throw ctx.fail("\(a.type) is not supported", code: "unsupported-dtype")
        }
    }

    /// A unary float function given once for float and double.
    static func math(_ op: String, versions: ClosedRange<Int> = 1...KernelSpec.latestOpset,
                     _ f: @escaping @Sendable (Double) -> Double, float: (@Sendable (Float) -> Float)? = nil) -> KernelSpec {
        KernelSpec(op, versions: versions) { ctx throws(ExecutionError) in
            [try unary(ctx, float: float ?? { Float(f(Double($0))) }, double: f, integer: nil)]
        }
    }

    /// Variadic ops (Sum, Mean, Max, Min): folds the inputs pairwise with broadcasting.
    static func fold(_ ctx: KernelContext, _ spec: (KernelContext) throws(ExecutionError) -> Tensor) throws(ExecutionError) -> Tensor {
        var acc = try ctx.input(0)
        for i in 1..<max(ctx.inputs.count, 1) {
            guard let next = ctx.inputs[i] else { continue }
            let pair = KernelContext(node: ctx.node, inputs: [acc, next], opset: ctx.opset, executor: ctx.executor, scope: ctx.scope)
            acc = try spec(pair)
        }
        return acc
    }
}
