extension PairTransform {
    /// Applies the transform to `values` (NumPy order, `shape`): the layout the export should hold.
    /// `heads` is the head count the permutation splits rows by (Q: attention heads, K: KV heads).
    public func apply(_ values: [Float], shape: [UInt64], heads: Int?) -> (values: [Float], shape: [UInt64])? {
        switch self {
        case .none:
            return (values, shape)
        case .addOne:
            return (values.map { $0 + 1 }, shape)
        case .transpose:
            guard shape.count == 2, let rows = Int(exactly: shape[0]), let cols = Int(exactly: shape[1]),
                  case let (count, overflow) = rows.multipliedReportingOverflow(by: cols), !overflow, count == values.count else { return nil }
            var out = [Float](repeating: 0, count: values.count)
            for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = values[r * cols + c] } }
            return (out, [shape[1], shape[0]])
        case .permuteQ, .permuteK:
            // llama.cpp: w.reshape(n_head, 2, rows / n_head / 2, *rest).swapaxes(1, 2).reshape(w.shape)
            guard let heads, heads > 0, let first = shape.first, let rows = Int(exactly: first), heads <= rows / 2 else { return nil }
            let width = values.count / rows
            guard rows % (2 * heads) == 0, rows * width == values.count else { return nil }
            let half = rows / heads / 2
            var out = [Float](repeating: 0, count: values.count)
            for h in 0..<heads {
                for i in 0..<2 {
                    for j in 0..<half {
                        let from = h * 2 * half + i * half + j, to = h * 2 * half + j * 2 + i
                        for c in 0..<width { out[to * width + c] = values[from * width + c] }
                    }
                }
            }
            return (out, shape)
        }
    }
}
