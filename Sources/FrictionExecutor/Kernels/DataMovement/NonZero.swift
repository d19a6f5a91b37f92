import FrictionCore

extension Kernels {
    /// NonZero: int64 [rank, nnz], the coordinates of nonzero elements in row-major order
    /// (NaN counts as nonzero, ±0 as zero; a scalar gives shape [0, nnz]).
    static let nonZero: [KernelSpec] = [
        KernelSpec("NonZero", versions: 9...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let x = try ctx.input(0)
            let r = x.rank
            let flags: [Bool]
            if x.type == .float32 {
                let v = x.values(Float.self)
                flags = (0..<v.count).map { v[$0] != 0 }
            } else {
                flags = DataMovement.isNonzero(x)
            }
            var nnz = 0
            for f in flags where f { nnz += 1 }
            var out = [Int64](repeating: 0, count: r * nnz)
            var pos = [Int](repeating: 0, count: r)
            var k = 0
            for f in flags {
                if f {
                    for d in 0..<r { out[d * nnz + k] = Int64(pos[d]) }
                    k += 1
                }
                var d = r - 1
                while d >= 0 {
                    pos[d] += 1
                    if pos[d] < x.shape[d] { break }
                    pos[d] = 0
                    d -= 1
                }
            }
            return [Tensor.from(out, type: .int64, shape: [r, nnz])]
        },
    ]
}
