import FrictionCore
import FrictionNumerics

extension Kernels {
    /// ScatterND; `reduction` add/mul from 16, max/min from 18 (NumPy maximum/minimum: NaN wins).
    static let scatterND: [KernelSpec] = [
        KernelSpec("ScatterND", versions: 11...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0), indices = try ctx.input(1), updates = try ctx.input(2)
            let reduction = try ScatterOp.reduction(ctx)
            let r = data.rank, q = indices.rank
            guard q >= 1 else { throw ctx.fail("indices must have rank ≥ 1") }
            guard updates.type == data.type else { throw ctx.fail("updates type \(updates.type) differs from data type \(data.type)") }
            let k = indices.shape[q - 1]
            guard k <= r else { throw ctx.fail("indices.shape[-1] = \(k) exceeds the data rank \(r)") }
            let expected = Array(indices.shape[..<(q - 1)]) + Array(data.shape[k...])
            guard updates.shape == expected else {
                throw ctx.fail("updates shape \(updates.shape) should be \(expected)")
            }
            let tuples = DataMovement.product(indices.shape, 0..<(q - 1))
            let slice = DataMovement.product(data.shape, k..<r)
            let strides = Tensor.strides(data.shape)
            let idx = DataMovement.ints(indices)
            var bases = [Int](repeating: 0, count: tuples)
            for t in 0..<tuples {
                var offset = 0
                for d in 0..<k {
                    let v = idx[t * k + d]
                    guard let i = DataMovement.wrap(v, data.shape[d]) else {
                        throw ctx.fail("index \(v) is out of range for axis \(d) of size \(data.shape[d])")
                    }
                    offset += i * strides[d]
                }
                bases[t] = offset
            }
            if reduction == .replace {
                var out = DataMovement.clone(data)
                for t in 0..<tuples { DataMovement.copy(updates, t * slice, into: &out, bases[t], count: slice) }
                return [out]
            }
            var targets = [Int](repeating: 0, count: tuples * slice)
            for t in 0..<tuples {
                for s in 0..<slice { targets[t * slice + s] = bases[t] + s }
            }
            return [try ScatterOp.reduce(data, updates, targets: targets, reduction, pythonMinMax: false, ctx)]
        },
    ]

    /// ScatterElements (and the deprecated Scatter-9/11, without reduction). min/max follow the
    /// reference's Python `min`/`max`.
    static let scatterElements: [KernelSpec] = [
        KernelSpec("ScatterElements", versions: 11...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try ScatterOp.elements(ctx, reduction: try ScatterOp.reduction(ctx))]
        },
        KernelSpec("Scatter", versions: 9...10) { ctx throws(ExecutionError) in
            [try ScatterOp.elements(ctx, reduction: .replace)]
        },
    ]
}

enum ScatterOp {
    enum Reduction { case replace, add, mul, max, min }

    static func reduction(_ ctx: KernelContext) throws(ExecutionError) -> Reduction {
        switch ctx.string("reduction", "none") {
        case "none": return .replace
        case "add": return .add
        case "mul": return .mul
        case "max": return .max
        case "min": return .min
        case let other: throw ctx.fail("unknown reduction \(other)")
        }
    }

    static func elements(_ ctx: KernelContext, reduction: Reduction) throws(ExecutionError) -> Tensor {
        let data = try ctx.input(0), indices = try ctx.input(1), updates = try ctx.input(2)
        let r = data.rank
        guard r > 0, indices.rank == r else { throw ctx.fail("data \(data.shape) and indices \(indices.shape) must have the same rank ≥ 1") }
        guard updates.shape == indices.shape else { throw ctx.fail("updates shape \(updates.shape) differs from indices shape \(indices.shape)") }
        guard updates.type == data.type else { throw ctx.fail("updates type \(updates.type) differs from data type \(data.type)") }
        let axis = try DataMovement.axis(ctx.int("axis", 0), rank: r, ctx)
        let targets = try GatherOp.elementOffsets(data.shape, indices.shape, DataMovement.ints(indices), axis: axis, ctx)
        if reduction == .replace {
            var out = DataMovement.clone(data)
            for (e, t) in targets.enumerated() { DataMovement.copy(updates, e, into: &out, t, count: 1) }
            return out
        }
        return try reduce(data, updates, targets: targets, reduction, pythonMinMax: true, ctx)
    }

    /// A float32 rounding to `type` after each step (nil for float32 itself), as NumPy computes
    /// narrow floats.
    static func rounder(_ type: DType) -> ((Float) -> Float)? {
        switch type {
        case .float32: return nil
        case .float16: return { Float(Float16($0)) }
        default:
            guard let format = ScalarFormat(type) else { return nil }
            return { format.decode(format.encode($0)) }
        }
    }

    /// `out[targets[e]] = f(out[targets[e]], updates[e])` in order, starting from `data`.
    static func reduce(_ data: Tensor, _ updates: Tensor, targets: [Int], _ reduction: Reduction, pythonMinMax: Bool,
                       _ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        switch ComputeDomain(data.type) {
        case .float:
            var o = data.floats()
            let u = updates.floats()
            let round = rounder(data.type)
            for (e, t) in targets.enumerated() {
                let a = o[t], b = u[e]
                var v: Float
                switch reduction {
                case .replace: v = b
                case .add: v = a + b
                case .mul: v = a * b
                case .max: v = pythonMinMax ? (b > a ? b : a) : (a.isNaN ? a : (b.isNaN ? b : Swift.max(a, b)))
                case .min: v = pythonMinMax ? (b < a ? b : a) : (a.isNaN ? a : (b.isNaN ? b : Swift.min(a, b)))
                }
                if let round { v = round(v) }
                o[t] = v
            }
            return Tensor.fromFloats(o, type: data.type, shape: data.shape)
        case .double:
            var o = data.doubles()
            let u = updates.doubles()
            for (e, t) in targets.enumerated() {
                let a = o[t], b = u[e]
                switch reduction {
                case .replace: o[t] = b
                case .add: o[t] = a + b
                case .mul: o[t] = a * b
                case .max: o[t] = pythonMinMax ? (b > a ? b : a) : (a.isNaN ? a : (b.isNaN ? b : Swift.max(a, b)))
                case .min: o[t] = pythonMinMax ? (b < a ? b : a) : (a.isNaN ? a : (b.isNaN ? b : Swift.min(a, b)))
                }
            }
            return Tensor.fromDoubles(o, type: data.type, shape: data.shape)
        case .integer:
            var o = data.int64s()
            let u = updates.int64s()
            // uint64 orders by its unsigned value: compare with the sign bit flipped.
            let flip: Int64 = data.type == .uint64 ? Int64.min : 0
            for (e, t) in targets.enumerated() {
                let a = o[t], b = u[e]
                switch reduction {
                case .replace: o[t] = b
                case .add: o[t] = a &+ b
                case .mul: o[t] = a &* b
                case .max: o[t] = (b ^ flip) > (a ^ flip) ? b : a
                case .min: o[t] = (b ^ flip) < (a ^ flip) ? b : a
                }
            }
            if data.type == .bool {
                // NumPy bool arithmetic: add is or, mul is and.
                return Tensor.fromInt64s(o.map { $0 != 0 ? 1 : 0 }, type: .bool, shape: data.shape)
            }
            return Tensor.fromInt64s(o, type: data.type, shape: data.shape)
        case .string:
            throw ctx.fail("reduction is not supported for \(data.type)", code: "unsupported-dtype")
        }
    }
}
