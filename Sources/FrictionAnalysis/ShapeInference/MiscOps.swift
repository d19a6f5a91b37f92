import FrictionCore

/// Shape functions of the remaining ops: Resize and Upsample, OneHot, GridSample, RoiAlign, Det,
/// Multinomial, the recurrent ops, and data-dependent ops whose rank is known but not their sizes
/// (NonZero, Unique, Compress, NonMaxSuppression).
enum MiscOps {
    /// Resize (and Upsample): `sizes` (input 3, values may be symbolic) or `scales` (input 2;
    /// input 1 in opset 10 and Upsample 9; Upsample's attribute before), restricted to `axes`
    /// (opset 18). A scaled size is `floor(size · scale)` in single precision, as onnx computes it;
    /// a symbolic size scales by whole factors (`2*h`) or exact divisions only.
    static func resize(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let dims = c.dims(0) else { return }
        let upsample = c.node.opType == "Upsample"
        let scalesInput = upsample || c.opset < 11 ? 1 : 2
        let axes = c.node.ints("axes").flatMap { OpContext.axes($0, rank: dims.count) } ?? Array(dims.indices)
        var out = dims
        if !upsample, c.has(3) {
            let sizes = c.data(3)
            let policy = c.node.string("keep_aspect_ratio_policy") ?? "stretch"
            for (i, axis) in axes.enumerated() {
                out[axis] = policy == "stretch" && sizes?.count == axes.count ? sizes?[i] ?? nil : nil
            }
            if policy != "stretch", let sizes = sizes.flatMap(DataValues.constants), let sources = DataValues.constants(axes.map { dims[$0] }) {
                let ratios = zip(sizes, sources).map { Float($0) / Float($1) }
                let scale = (policy == "not_larger" ? ratios.min() : ratios.max()) ?? 1
                for (i, axis) in axes.enumerated() {
                    let size = (scale * Float(sources[i])).rounded(.toNearestOrEven)
                    out[axis] = size.isFinite && size >= 0 && size < 9.0e18 ? DimExpr(Int64(size)) : nil
                }
            }
        } else if let scales = attributeFloats(c.node, "scales") ?? c.doubles(scalesInput), scales.count == axes.count {
            for (i, axis) in axes.enumerated() { out[axis] = scaled(dims[axis], by: scales[i]) }
        } else {
            for axis in axes { out[axis] = nil }
        }
        c.set(0, c.type(0), out)
    }

    /// `floor(size · scale)`, symbolic only for whole factors and exact divisions.
    static func scaled(_ size: DimExpr?, by scale: Double) -> DimExpr? {
        if let n = size?.constant {
            let value = (Float(n) * Float(scale)).rounded(.down)
            return value.isFinite && value >= 0 && value < 9.0e18 ? DimExpr(Int64(value)) : nil
        }
        if scale >= 1, scale == scale.rounded(), scale < 1.0e6 { return DimExpr.product(size, DimExpr(Int64(scale))) }
        let inverse = 1 / scale
        if scale > 0, inverse == inverse.rounded(), inverse < 1.0e6 { return DimExpr.quotient(size, DimExpr(Int64(inverse))) }
        return nil
    }

    private static func attributeFloats(_ node: GraphNode, _ name: String) -> [Double]? {
        if case .floats(let values)? = node.attribute(name) { return values.map(Double.init) }
        return nil
    }

    /// NonZero: `[rank, ?]` int64; the count of non-zeros depends on the data.
    static func nonZero(_ c: inout OpContext) {
        c.set(0, OpContext.int64, nil)
        guard let dims = c.dims(0) else { return }
        c.set(0, OpContext.int64, [DimExpr(Int64(dims.count)), nil])
    }

    /// Unique: Y is 1-D (or X with the `axis` size unknown); indices, inverse indices and counts are
    /// 1-D int64 of data-dependent length.
    static func unique(_ c: inout OpContext) {
        let dims = c.facts(0).dims
        if let axis = c.node.int("axis") {
            guard let dims, let index = OpContext.axis(axis, rank: dims.count) else { return c.fail("Unique axis is out of range") }
            var out = dims
            out[index] = nil
            c.set(0, c.type(0), out)
        } else {
            c.set(0, c.type(0), [nil])
        }
        for output in 1..<4 { c.set(output, OpContext.int64, [nil]) }
    }

    /// Compress: X with the `axis` size unknown, or 1-D of unknown length without an axis.
    static func compress(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let axis = c.node.int("axis") else { return c.set(0, c.type(0), [nil]) }
        guard let dims = c.dims(0), let index = OpContext.axis(axis, rank: dims.count) else { return }
        var out = dims
        out[index] = nil
        c.set(0, c.type(0), out)
    }

    /// NonMaxSuppression: `[?, 3]` int64 selected indices.
    static func nonMaxSuppression(_ c: inout OpContext) { c.set(0, OpContext.int64, [nil, DimExpr(3)]) }

    /// OneHot: the indices' shape with `depth` inserted at `axis` (-1), the type of `values`.
    static func oneHot(_ c: inout OpContext) {
        c.set(0, c.type(2), nil)
        guard let dims = c.dims(0) else { return }
        guard let axis = OpContext.axis(c.int("axis", -1), rank: dims.count + 1) else { return c.fail("OneHot axis is out of range") }
        var out = dims
        out.insert(c.data(1)?.first ?? nil, at: axis)
        c.set(0, c.type(2), out)
    }

    /// GridSample: `[N, C]` of X, then the grid's output sizes `grid[1..<last]`.
    static func gridSample(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let x = c.dims(0), let grid = c.dims(1), x.count >= 2, grid.count >= 2 else { return }
        c.set(0, c.type(0), Array(x.prefix(2)) + Array(grid.dropFirst().dropLast()))
    }

    /// RoiAlign: `[num_rois, C, output_height, output_width]`.
    static func roiAlign(_ c: inout OpContext) {
        guard let x = c.dims(0), x.count == 4 else { return c.fail("RoiAlign input must be 4-D") }
        let rois = c.facts(1).dims?.first ?? nil
        c.set(0, c.type(0), [rois, x[1], DimExpr(c.int("output_height", 1)), DimExpr(c.int("output_width", 1))])
    }

    /// Det: the batch dims of `[..., M, M]`.
    static func det(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let x = c.dims(0), x.count >= 2 else { return }
        c.set(0, c.type(0), Array(x.dropLast(2)))
    }

    /// Multinomial: `[batch, sample_size]` of `dtype` (int32).
    static func multinomial(_ c: inout OpContext) {
        let batch = c.dims(0)?.first ?? nil
        c.set(0, OpContext.elementType(code: c.int("dtype", 6)), [batch, DimExpr(c.int("sample_size", 1))])
    }

    /// RNN, GRU, LSTM: Y `[seq, dirs, batch, hidden]` (layout 1: `[batch, seq, dirs, hidden]`),
    /// Y_h and Y_c `[dirs, batch, hidden]` (layout 1: `[batch, dirs, hidden]`).
    static func recurrent(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let x = c.dims(0) else { return }
        guard x.count == 3 else { return c.fail("\(c.node.opType) input must be 3-D") }
        let batchFirst = c.int("layout", 0) != 0
        let (seq, batch) = batchFirst ? (x[1], x[0]) : (x[0], x[1])
        let dirs = DimExpr(c.node.string("direction") == "bidirectional" ? 2 : 1)
        let hidden = c.node.int("hidden_size").map { DimExpr($0) } ?? (c.facts(2).dims.flatMap { $0.count == 3 ? $0[2] : nil })
        let type = c.type(0)
        c.set(0, type, batchFirst ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden])
        let state: [DimExpr?] = batchFirst ? [batch, dirs, hidden] : [dirs, batch, hidden]
        c.set(1, type, state)
        c.set(2, type, state)
    }
}
