import FrictionCore

extension Kernels {
    /// Split: sizes from the `split` attribute (< 13; Split-1 also accepts a second input), the
    /// `split` input (≥ 13), `num_outputs` (≥ 18), or else equal parts, one per node output.
    static let split: [KernelSpec] = [
        KernelSpec("Split", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            let r = data.rank
            guard r > 0 else { throw ctx.fail("Split needs an input of rank ≥ 1") }
            let axis = try DataMovement.axis(ctx.int("axis", 0), rank: r, ctx)
            let dim = data.shape[axis]
            var sizes: [Int]?
            if ctx.opset < 13 {
                sizes = ctx.ints("split") ?? ctx.optional(1).map(DataMovement.ints)
            } else {
                sizes = ctx.optional(1).map(DataMovement.ints)
            }
            if let s = sizes, s.isEmpty { sizes = nil }
            let numOutputs = ctx.opset >= 18 ? ctx.node.int("num_outputs").map { Int(clamping: $0) } : nil
            if sizes != nil, numOutputs != nil { throw ctx.fail("give either the split input or num_outputs, not both") }
            let parts: [Int]
            if let s = sizes {
                for v in s where v < 0 { throw ctx.fail("split sizes \(s) must not be negative") }
                var sum = 0
                for v in s {
                    let (t, o) = sum.addingReportingOverflow(v)
                    guard !o else { throw ctx.fail("split sizes \(s) overflow") }
                    sum = t
                }
                guard sum == dim else { throw ctx.fail("split sizes \(s) do not add up to dimension \(dim)") }
                parts = s
            } else {
                let n = numOutputs ?? ctx.node.outputs.count
                guard n > 0 else { throw ctx.fail("Split needs at least one output") }
                guard n == ctx.node.outputs.count else { throw ctx.fail("num_outputs is \(n) but the node has \(ctx.node.outputs.count) outputs") }
                if dim % n == 0 {
                    parts = Array(repeating: dim / n, count: n)
                } else {
                    // As the reference: ceil-sized parts, the last one smaller.
                    let div = dim / n + 1
                    var p = Array(repeating: div, count: n)
                    p[n - 1] = dim - div * (n - 1)
                    guard p[n - 1] >= 0 else { throw ctx.fail("dimension \(dim) cannot be split into \(n) parts") }
                    parts = p
                }
            }
            let strides = Tensor.strides(data.shape)
            var outputs: [Tensor] = []
            var start = 0
            for size in parts {
                var shape = data.shape
                shape[axis] = size
                outputs.append(DataMovement.materialize(data, shape: shape, offset: start * strides[axis], strides: strides))
                start += size
            }
            return outputs
        },
    ]
}
