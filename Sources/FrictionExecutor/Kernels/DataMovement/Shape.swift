import FrictionCore

extension Kernels {
    /// Shape (with `start`/`end` from 15, clamped to [0, rank]) and Size.
    static let shape: [KernelSpec] = [
        KernelSpec("Shape", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            let r = data.rank
            var dims = data.shape
            if ctx.opset >= 15 {
                func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + r : v, 0), r) }
                let start = clamp(ctx.int("start", 0))
                let end = clamp(ctx.node.int("end").map { Int(clamping: $0) } ?? r)
                dims = start < end ? Array(data.shape[start..<end]) : []
            }
            return [Tensor.int64s(dims.map { Int64($0) })]
        },
    ]

    static let size: [KernelSpec] = [
        KernelSpec("Size", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            return [Tensor.int64s([Int64(data.count)], shape: [])]
        },
    ]
}
