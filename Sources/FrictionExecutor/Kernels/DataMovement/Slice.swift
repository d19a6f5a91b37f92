import FrictionCore

extension Kernels {
    /// Slice: `starts`/`ends`/`axes` attributes before opset 10; inputs (with `steps`) from 10.
    /// Bounds clamp as NumPy's slices do, negative steps included.
    static let slice: [KernelSpec] = [
        KernelSpec("Slice", versions: 1...9) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            guard let starts = ctx.ints("starts"), let ends = ctx.ints("ends") else {
                throw ctx.fail("Slice needs starts and ends")
            }
            let axes = ctx.ints("axes").flatMap { $0.isEmpty ? nil : $0 }
            return [try SliceOp.slice(data, starts: starts, ends: ends, axes: axes, steps: nil, ctx)]
        },
        KernelSpec("Slice", versions: 10...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            let starts = DataMovement.ints(try ctx.input(1))
            let ends = DataMovement.ints(try ctx.input(2))
            let axes = ctx.optional(3).map(DataMovement.ints)
            let steps = ctx.optional(4).map(DataMovement.ints)
            return [try SliceOp.slice(data, starts: starts, ends: ends, axes: axes, steps: steps, ctx)]
        },
    ]
}

enum SliceOp {
    /// NumPy's `slice.indices(n)`: the first index and the element count for start/end/step.
    static func bounds(start: Int, end: Int, step: Int, n: Int) -> (first: Int, count: Int) {
        var s = start, e = end
        if step > 0 {
            if s < 0 { s = max(s &+ n, 0) } else if s > n { s = n }
            if e < 0 { e = max(e &+ n, 0) } else if e > n { e = n }
            return (s, s < e ? (e - s - 1) / step + 1 : 0)
        }
        if s < 0 { s = max(s &+ n, -1) } else if s >= n { s = n - 1 }
        if e < 0 { e = max(e &+ n, -1) } else if e >= n { e = n - 1 }
        // step < 0; (e - s + 1) / step for a positive count.
        return (s, e < s ? (s - e - 1) / (0 &- step) + 1 : 0)
    }

    static func slice(_ data: Tensor, starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?,
                      _ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        let r = data.rank
        guard starts.count == ends.count else { throw ctx.fail("starts \(starts) and ends \(ends) differ in length") }
        let axisList = axes ?? Array(0..<starts.count)
        guard axisList.count == starts.count else { throw ctx.fail("axes \(axisList) and starts \(starts) differ in length") }
        if let steps, steps.count != starts.count { throw ctx.fail("steps \(steps) and starts \(starts) differ in length") }
        let strides = Tensor.strides(data.shape)
        var shape = data.shape
        var viewStrides = strides
        var offset = 0
        var seen = [Bool](repeating: false, count: r)
        for (k, a) in axisList.enumerated() {
            let axis = try DataMovement.axis(a, rank: r, ctx)
            guard !seen[axis] else { throw ctx.fail("axis \(a) is repeated in \(axisList)") }
            seen[axis] = true
            let step = steps?[k] ?? 1
            guard step != 0 else { throw ctx.fail("slice step must not be 0") }
            let n = data.shape[axis]
            let (first, count) = bounds(start: starts[k], end: ends[k], step: step, n: n)
            shape[axis] = count
            if count > 0 { offset += first * strides[axis] }
            viewStrides[axis] = strides[axis] &* step
        }
        if shape == data.shape, offset == 0, viewStrides == strides { return data }
        return DataMovement.materialize(data, shape: shape, offset: offset, strides: viewStrides)
    }
}
