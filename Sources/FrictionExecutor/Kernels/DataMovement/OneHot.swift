import FrictionCore

extension Kernels {
    /// OneHot: a new axis of size `depth` (indices and depth truncated to integers; negative
    /// indices wrap once; out-of-range ones give all off). Output elements are computed as the
    /// reference does: onehot · (on − off) + off, in the values' dtype.
    static let oneHot: [KernelSpec] = [
        KernelSpec("OneHot", versions: 9...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let indices = try ctx.input(0), depthTensor = try ctx.input(1), values = try ctx.input(2)
            guard depthTensor.count == 1 else { throw ctx.fail("depth must hold one value") }
            guard values.count == 2 else { throw ctx.fail("values must hold [off_value, on_value]") }
            let depth = DataMovement.ints(depthTensor)[0]
            guard depth >= 1 else { throw ctx.fail("depth \(depth) must be positive") }
            let r = indices.rank
            let raw = ctx.int("axis", -1)
            let axis = raw < 0 ? raw + r + 1 : raw
            guard axis >= 0, axis <= r else { throw ctx.fail("axis \(raw) is out of range for output rank \(r + 1)") }
            let shape = Array(indices.shape[..<axis]) + [depth] + Array(indices.shape[axis...])
            var out = try DataMovement.allocate(values.type, shape, ctx)
            guard out.count > 0 else { return [out] }
            let (cold, hot) = OneHotOp.offOn(values)
            DataMovement.fill(&out, with: cold, at: 0)
            let outer = DataMovement.product(indices.shape, 0..<axis)
            let inner = DataMovement.product(indices.shape, axis..<r)
            let idx = indices.type.traits.family == .float
                ? indices.doubles().map { $0.isFinite ? Int(exactly: $0.rounded(.towardZero)) ?? Int.min : Int.min }
                : DataMovement.ints(indices)
            for o in 0..<outer {
                for i in 0..<inner {
                    guard let v = DataMovement.wrap(idx[o * inner + i], depth) else { continue }
                    DataMovement.copy(hot, 0, into: &out, (o * depth + v) * inner + i, count: 1)
                }
            }
            return [out]
        },
    ]
}

enum OneHotOp {
    /// (off, on) as the reference computes them: 0·(on − off) + off and 1·(on − off) + off, each
    /// step rounded to the values' dtype.
    static func offOn(_ values: Tensor) -> (Tensor, Tensor) {
        let type = values.type
        func element(_ i: Int) -> Tensor {
            var t = Tensor(zeros: type, [])
            DataMovement.copy(values, i, into: &t, 0, count: 1)
            return t
        }
        switch ComputeDomain(type) {
        case .float:
            let v = values.floats()
            func round(_ x: Float) -> Float { Tensor.fromFloats([x], type: type, shape: []).floats()[0] }
            let d = round(v[1] - v[0])
            return (Tensor.fromFloats([round(0 * d + v[0])], type: type, shape: []),
                    Tensor.fromFloats([round(1 * d + v[0])], type: type, shape: []))
        case .double:
            let v = values.doubles()
            let d = v[1] - v[0]
            return (Tensor.fromDoubles([0 * d + v[0]], type: type, shape: []),
                    Tensor.fromDoubles([d + v[0]], type: type, shape: []))
        case .integer:
            // Wrapping integer arithmetic gives back off and on exactly; bool has no subtraction.
            return (element(0), element(1))
        case .string:
            return (element(0), element(1))
        }
    }
}
