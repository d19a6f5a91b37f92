import FrictionCore

extension Kernels {
    static let concat: [KernelSpec] = [
        KernelSpec("Concat", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let parts = ctx.inputs.compactMap { $0 }
            guard let first = parts.first else { throw ctx.fail("Concat needs at least one input") }
            let r = first.rank
            guard r > 0 else { throw ctx.fail("Concat inputs must have rank ≥ 1") }
            // Concat-1 defaults the axis to 1; from 4 on it is required.
            guard let rawAxis = ctx.node.int("axis").map({ Int(clamping: $0) }) ?? (ctx.opset < 4 ? 1 : nil) else {
                throw ctx.fail("Concat needs an axis")
            }
            let axis = try DataMovement.axis(rawAxis, rank: r, ctx)
            var shape = first.shape
            shape[axis] = 0
            for p in parts {
                guard p.type == first.type else { throw ctx.fail("inputs have different types \(first.type) and \(p.type)") }
                guard p.rank == r else { throw ctx.fail("inputs have different ranks: \(first.shape) and \(p.shape)") }
                for d in 0..<r where d != axis && p.shape[d] != first.shape[d] {
                    throw ctx.fail("input shapes \(first.shape) and \(p.shape) differ outside axis \(axis)")
                }
                let (s, o) = shape[axis].addingReportingOverflow(p.shape[axis])
                guard !o else { throw ctx.fail("the output is too large", code: "tensor-too-large") }
                shape[axis] = s
            }
            var out = try DataMovement.allocate(first.type, shape, ctx)
            let outStrides = Tensor.strides(shape)
            let outer = DataMovement.product(shape, 0..<axis)
            var offset = 0
            for p in parts {
                let n = p.count
                if n > 0 {
                    if outer == 1 {
                        // One contiguous block per input.
                        DataMovement.copy(p, 0, into: &out, offset * outStrides[axis], count: n)
                    } else {
                        DataMovement.run(
                            DataMovement.StridedCopy(shape: p.shape, srcStrides: Tensor.strides(p.shape),
                                                     dstOffset: offset * outStrides[axis], dstStrides: outStrides),
                            from: p, into: &out)
                    }
                }
                offset += p.shape[axis]
            }
            return [out]
        },
    ]
}
