/// NumPy-style multidirectional broadcasting: the result shape, and a walk over the result in
/// rows (the innermost dimension), giving each input's offset and step for the row.
public enum Broadcast {
    /// The broadcast shape of `shapes`, or nil when two dimensions differ and neither is 1.
    public static func shape(_ shapes: [[Int]]) -> [Int]? {
        let rank = shapes.map(\.count).max() ?? 0
        var out = [Int](repeating: 1, count: rank)
        for s in shapes {
            for (i, d) in s.enumerated() {
                let j = rank - s.count + i
                if out[j] == 1 { out[j] = d } else if d != 1 && d != out[j] { return nil }
            }
        }
        return out
    }

    /// Element strides of `shape` seen through the broadcast `out` shape (0 on broadcast dims).
    public static func strides(_ shape: [Int], to out: [Int]) -> [Int] {
        let own = Tensor.strides(shape)
        var s = [Int](repeating: 0, count: out.count)
        for i in shape.indices {
            let j = out.count - shape.count + i
            s[j] = shape[i] == 1 ? 0 : own[i]
        }
        return s
    }

    /// Calls `row(outStart, offsets, steps, length)` for every innermost row of `out`, where
    /// `offsets[k]` and `steps[k]` locate input `k`'s elements for that row.
    public static func rows(_ out: [Int], inputs: [[Int]], _ row: (Int, [Int], [Int], Int) -> Void) {
        let count = out.reduce(1, *)
        guard count > 0 else { return }
        let strides = inputs.map { Self.strides($0, to: out) }
        guard let last = out.indices.last else {
            row(0, Array(repeating: 0, count: inputs.count), Array(repeating: 0, count: inputs.count), 1)
            return
        }
        let length = out[last]
        let steps = strides.map { $0[last] }
        var index = [Int](repeating: 0, count: out.count)
        var offsets = [Int](repeating: 0, count: inputs.count)
        var outStart = 0
        while outStart < count {
            row(outStart, offsets, steps, length)
            outStart += length
            // Advance the outer index (all dims but the last).
            var d = last - 1
            while d >= 0 {
                index[d] += 1
                for k in offsets.indices { offsets[k] += strides[k][d] }
                if index[d] < out[d] { break }
                for k in offsets.indices { offsets[k] -= strides[k][d] * out[d] }
                index[d] = 0
                d -= 1
            }
        }
    }
}
