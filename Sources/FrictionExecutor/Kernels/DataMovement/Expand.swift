import FrictionCore

extension Kernels {
    /// Expand: NumPy broadcasting of the input against `shape` (dims of 1 in `shape` keep the
    /// input's, so the output may be larger than `shape`).
    static let expand: [KernelSpec] = [
        KernelSpec("Expand", versions: 8...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            let target = DataMovement.ints(try ctx.input(1))
            for d in target where d < 0 { throw ctx.fail("shape \(target) has a negative dimension") }
            guard let shape = Broadcast.shape([data.shape, target]) else {
                throw ctx.fail("input \(data.shape) does not broadcast to \(target)")
            }
            if shape == data.shape { return [data] }
            var out = try DataMovement.allocate(data.type, shape, ctx)
            DataMovement.run(
                DataMovement.StridedCopy(shape: shape, srcStrides: Broadcast.strides(data.shape, to: shape),
                                         dstStrides: Tensor.strides(shape)),
                from: data, into: &out)
            return [out]
        },
    ]

    /// Tile: `repeats` copies along each axis (Tile-1 took `tiles` and `axis` inputs).
    static let tile: [KernelSpec] = [
        KernelSpec("Tile", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            let r = data.rank
            var repeats: [Int]
            if ctx.opset < 6 {
                guard let tiles = DataMovement.ints(try ctx.input(1)).first,
                      let rawAxis = DataMovement.ints(try ctx.input(2)).first else {
                    throw ctx.fail("Tile-1 needs tiles and axis")
                }
                let axis = try DataMovement.axis(rawAxis, rank: r, ctx)
                repeats = Array(repeating: 1, count: r)
                repeats[axis] = tiles
            } else {
                repeats = DataMovement.ints(try ctx.input(1))
            }
            guard repeats.count == r else { throw ctx.fail("repeats \(repeats) must have one value per axis (rank \(r))") }
            for v in repeats where v < 0 { throw ctx.fail("repeats \(repeats) must not be negative") }
            var shape = data.shape
            for i in 0..<r {
                let (p, o) = shape[i].multipliedReportingOverflow(by: repeats[i])
                guard !o else { throw ctx.fail("the output is too large", code: "tensor-too-large") }
                shape[i] = p
            }
            if repeats.allSatisfy({ $0 == 1 }) { return [data] }
            var out = try DataMovement.allocate(data.type, shape, ctx)
            // The output seen as [r0, d0, r1, d1, ...]: the input broadcast along the repeat axes.
            let strides = Tensor.strides(data.shape)
            var viewShape: [Int] = [], srcStrides: [Int] = []
            for i in 0..<r {
                viewShape += [repeats[i], data.shape[i]]
                srcStrides += [0, strides[i]]
            }
            DataMovement.run(
                DataMovement.StridedCopy(shape: viewShape, srcStrides: srcStrides, dstStrides: Tensor.strides(viewShape)),
                from: data, into: &out)
            return [out]
        },
    ]
}
