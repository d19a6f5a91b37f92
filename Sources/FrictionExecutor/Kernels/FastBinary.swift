/// Float32 Add / Sub / Mul / Div over contiguous rows, written as plain loops the compiler
/// vectorizes (no per-element closure): the shapes transformer graphs hit — equal shapes, a
/// scalar operand, and a trailing vector (bias) broadcast over rows.
enum FastBinary {
    enum Op: Sendable { case add, sub, mul, div }

    /// o[i] = x[i] op y[i] for i in 0..<n; `xStep`/`yStep` are 1 (contiguous) or 0 (scalar).
    @inline(__always)
    static func row(_ op: Op, _ o: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ xStep: Int,
                    _ y: UnsafePointer<Float>, _ yStep: Int, _ n: Int) {
        switch (op, xStep, yStep) {
        case (.add, 1, 1): for i in 0..<n { o[i] = x[i] + y[i] }
        case (.sub, 1, 1): for i in 0..<n { o[i] = x[i] - y[i] }
        case (.mul, 1, 1): for i in 0..<n { o[i] = x[i] * y[i] }
        case (.div, 1, 1): for i in 0..<n { o[i] = x[i] / y[i] }
        case (.add, 1, 0): let c = y[0]; for i in 0..<n { o[i] = x[i] + c }
        case (.sub, 1, 0): let c = y[0]; for i in 0..<n { o[i] = x[i] - c }
        case (.mul, 1, 0): let c = y[0]; for i in 0..<n { o[i] = x[i] * c }
        case (.div, 1, 0): let c = y[0]; for i in 0..<n { o[i] = x[i] / c }
        case (.add, 0, 1): let c = x[0]; for i in 0..<n { o[i] = c + y[i] }
        case (.sub, 0, 1): let c = x[0]; for i in 0..<n { o[i] = c - y[i] }
        case (.mul, 0, 1): let c = x[0]; for i in 0..<n { o[i] = c * y[i] }
        case (.div, 0, 1): let c = x[0]; for i in 0..<n { o[i] = c / y[i] }
        default:
            var ix = 0, iy = 0
            for i in 0..<n {
                let a = x[ix], b = y[iy]
                switch op {
                case .add: o[i] = a + b
                case .sub: o[i] = a - b
                case .mul: o[i] = a * b
                case .div: o[i] = a / b
                }
                ix += xStep; iy += yStep
            }
        }
    }

    /// The result, or nil when the shapes need the general broadcasting walk.
    static func apply(_ op: Op, _ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor? {
        let n = shape.reduce(1, *)
        let out = Tensor(zeros: .float32, shape)
        guard let o = out.values(Float.self).baseAddress, let x = a.values(Float.self).baseAddress,
              let y = b.values(Float.self).baseAddress else { return n == 0 ? out : nil }
        let xp = UnsafePointer(x), yp = UnsafePointer(y)
        if a.count == n && b.count == n && a.shape == b.shape {
            Parallel.ranges(n) { r in row(op, o + r.lowerBound, xp + r.lowerBound, 1, yp + r.lowerBound, 1, r.count) }
            return out
        }
        if a.count == n && b.count == 1 {
            Parallel.ranges(n) { r in row(op, o + r.lowerBound, xp + r.lowerBound, 1, yp, 0, r.count) }
            return out
        }
        if b.count == n && a.count == 1 {
            Parallel.ranges(n) { r in row(op, o + r.lowerBound, xp, 0, yp + r.lowerBound, 1, r.count) }
            return out
        }
        // A trailing vector broadcast over rows: [.., k] op [k] (either side).
        if let k = shape.last, k > 0, n % k == 0 {
            let rows = n / k
            if a.count == n, b.count == k, b.shape.last == k, a.shape == shape {
                Parallel.ranges(rows) { r in for i in r { row(op, o + i * k, xp + i * k, 1, yp, 1, k) } }
                return out
            }
            if b.count == n, a.count == k, a.shape.last == k, b.shape == shape {
                Parallel.ranges(rows) { r in for i in r { row(op, o + i * k, xp, 1, yp + i * k, 1, k) } }
                return out
            }
        }
        return nil
    }
}
