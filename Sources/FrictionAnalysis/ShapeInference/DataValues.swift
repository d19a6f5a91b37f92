import FrictionCore

/// Data propagation: arithmetic on the element values of small integer tensors (shape tensors), so
/// that `Shape → Gather → Concat → Reshape` chains keep their symbolic sizes, like onnx's
/// `data_prop=True`. Values are flat lists of ``DimExpr``; a nil element is unknown.
enum DataValues {
    /// All values as integers, or nil when any is unknown or symbolic.
    static func constants(_ values: [DimExpr?]) -> [Int64]? {
        var out: [Int64] = []
        out.reserveCapacity(values.count)
        for value in values {
            guard let n = value?.constant else { return nil }
            out.append(n)
        }
        return out
    }

    /// A binary operation applied elementwise, a one-element side repeating (rank ≤ 1 broadcasting).
    static func zip(_ a: [DimExpr?], _ b: [DimExpr?], _ op: (DimExpr?, DimExpr?) -> DimExpr?) -> [DimExpr?]? {
        switch (a.count, b.count) {
        case let (x, y) where x == y: return Swift.zip(a, b).map(op)
        case (1, _): return b.map { op(a[0], $0) }
        case (_, 1): return a.map { op($0, b[0]) }
        default: return nil
        }
    }

    /// The element operations data propagation follows, by op type.
    static let binary: [String: @Sendable (DimExpr?, DimExpr?) -> DimExpr?] = [
        "Add": DimExpr.sum,
        "Sub": DimExpr.difference,
        "Mul": DimExpr.product,
        "Div": DimExpr.floorQuotient,
        "Max": DimExpr.max,
        "Min": DimExpr.min,
        "Equal": equal,
        "Less": { less($0, $1) },
        "Greater": { less($1, $0) },
        "Mod": mod,
    ]

    /// 1 when two values are equal, 0 when they differ, nil when undecidable. Symbolic sizes are
    /// never negative, so `Equal(seq, -1)` is 0 (the `-1` test exporters use around Reshape/Expand).
    static func equal(_ a: DimExpr?, _ b: DimExpr?) -> DimExpr? {
        guard let a, let b else { return nil }
        if a == b { return DimExpr(1) }
        if let gap = DimExpr.difference(a, b)?.constant { return DimExpr(gap == 0 ? 1 : 0) }
        if a.isNonNegative, let n = b.constant, n < 0 { return DimExpr(0) }
        if b.isNonNegative, let n = a.constant, n < 0 { return DimExpr(0) }
        return nil
    }

    /// 1 when `a < b`, 0 when not, nil when undecidable.
    static func less(_ a: DimExpr?, _ b: DimExpr?) -> DimExpr? {
        guard let gap = DimExpr.difference(b, a)?.constant else { return nil }
        return DimExpr(gap > 0 ? 1 : 0)
    }

    /// `a mod b` for constants (sign of the divisor, as ONNX Mod with fmod=0).
    static func mod(_ a: DimExpr?, _ b: DimExpr?) -> DimExpr? {
        guard let x = a?.constant, let y = b?.constant, y != 0 else { return nil }
        if y == -1 { return DimExpr(0) }
        let r = x % y
        return DimExpr(r != 0 && (r < 0) != (y < 0) ? r + y : r)
    }

    /// `Where(cond, x, y)` when the condition values are known.
    static func select(_ cond: [DimExpr?], _ x: [DimExpr?], _ y: [DimExpr?]) -> [DimExpr?]? {
        let count = Swift.max(cond.count, x.count, y.count)
        guard [cond.count, x.count, y.count].allSatisfy({ $0 == count || $0 == 1 }) else { return nil }
        var out: [DimExpr?] = []
        for i in 0..<count {
            guard let flag = cond[cond.count == 1 ? 0 : i]?.constant else { return nil }
            out.append(flag != 0 ? x[x.count == 1 ? 0 : i] : y[y.count == 1 ? 0 : i])
        }
        return out
    }

    /// Python-style selection of `indices` from `values` (negative indices count from the end).
    static func gather(_ values: [DimExpr?], _ indices: [Int64]) -> [DimExpr?]? {
        var out: [DimExpr?] = []
        for index in indices {
            guard let i = OpContext.axis(index, rank: values.count) else { return nil }
            out.append(values[i])
        }
        return out
    }
}
