import FrictionCore

extension Kernels {
    /// Constant: `value` (a tensor), `sparse_value` (11+), or one of value_float(s) (float32),
    /// value_int(s) (int64), value_string(s) (12+).
    static let constant: [KernelSpec] = [
        KernelSpec("Constant", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            if let t = try ctx.tensorAttribute("value") { return [t] }
            switch ctx.node.attribute("sparse_value") {
            case .sparseTensor(let s)?: return [try ConstantOp.sparse(s, ctx)]
            default: break
            }
            if let v = ctx.node.float("value_float") { return [Tensor.from([v], type: .float32, shape: [])] }
            if let v = ctx.floats("value_floats") { return [Tensor.from(v, type: .float32, shape: [v.count])] }
            if let v = ctx.node.int("value_int") { return [Tensor.int64s([v], shape: [])] }
            if let v = ctx.node.ints("value_ints") { return [Tensor.int64s(v, shape: [v.count])] }
            if let v = ctx.node.string("value_string") {
                var t = Tensor(zeros: .string, [])
                t.strings = [v]
                return [t]
            }
            if case .strings(let v)? = ctx.node.attribute("value_strings") {
                var t = Tensor(zeros: .string, [v.count])
                t.strings = v.map { String(decoding: $0, as: UTF8.self) }
                return [t]
            }
            throw ctx.fail("Constant has no value attribute")
        },
    ]

    /// ConstantOfShape: the one element of `value` (default float32 0) repeated over the shape input.
    static let constantOfShape: [KernelSpec] = [
        KernelSpec("ConstantOfShape", versions: 9...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let shape = DataMovement.ints(try ctx.input(0))
            let value = try ctx.tensorAttribute("value") ?? Tensor.from([Float(0)], type: .float32, shape: [1])
            guard value.count == 1 else { throw ctx.fail("value must hold one element, not \(value.count)") }
            var out = try DataMovement.allocate(value.type, shape, ctx)
            DataMovement.fill(&out, with: value, at: 0)
            return [out]
        },
    ]

    /// Range: `start + i·delta` for i < max(ceil((limit − start) / delta), 0); floats as
    /// `numpy.arange` computes them (in float64, then cast to the input type).
    static let range: [KernelSpec] = [
        KernelSpec("Range", versions: 11...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let start = try ctx.input(0), limit = try ctx.input(1), delta = try ctx.input(2)
            guard start.count == 1, limit.count == 1, delta.count == 1 else { throw ctx.fail("start, limit and delta must be scalars") }
            let type = start.type
            switch ComputeDomain(type) {
            case .integer:
                let s = start.int64s()[0], l = limit.int64s()[0], d = delta.int64s()[0]
                guard d != 0 else { throw ctx.fail("delta must not be 0") }
                // ceil((l - s) / d), exactly when the difference fits, else through Double.
                let (span, o) = l.subtractingReportingOverflow(s)
                var n: Int
                if o || (span == Int64.min && d == -1) {
                    let c = ((Double(l) - Double(s)) / Double(d)).rounded(.up)
                    n = c <= 0 ? 0 : Int(exactly: c) ?? Int.max
                } else {
                    let q = span / d, rem = span % d
                    n = Int(q) + ((rem != 0 && (rem > 0) == (d > 0)) ? 1 : 0)
                }
                n = max(n, 0)
                _ = try DataMovement.count([n], elementSize: 8, ctx)
                var values = [Int64](repeating: 0, count: n)
                var v = s
                for i in 0..<n { values[i] = v; v = v &+ d }
                return [Tensor.fromInt64s(values, type: type, shape: [n])]
            case .float, .double:
                let s = start.doubles()[0], l = limit.doubles()[0], d = delta.doubles()[0]
                guard d != 0, !d.isNaN else { throw ctx.fail("delta must be nonzero") }
                let count = ((l - s) / d).rounded(.up)
                if count.isInfinite && count > 0 { throw ctx.fail("range \(s) ..< \(l) by \(d) is infinite", code: "tensor-too-large") }
                let n = count.isNaN || count <= 0 ? 0 : Int(exactly: count) ?? Int.max
                _ = try DataMovement.count([n], elementSize: 8, ctx)
                // numpy.arange: first = start, second = start + delta, then start + i·(second − first).
                var values = [Double](repeating: 0, count: n)
                if n > 0 { values[0] = s }
                if n > 1 {
                    values[1] = s + d
                    let step = values[1] - s
                    if n > 2 { for i in 2..<n { values[i] = s + Double(i) * step } }
                }
                return [Tensor.fromDoubles(values, type: type, shape: [n])]
            case .string:
                throw ctx.fail("Range does not take \(type)", code: "unsupported-dtype")
            }
        },
    ]
}

enum ConstantOp {
    /// A dense tensor from a sparse one: values [NNZ] at linear indices [NNZ] or coordinates [NNZ, rank].
    static func sparse(_ s: SparseTensorInfo, _ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        let values = try ctx.executor.materializer.tensor(s.values)
        let indices = try ctx.executor.materializer.tensor(s.indices)
        guard let dims = s.shape.fixedDims else { throw ctx.fail("sparse_value has a symbolic shape") }
        let shape = dims.map { Int(clamping: $0) }
        var out = try DataMovement.allocate(values.type, shape, ctx)
        let n = out.count
        let nnz = values.count
        let idx = DataMovement.ints(indices)
        let strides = Tensor.strides(shape)
        for e in 0..<nnz {
            var offset = 0
            if indices.rank == 1 {
                guard e < idx.count else { throw ctx.fail("sparse_value has fewer indices than values") }
                offset = idx[e]
            } else {
                let r = shape.count
                guard (e + 1) * r <= idx.count else { throw ctx.fail("sparse_value has fewer indices than values") }
                for d in 0..<r {
                    let v = idx[e * r + d]
                    guard v >= 0, v < shape[d] else { throw ctx.fail("sparse index \(v) is out of range for axis \(d)") }
                    offset += v * strides[d]
                }
            }
            guard offset >= 0, offset < n else { throw ctx.fail("sparse index \(offset) is out of range") }
            DataMovement.copy(values, e, into: &out, offset, count: 1)
        }
        return out
    }
}
