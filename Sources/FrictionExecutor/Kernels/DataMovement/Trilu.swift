import FrictionCore

extension Kernels {
    /// Trilu: keeps j − i ≥ k (upper) or j − i ≤ k (lower) in each trailing N × M matrix, zeros elsewhere.
    static let trilu: [KernelSpec] = [
        KernelSpec("Trilu", versions: 14...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            let r = data.rank
            guard r >= 2 else { throw ctx.fail("Trilu needs rank ≥ 2, got \(data.shape)") }
            var k = 0
            if let kt = ctx.optional(1), kt.count > 0 { k = DataMovement.ints(kt)[0] }
            let upper = ctx.int("upper", 1) != 0
            let rows = data.shape[r - 2], cols = data.shape[r - 1]
            let matrices = DataMovement.product(data.shape, 0..<(r - 2))
            var out = Tensor(zeros: data.type, data.shape)
            guard out.count > 0 else { return [out] }
            // Clamp k so i + k cannot overflow (anything beyond ±(rows + cols) acts the same).
            let kk = min(max(k, -(rows + cols + 1)), rows + cols + 1)
            for m in 0..<matrices {
                for i in 0..<rows {
                    let lo: Int, hi: Int  // kept columns [lo, hi)
                    if upper {
                        lo = min(max(i + kk, 0), cols); hi = cols
                    } else {
                        lo = 0; hi = min(max(i + kk + 1, 0), cols)
                    }
                    let row = (m * rows + i) * cols
                    DataMovement.copy(data, row + lo, into: &out, row + lo, count: hi - lo)
                }
            }
            return [out]
        },
    ]
}
