import FrictionCore

/// Shape functions of elementwise ops: unary (same shape and type), broadcasting binary and
/// variadic arithmetic, comparisons (bool), Where, PRelu, Cast and CastLike.
enum ElementwiseOps {
    /// Output 0 has input 0's type and shape (Relu, Sigmoid, Softmax, Clip, Trilu, …).
    static func unary(_ c: inout OpContext) { c.set(0, like: 0) }

    /// Like ``unary(_:)``, and the element values pass through (Identity).
    static func identity(_ c: inout OpContext) {
        c.set(0, like: 0)
        c.setData(0, c.data(0))
    }

    /// Output 0 is bool with input 0's shape (IsNaN, IsInf, Not).
    static func predicate(_ c: inout OpContext) { c.set(0, OpContext.bool, c.dims(0)) }

    /// Dropout: output like the input, optional mask output bool of the same shape.
    static func dropout(_ c: inout OpContext) {
        c.set(0, like: 0)
        c.set(1, OpContext.bool, c.facts(0).dims)
    }

    /// Negation with element values followed (shape arithmetic sometimes negates sizes).
    static func neg(_ c: inout OpContext) {
        c.set(0, like: 0)
        c.setData(0, c.data(0)?.map { $0.flatMap { DimExpr.scaled($0, by: -1) } })
    }

    /// Cast: input 0's shape, the type attribute `to` names; integer values pass through.
    static func cast(_ c: inout OpContext) {
        let type = OpContext.elementType(code: c.int("to", -1))
        if type == nil { c.fail("Cast has no valid 'to' type") }
        c.set(0, type, c.dims(0))
        if InferenceState.isInteger(type) { c.setData(0, c.data(0)) }
    }

    /// CastLike: input 0's shape, input 1's type.
    static func castLike(_ c: inout OpContext) {
        let type = c.type(1)
        c.set(0, type, c.dims(0))
        if InferenceState.isInteger(type) { c.setData(0, c.data(0)) }
    }

    /// The broadcast sizes of inputs `indices`, or nil with the reason recorded.
    static func broadcastDims(_ c: inout OpContext, _ indices: [Int]) -> [DimExpr?]? {
        var shapes: [[DimExpr?]?] = []
        for i in indices where c.has(i) { shapes.append(c.dims(i)) }
        switch Broadcast.shapes(shapes) {
        case .shape(let dims): return dims
        case .unknownRank: return nil
        case .incompatible(let why):
            c.fail(why)
            return nil
        }
    }

    /// Broadcasting arithmetic over all inputs (Add, Mul, Max, Sum, Mean, …): the first known input
    /// type. Element values follow ``DataValues/binary`` for two rank ≤ 1 inputs.
    static func broadcast(_ c: inout OpContext) {
        let inputs = Array(0..<c.node.inputs.count)
        let dims = broadcastDims(&c, inputs)
        let type = inputs.compactMap { c.type($0) }.first
        c.set(0, type, dims)
        propagate(&c, dims: dims)
    }

    /// Pow and BitShift-like ops whose output type is input 0's.
    static func firstType(_ c: inout OpContext) {
        let dims = broadcastDims(&c, [0, 1])
        c.set(0, c.type(0), dims)
    }

    /// Comparisons and logical ops (Equal, Less, And, …): broadcast shape, bool elements.
    static func compare(_ c: inout OpContext) {
        let dims = broadcastDims(&c, [0, 1])
        c.set(0, OpContext.bool, dims)
        propagate(&c, dims: dims)
    }

    /// Where: three-way broadcast; the type of the branches; values chosen when the condition is known.
    static func select(_ c: inout OpContext) {
        let dims = broadcastDims(&c, [0, 1, 2])
        c.set(0, c.type(1) ?? c.type(2), dims)
        if let dims, dims.count <= 1, let cond = c.data(0), let x = c.data(1), let y = c.data(2) {
            c.setData(0, DataValues.select(cond, x, y))
        }
    }

    /// PRelu: the slope broadcasts to X, so the output is X's shape.
    static func prelu(_ c: inout OpContext) { c.set(0, like: 0) }

    /// Element values of a two-input op whose output has rank ≤ 1.
    private static func propagate(_ c: inout OpContext, dims: [DimExpr?]?) {
        guard let dims, dims.count <= 1, c.node.inputs.count == 2,
              let op = DataValues.binary[c.node.opType], let a = c.data(0), let b = c.data(1) else { return }
        c.setData(0, DataValues.zip(a, b, op))
    }
}
