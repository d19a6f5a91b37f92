import FrictionCore

extension Kernels {
    static let transpose: [KernelSpec] = [
        KernelSpec("Transpose", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            let r = data.rank
            var perm = ctx.ints("perm") ?? []
            if perm.isEmpty { perm = Array((0..<r).reversed()) }
            guard perm.count == r else { throw ctx.fail("perm \(perm) does not match rank \(r)") }
            var seen = [Bool](repeating: false, count: r)
            for p in perm {
                guard p >= 0, p < r, !seen[p] else { throw ctx.fail("perm \(perm) is not a permutation of 0..<\(r)") }
                seen[p] = true
            }
            let shape = perm.map { data.shape[$0] }
            // Only size-1 axes move: the element order is unchanged.
            let moving = perm.filter { data.shape[$0] != 1 }
            if moving == moving.sorted() { return [data.reshaped(shape)] }
            let strides = Tensor.strides(data.shape)
            return [DataMovement.materialize(data, shape: shape, offset: 0, strides: perm.map { strides[$0] })]
        },
    ]
}
