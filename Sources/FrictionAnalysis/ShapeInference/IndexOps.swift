import FrictionCore

/// Shape functions of ops that select, join or split along axes: Slice, Gather, GatherElements,
/// GatherND, Concat, Split, Pad.
enum IndexOps {
    /// Positions at or beyond this magnitude mean "to the end" (exporters write INT64_MAX or INT32_MAX).
    static let toEnd = Int64(Int32.max)

    /// Slice: starts/ends/axes/steps from attributes (before opset 10) or inputs 1–4. Fixed sizes
    /// clamp as NumPy does; symbolic sizes assume the symbol is at least every constant position
    /// (`seq[1:]` is `seq - 1`, `seq[-1:]` is 1, `seq[:INT64_MAX]` is `seq`).
    static func slice(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let dims = c.dims(0) else { return }
        let fromAttributes = c.node.attribute("starts") != nil
        let starts = fromAttributes ? c.node.ints("starts") : c.ints(1)
        let ends = fromAttributes ? c.node.ints("ends") : c.ints(2)
        let axes = fromAttributes ? c.node.ints("axes") : (c.has(3) ? c.ints(3) : nil)
        let stepsGiven = !fromAttributes && c.has(4)
        let steps = stepsGiven ? c.ints(4) : nil
        let axesKnown = fromAttributes ? true : !c.has(3) || axes != nil
        guard let starts, let ends, starts.count == ends.count, !stepsGiven || steps != nil, axesKnown else {
            var out = dims
            let touched = axes.flatMap { OpContext.axes($0, rank: dims.count) } ?? Array(dims.indices)
            for axis in touched { out[axis] = nil }
            c.set(0, c.type(0), out)
            return
        }
        let axisList = axes ?? (0..<Int64(starts.count)).map { $0 }
        let stepList = steps ?? Array(repeating: 1, count: starts.count)
        guard axisList.count == starts.count, stepList.count == starts.count, !stepList.contains(0), !stepList.contains(.min),
              let positions = OpContext.axes(axisList, rank: dims.count) else {
            return c.fail("Slice starts/ends/axes/steps are inconsistent")
        }
        var out = dims
        for (i, axis) in positions.enumerated() {
            out[axis] = length(dims[axis], start: starts[i], end: ends[i], step: stepList[i])
        }
        c.set(0, c.type(0), out)
        if dims.count == 1, positions == [0], let values = c.data(0) {
            c.setData(0, indices(count: Int64(values.count), start: starts[0], end: ends[0], step: stepList[0]).map { values[Int($0)] })
        }
    }

    /// The sliced length of a dim of size `size`.
    static func length(_ size: DimExpr?, start: Int64, end: Int64, step: Int64) -> DimExpr? {
        if let n = size?.constant { return DimExpr(Int64(indices(count: n, start: start, end: end, step: step).count)) }
        guard let size else { return nil }
        func position(_ p: Int64, before: DimExpr) -> DimExpr? {
            if p >= toEnd { return step > 0 ? size : DimExpr.difference(size, DimExpr(1)) }
            if p <= -toEnd { return before }
            return p < 0 ? DimExpr.sum(size, DimExpr(p)) : DimExpr(p)
        }
        let result: DimExpr?
        if step > 0 {
            let span = DimExpr.difference(position(end, before: DimExpr(0)), position(start, before: DimExpr(0)))
            result = DimExpr.ceilQuotient(span, DimExpr(step))
        } else {
            let span = DimExpr.difference(position(start, before: DimExpr(-1)), position(end, before: DimExpr(-1)))
            result = DimExpr.ceilQuotient(span, DimExpr(-step))
        }
        if let n = result?.constant, n < 0 { return DimExpr(0) }
        return result
    }

    /// The indices NumPy's `a[start:end:step]` selects from `count` elements (at most
    /// ``InferenceState/maxDataElements`` of them are listed).
    static func indices(count n: Int64, start: Int64, end: Int64, step: Int64) -> [Int64] {
        func clamp(_ p: Int64, _ low: Int64, _ high: Int64) -> Int64 {
            let q = p < 0 ? p + n : p
            return Swift.min(Swift.max(q, low), high)
        }
        var out: [Int64] = []
        guard n >= 0 else { return out }
        if step > 0 {
            var i = clamp(start, 0, n)
            let stop = clamp(end, 0, n)
            while i < stop, out.count <= InferenceState.maxDataElements {
                out.append(i)
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        } else if step < 0 {
            var i = clamp(start, -1, n - 1)
            let stop = clamp(end, -1, n - 1)
            while i > stop, out.count <= InferenceState.maxDataElements {
                out.append(i)
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        }
        return out
    }

    /// Gather: `data[..<axis] + indices.shape + data[(axis+1)...]`; picks known values of 1-D data.
    static func gather(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let data = c.dims(0), let indices = c.dims(1) else { return }
        guard let axis = OpContext.axis(c.int("axis", 0), rank: data.count) else {
            return c.fail("Gather axis \(c.int("axis", 0)) is out of range for rank \(data.count)")
        }
        c.set(0, c.type(0), Array(data[..<axis]) + indices + Array(data[(axis + 1)...]))
        if data.count == 1, let values = c.data(0), let picks = c.ints(1) {
            c.setData(0, DataValues.gather(values, picks))
        }
    }

    /// GatherElements: the indices' shape, the data's type.
    static func gatherElements(_ c: inout OpContext) { c.set(0, c.type(0), c.dims(1)) }

    /// GatherND: `indices.shape[..<-1] + data.shape[(batch_dims + k)...]`, k the last index size.
    static func gatherND(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let data = c.dims(0), let indices = c.dims(1) else { return }
        let batch = Int(clamping: c.int("batch_dims", 0))
        guard let k = indices.last??.constant, k >= 0, k <= data.count, batch >= 0, batch <= data.count, batch + Int(k) <= data.count else {
            return c.fail("GatherND index depth is unknown or too large")
        }
        c.set(0, c.type(0), Array(indices.dropLast()) + Array(data[(batch + Int(k))...]))
    }

    /// Concat: the axis sizes add up (`past + seq`); other sizes agree. Joins known 1-D values.
    static func concat(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        let inputs = Array(0..<c.node.inputs.count).filter { c.has($0) }
        var shapes: [[DimExpr?]] = []
        for i in inputs { if let dims = c.dims(i) { shapes.append(dims) } }
        guard let rank = shapes.first?.count else { return }
        guard shapes.allSatisfy({ $0.count == rank }) else { return c.fail("Concat inputs have different ranks") }
        guard let axis = c.node.int("axis").flatMap({ OpContext.axis($0, rank: rank) }) else {
            return c.fail("Concat axis is missing or out of range for rank \(rank)")
        }
        var out: [DimExpr?] = []
        for position in 0..<rank {
            let column = shapes.map { $0[position] }
            if position == axis {
                out.append(shapes.count == inputs.count ? DimExpr.sum(of: column) : nil)
            } else {
                let constants = Set(column.compactMap { $0?.constant })
                guard constants.count <= 1 else { return c.fail("Concat inputs differ in dim \(position): \(constants.sorted())") }
                out.append(column.first { $0?.constant != nil } ?? column.first { $0 != nil } ?? nil)
            }
        }
        c.set(0, c.type(inputs[0]), out)
        if rank == 1 {
            var values: [DimExpr?] = []
            for i in inputs {
                guard let part = c.data(i) else { return }
                values += part
            }
            c.setData(0, values)
        }
    }

    /// Split: sizes from input 1 (opset 13) or the `split` attribute, else equal parts, the last
    /// one smaller when `num_outputs` (opset 18) does not divide the size.
    static func split(_ c: inout OpContext) {
        for index in c.node.outputs.indices { c.set(index, c.type(0), nil) }
        guard let dims = c.dims(0) else { return }
        guard let axis = OpContext.axis(c.int("axis", 0), rank: dims.count) else {
            return c.fail("Split axis is out of range for rank \(dims.count)")
        }
        let count = c.node.outputs.count
        var sizes: [DimExpr?]
        if let given = c.node.ints("split") ?? (c.has(1) ? c.ints(1) : nil) {
            sizes = given.map { DimExpr($0) }
        } else if c.has(1) {
            sizes = Array(repeating: nil, count: count)
        } else if let n = dims[axis]?.constant, count > 0 {
            let parts = Int64(count)
            let chunk = n / parts + (n % parts == 0 ? 0 : 1)
            guard n % parts == 0 || c.node.int("num_outputs") != nil else {
                return c.fail("Split of size \(n) into \(count) equal parts")
            }
            var remaining = n
            sizes = []
            for _ in 0..<count {
                let size = Swift.min(chunk, remaining)
                sizes.append(DimExpr(size))
                remaining -= size
            }
        } else {
            sizes = Array(repeating: DimExpr.quotient(dims[axis], DimExpr(Int64(count))), count: count)
        }
        guard sizes.count == count else { return c.fail("Split gives \(sizes.count) sizes for \(count) outputs") }
        var offset: Int64? = 0
        for (index, size) in sizes.enumerated() {
            var out = dims
            out[axis] = size
            c.set(index, c.type(0), out)
            let end = DimExpr.sum(offset.map { DimExpr($0) }, size)?.constant
            if dims.count == 1, let values = c.data(0), let start = offset, let end {
                c.setData(index, indices(count: Int64(values.count), start: start, end: end, step: 1).map { values[Int($0)] })
            }
            offset = end
        }
    }

    /// Pad: each padded size grows by its begin and end pads (attribute before opset 11, input 1
    /// after, restricted to input 3's axes from opset 18). Unknown pads leave those sizes unknown.
    static func pad(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let dims = c.dims(0) else { return }
        let pads = c.node.ints("pads").map { $0.map { DimExpr($0) } } ?? c.data(1)
        let axes = c.has(3) ? c.ints(3).flatMap { OpContext.axes($0, rank: dims.count) } : Array(dims.indices)
        var out = dims
        guard let axes, let pads, pads.count == 2 * axes.count else {
            for axis in axes ?? Array(dims.indices) { out[axis] = nil }
            c.set(0, c.type(0), out)
            return
        }
        for (i, axis) in axes.enumerated() { out[axis] = DimExpr.sum(of: [dims[axis], pads[i], pads[i + axes.count]]) }
        c.set(0, c.type(0), out)
    }
}
