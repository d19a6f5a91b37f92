import FrictionCore

/// Shape functions of ops that make shape tensors and constants: Shape, Size, Constant,
/// ConstantOfShape, Range, EyeLike and the random generators. These seed data propagation.
enum ShapeOps {
    /// Shape: a 1-D int64 tensor of input 0's sizes from `start` to `end` (opset 15), whose
    /// element values are those sizes (symbolic ones included).
    static func shape(_ c: inout OpContext) {
        guard let dims = c.facts(0).dims else {
            c.set(0, OpContext.int64, [nil])
            return
        }
        let rank = Int64(dims.count)
        func clamp(_ value: Int64) -> Int { Int(Swift.min(Swift.max(value < 0 ? value + rank : value, 0), rank)) }
        let start = clamp(c.int("start", 0))
        let end = clamp(c.int("end", rank))
        let values = start < end ? Array(dims[start..<end]) : []
        c.set(0, OpContext.int64, [DimExpr(Int64(values.count))])
        c.setData(0, values)
    }

    /// Size: an int64 scalar, the element count.
    static func size(_ c: inout OpContext) {
        c.set(0, OpContext.int64, [])
        if let dims = c.facts(0).dims { c.setData(0, [DimExpr.product(of: dims)]) }
    }

    /// Constant: the type and shape of `value` (or `sparse_value`), or of the `value_float(s)`,
    /// `value_int(s)`, `value_string(s)` forms; integer values are recorded for data propagation.
    static func constant(_ c: inout OpContext) {
        let names = ["value", "sparse_value", "value_float", "value_floats", "value_int", "value_ints", "value_string", "value_strings"]
        switch names.compactMap({ c.node.attribute($0) }).first {
        case .tensor(let tensor)?:
            c.set(0, tensor.type, tensor.shape.dims.map(DimExpr.init))
            guard let count = tensor.parameterCount, count <= UInt64(InferenceState.maxDataElements) else { return }
            if InferenceState.isInteger(tensor.type), let values = c.state.reader.int64s(tensor), values.count == Int(count) {
                c.setData(0, values.map { DimExpr($0) })
            }
            if let values = c.state.reader.doubles(tensor), values.count == Int(count) { c.outputDoubles[0] = values }
        case .sparseTensor(let sparse)?:
            c.set(0, sparse.values.type, sparse.shape.dims.map(DimExpr.init))
        case .float(let value)?:
            c.set(0, OpContext.float32, [])
            c.outputDoubles[0] = [Double(value)]
        case .floats(let values)?:
            c.set(0, OpContext.float32, [DimExpr(Int64(values.count))])
            c.outputDoubles[0] = values.map(Double.init)
        case .int(let value)?:
            c.set(0, OpContext.int64, [])
            c.setData(0, [DimExpr(value)])
        case .ints(let values)?:
            c.set(0, OpContext.int64, [DimExpr(Int64(values.count))])
            c.setData(0, values.map { DimExpr($0) })
        case .string?:
            c.set(0, .dtype(.string), [])
        case .strings(let values)?:
            c.set(0, .dtype(.string), [DimExpr(Int64(values.count))])
        default:
            c.fail("Constant has no value attribute")
        }
    }

    /// ConstantOfShape: the shape is input 0's element values; the type is `value`'s (float32 by
    /// default); integer fills are recorded when small.
    static func constantOfShape(_ c: inout OpContext) {
        var type = OpContext.float32
        var fill: DimExpr? = DimExpr(0)
        if case .tensor(let tensor)? = c.node.attribute("value") {
            type = tensor.type
            fill = InferenceState.isInteger(tensor.type) ? c.state.reader.int64s(tensor)?.first.map { DimExpr($0) } : nil
        }
        let dims = shapeFromValues(&c, input: 0)
        c.set(0, type, dims)
        if InferenceState.isInteger(type), let dims, dims.count <= 1, let n = DimExpr.product(of: dims)?.constant,
           n >= 0, n <= InferenceState.maxDataElements {
            c.setData(0, Array(repeating: fill, count: Int(n)))
        }
    }

    /// Range: a 1-D tensor of `max(ceil((limit - start) / delta), 0)` elements; with symbolic
    /// limits and `delta = 1` the length is `limit - start`. Known integer ranges are recorded.
    static func range(_ c: inout OpContext) {
        let start = c.data(0)?.first ?? nil, limit = c.data(1)?.first ?? nil, delta = c.data(2)?.first ?? nil
        var length: DimExpr?
        if let step = delta?.constant, step != 0, let span = DimExpr.difference(limit, start) {
            length = DimExpr.ceilQuotient(span, DimExpr(step))
            if let n = length?.constant, n < 0 { length = DimExpr(0) }
        } else if let a = c.doubles(0), let b = c.doubles(1), let d = c.doubles(2), a.count == 1, b.count == 1, d.count == 1,
                  d[0] != 0 {
            let count = ((b[0] - a[0]) / d[0]).rounded(.up)
            length = !count.isFinite ? nil : count <= 0 ? DimExpr(0) : count < 9.0e18 ? DimExpr(Int64(count)) : nil
        }
        c.set(0, c.type(0), [length])
        if let first = start?.constant, let step = delta?.constant, step != 0, let n = length?.constant,
           n <= InferenceState.maxDataElements {
            c.setData(0, (0..<n).map { DimExpr.sum(DimExpr(first), DimExpr.product(DimExpr($0), DimExpr(step))) })
        }
    }

    /// EyeLike: input 0's shape, the `dtype` attribute's type or input 0's.
    static func eyeLike(_ c: inout OpContext) {
        let type = c.node.int("dtype").flatMap(OpContext.elementType) ?? c.type(0)
        c.set(0, type, c.dims(0))
    }

    /// RandomNormalLike, RandomUniformLike, Bernoulli: input 0's shape, `dtype` or input 0's type.
    static func randomLike(_ c: inout OpContext) { eyeLike(&c) }

    /// RandomNormal, RandomUniform: the `shape` attribute, `dtype` (float32 by default).
    static func random(_ c: inout OpContext) {
        guard let shape = c.node.ints("shape") else { return c.fail("\(c.node.opType) has no shape attribute") }
        c.set(0, OpContext.elementType(code: c.int("dtype", 1)), shape.map { DimExpr($0) })
    }

    /// Sizes held as the element values of 1-D input `input` (ConstantOfShape, Expand, Reshape):
    /// the values when tracked, otherwise unknown sizes of the known count, otherwise nil.
    static func shapeFromValues(_ c: inout OpContext, input: Int) -> [DimExpr?]? {
        if let values = c.data(input) { return values }
        if let count = c.length(input) { return Array(repeating: nil, count: count) }
        c.fail("the shape input '\(c.has(input) ? c.node.inputs[input] : "")' has unknown length")
        return nil
    }
}
