import FrictionCore

/// Shape functions of reductions: ReduceMean/Sum/Max/Min/Prod/L1/L2/LogSum/LogSumExp/SumSquare,
/// ArgMax/ArgMin, and TopK.
enum ReduceOps {
    /// Reduce*: `axes` from the attribute or from input 1 (ReduceSum from opset 13, the others from
    /// 18); no axes reduces every dim unless `noop_with_empty_axes`; reduced dims become 1 with
    /// `keepdims` (the default) and are removed without it.
    static func reduce(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let dims = c.dims(0) else { return }
        let keep = c.int("keepdims", 1) != 0
        let type = c.type(0)
        var axes: [Int64]
        if let stated = c.node.ints("axes") {
            axes = stated
        } else if c.has(1) {
            guard let given = c.ints(1) else {
                if keep {
                    c.set(0, type, Array(repeating: nil, count: dims.count))
                } else {
                    c.fail("\(c.node.opType) axes are not constant and keepdims is 0")
                }
                return
            }
            axes = given
        } else {
            axes = []
        }
        if axes.isEmpty {
            if c.int("noop_with_empty_axes", 0) != 0 { return c.set(0, type, dims) }
            axes = (0..<Int64(dims.count)).map { $0 }
        }
        guard let positions = OpContext.axes(axes, rank: dims.count) else {
            return c.fail("\(c.node.opType) axes \(axes) are out of range for rank \(dims.count)")
        }
        c.set(0, type, reduced(dims, Set(positions), keep: keep))
        if dims.count == 1, !keep, c.node.opType == "ReduceProd" || c.node.opType == "ReduceSum", let values = c.data(0) {
            c.setData(0, [c.node.opType == "ReduceProd" ? DimExpr.product(of: values) : DimExpr.sum(of: values)])
        }
    }

    /// ArgMax, ArgMin: int64 indices along `axis` (0), kept as a size-1 dim by default.
    static func argReduce(_ c: inout OpContext) {
        c.set(0, OpContext.int64, nil)
        guard let dims = c.dims(0) else { return }
        guard let axis = OpContext.axis(c.int("axis", 0), rank: dims.count) else {
            return c.fail("\(c.node.opType) axis is out of range for rank \(dims.count)")
        }
        c.set(0, OpContext.int64, reduced(dims, [axis], keep: c.int("keepdims", 1) != 0))
    }

    /// TopK: values and int64 indices, the `axis` (-1) size replaced by K (input 1 from opset 10,
    /// attribute `k` before).
    static func topK(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        c.set(1, OpContext.int64, nil)
        guard let dims = c.dims(0) else { return }
        guard let axis = OpContext.axis(c.int("axis", -1), rank: dims.count) else {
            return c.fail("TopK axis is out of range for rank \(dims.count)")
        }
        var out = dims
        out[axis] = c.node.int("k").map { DimExpr($0) } ?? (c.data(1)?.first ?? nil)
        c.set(0, c.type(0), out)
        c.set(1, OpContext.int64, out)
    }

    /// `dims` with `axes` set to 1 (`keep`) or removed.
    static func reduced(_ dims: [DimExpr?], _ axes: Set<Int>, keep: Bool) -> [DimExpr?] {
        keep ? dims.indices.map { axes.contains($0) ? DimExpr(1) : dims[$0] } : dims.indices.filter { !axes.contains($0) }.map { dims[$0] }
    }
}
