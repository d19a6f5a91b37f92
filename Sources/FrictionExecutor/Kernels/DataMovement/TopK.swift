import FrictionCore

extension Kernels {
    /// TopK: `k` attribute before opset 10, K input from 10; `largest`/`sorted` from 11. Results
    /// are always sorted; equal values keep the lower index first; NaN orders above every number
    /// (as NumPy's sort, which the reference uses).
    static let topK: [KernelSpec] = [
        KernelSpec("TopK", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let x = try ctx.input(0)
            let k: Int
            if ctx.opset < 10 {
                guard let v = ctx.node.int("k") else { throw ctx.fail("TopK needs k") }
                k = Int(clamping: v)
            } else {
                let kv = DataMovement.ints(try ctx.input(1))
                guard kv.count == 1 else { throw ctx.fail("K must hold one value") }
                k = kv[0]
            }
            let largest = ctx.opset < 11 || ctx.int("largest", 1) != 0
            let r = x.rank
            guard r > 0 else { throw ctx.fail("TopK needs rank ≥ 1") }
            let axis = try DataMovement.axis(ctx.int("axis", -1), rank: r, ctx)
            let n = x.shape[axis]
            guard k >= 0, k <= n else { throw ctx.fail("k = \(k) is out of range for axis \(axis) of size \(n)") }
            var shape = x.shape
            shape[axis] = k
            let outer = DataMovement.product(x.shape, 0..<axis)
            let inner = DataMovement.product(x.shape, (axis + 1)..<r)
            let count = outer * k * inner
            var offsets = [Int](repeating: 0, count: count)
            var positions = [Int64](repeating: 0, count: count)
            let keys = try OrderKeys(x, ctx)
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * n * inner + i
                    let order = keys.order(base: base, stride: inner, n: n, k: k, largest: largest)
                    for (t, j) in order.enumerated() {
                        let p = (o * k + t) * inner + i
                        offsets[p] = base + j * inner
                        positions[p] = Int64(j)
                    }
                }
            }
            return [DataMovement.take(x, offsets: offsets, shape: shape), Tensor.from(positions, type: .int64, shape: shape)]
        },
    ]

    /// ArgMax / ArgMin: int64 indices along `axis`; `keepdims`; `select_last_index` (12+). A NaN
    /// wins (its first occurrence, or last with select_last_index), as NumPy's argmax/argmin.
    static let argMinMax: [KernelSpec] = [
        KernelSpec("ArgMax", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try OrderKeys.argExtreme(ctx, largest: true)]
        },
        KernelSpec("ArgMin", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try OrderKeys.argExtreme(ctx, largest: false)]
        },
    ]
}

/// A tensor's elements as sortable keys: floats as Double (NaN kept), integers as Int64
/// (uint64 with its sign bit flipped so the order is unsigned).
enum OrderKeys {
    case real([Double])
    case integer([Int64])

    init(_ t: Tensor, _ ctx: KernelContext) throws(ExecutionError) {
        switch ComputeDomain(t.type) {
        case .float, .double: self = .real(t.doubles())
        case .integer:
            self = t.type == .uint64 ? .integer(t.int64s().map { $0 ^ Int64.min }) : .integer(t.int64s())
        case .string: throw ctx.fail("\(t.type) cannot be ordered", code: "unsupported-dtype")
        }
    }

    /// The first `k` positions of the slice `keys[base + j·stride]`, j < n, in order.
    func order(base: Int, stride: Int, n: Int, k: Int, largest: Bool) -> [Int] {
        switch self {
        case .real(let v): return Self.order(v, base: base, stride: stride, n: n, k: k, largest: largest)
        case .integer(let v): return Self.order(v, base: base, stride: stride, n: n, k: k, largest: largest)
        }
    }

    static func order<K: Comparable>(_ keys: [K], base: Int, stride: Int, n: Int, k: Int, largest: Bool) -> [Int] {
        guard k > 0 else { return [] }
        return keys.withUnsafeBufferPointer { buf -> [Int] in
            func before(_ a: Int, _ b: Int) -> Bool {
                let x = buf[base + a * stride], y = buf[base + b * stride]
                let xn = x != x, yn = y != y  // NaN is the only value unequal to itself
                if xn || yn {
                    if xn && yn { return a < b }
                    return largest ? xn : yn
                }
                if x == y { return a < b }
                return largest ? x > y : x < y
            }
            if k * 4 >= n {
                var idx = Array(0..<n)
                idx.sort(by: before)
                return Array(idx.prefix(k))
            }
            // Few wanted: keep the best k in order, rejecting most candidates with one comparison.
            var best: [Int] = []
            best.reserveCapacity(k + 1)
            for i in 0..<n {
                if best.count == k, let last = best.last, !before(i, last) { continue }
                var lo = 0, hi = best.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if before(best[mid], i) { lo = mid + 1 } else { hi = mid }
                }
                best.insert(i, at: lo)
                if best.count > k { best.removeLast() }
            }
            return best
        }
    }

    static func argExtreme(_ ctx: KernelContext, largest: Bool) throws(ExecutionError) -> Tensor {
        let x = try ctx.input(0)
        let r = x.rank
        let axis = try DataMovement.axis(ctx.int("axis", 0), rank: r, ctx)
        guard r > 0 else { throw ctx.fail("rank-0 input has no axis") }
        let keepdims = ctx.int("keepdims", 1) != 0
        let last = ctx.opset >= 12 && ctx.int("select_last_index", 0) != 0
        let n = x.shape[axis]
        var shape = x.shape
        if keepdims { shape[axis] = 1 } else { shape.remove(at: axis) }
        let outer = DataMovement.product(x.shape, 0..<axis)
        let inner = DataMovement.product(x.shape, (axis + 1)..<r)
        if n == 0 && outer * inner > 0 { throw ctx.fail("cannot take an arg-extreme over an empty axis") }
        var out = [Int64](repeating: 0, count: outer * inner)
        let keys = try OrderKeys(x, ctx)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * n * inner + i
                out[o * inner + i] = Int64(keys.extreme(base: base, stride: inner, n: n, largest: largest, last: last))
            }
        }
        return Tensor.from(out, type: .int64, shape: shape)
    }

    func extreme(base: Int, stride: Int, n: Int, largest: Bool, last: Bool) -> Int {
        switch self {
        case .real(let v): return Self.extreme(v, base: base, stride: stride, n: n, largest: largest, last: last)
        case .integer(let v): return Self.extreme(v, base: base, stride: stride, n: n, largest: largest, last: last)
        }
    }

    static func extreme<K: Comparable>(_ keys: [K], base: Int, stride: Int, n: Int, largest: Bool, last: Bool) -> Int {
        var best = 0
        var bestValue = keys[base]
        var bestNaN = bestValue != bestValue
        if bestNaN && !last { return 0 }
        for j in 1..<max(n, 1) {
            let v = keys[base + j * stride]
            let vn = v != v
            let better: Bool
            if bestNaN {
                better = vn && last
            } else if vn {
                better = true
            } else if v == bestValue {
                better = last
            } else {
                better = largest ? v > bestValue : v < bestValue
            }
            if better {
                best = j; bestValue = v; bestNaN = vn
                if vn && !last { return best }
            }
        }
        return best
    }
}
