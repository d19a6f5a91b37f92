import FrictionCore

/// Shape functions of ops that rearrange a tensor's dims without touching its elements' order or
/// count: Reshape, Flatten, Transpose, Unsqueeze, Squeeze, Expand, Tile, DepthToSpace, SpaceToDepth.
enum ReshapeOps {
    /// Reshape: the target shape from input 1's values (or the `shape` attribute before opset 5);
    /// `0` copies the input size (unless `allowzero`), `-1` is the quotient of the element counts,
    /// which stays symbolic (`batch*seq*768 / (batch*seq) = 768`).
    static func reshape(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        let input = c.facts(0).dims
        let stated = c.node.ints("shape").map { $0.map { DimExpr($0) } }
        guard let target = stated ?? ShapeOps.shapeFromValues(&c, input: 1) else { return }
        let allowZero = c.int("allowzero", 0) != 0
        var out: [DimExpr?] = []
        var inferred: Int?
        for (index, value) in target.enumerated() {
            switch value?.constant {
            case 0? where !allowZero:
                out.append(input.flatMap { index < $0.count ? $0[index] : nil })
            case .some(-1):
                guard inferred == nil else { return c.fail("Reshape target has more than one -1") }
                inferred = index
                out.append(nil)
            case let n? where n < -1:
                return c.fail("Reshape target has size \(n)")
            default:
                out.append(value)
            }
        }
        let total = input.flatMap { DimExpr.product(of: $0) }
        if let index = inferred {
            let rest = DimExpr.product(of: out.enumerated().filter { $0.offset != index }.map(\.element))
            out[index] = DimExpr.quotient(total, rest)
        } else if let from = total?.constant, let to = DimExpr.product(of: out)?.constant, from != to {
            return c.fail("Reshape of \(from) elements into \(to)")
        }
        c.set(0, c.type(0), out)
        c.setData(0, c.data(0))
    }

    /// Flatten: `[prod(d[..<axis]), prod(d[axis...])]`, axis 1 by default.
    static func flatten(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let dims = c.dims(0) else { return }
        let axis = c.int("axis", 1)
        let split = axis < 0 ? axis + Int64(dims.count) : axis
        guard split >= 0, split <= Int64(dims.count) else { return c.fail("Flatten axis \(axis) is out of range") }
        let index = Int(split)
        c.set(0, c.type(0), [DimExpr.product(of: Array(dims[..<index])), DimExpr.product(of: Array(dims[index...]))])
        c.setData(0, c.data(0))
    }

    /// Transpose: dims permuted by `perm`, reversed by default.
    static func transpose(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let dims = c.dims(0) else { return }
        let perm = c.node.ints("perm") ?? Array((0..<Int64(dims.count)).reversed())
        guard perm.count == dims.count, Set(perm) == Set(0..<Int64(dims.count)) else {
            return c.fail("Transpose perm \(perm) is not a permutation of rank \(dims.count)")
        }
        c.set(0, c.type(0), perm.map { dims[Int($0)] })
    }

    /// Unsqueeze: size-1 dims inserted at `axes` (attribute before opset 13, input 1 after),
    /// counted in the output rank.
    static func unsqueeze(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let dims = c.dims(0) else { return }
        guard let axes = c.intsAttributeOrInput("axes", input: 1) else {
            if let count = c.length(1) {
                c.set(0, c.type(0), Array(repeating: nil, count: dims.count + count))
            } else {
                c.fail("Unsqueeze axes are not constant")
            }
            return
        }
        let rank = dims.count + axes.count
        guard let positions = OpContext.axes(axes, rank: rank), Set(positions).count == positions.count else {
            return c.fail("Unsqueeze axes \(axes) are invalid for output rank \(rank)")
        }
        var out: [DimExpr?] = []
        var source = dims.makeIterator()
        for index in 0..<rank { out.append(positions.contains(index) ? DimExpr(1) : source.next() ?? nil) }
        c.set(0, c.type(0), out)
        c.setData(0, c.data(0))
    }

    /// Squeeze: the dims at `axes` removed (attribute before opset 13, input 1 after); without
    /// axes every size-1 dim, which needs every size known (as onnx).
    static func squeeze(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let dims = c.dims(0) else { return }
        var drop: Set<Int>
        if let axes = c.intsAttributeOrInput("axes", input: 1) {
            guard let positions = OpContext.axes(axes, rank: dims.count) else {
                return c.fail("Squeeze axes \(axes) are out of range for rank \(dims.count)")
            }
            if let bad = positions.first(where: { (dims[$0]?.constant ?? 1) != 1 }) {
                return c.fail("Squeeze axis \(bad) has size \(DimExpr.dim(dims[bad]))")
            }
            drop = Set(positions)
        } else if c.has(1) {
            return c.fail("Squeeze axes are not constant")
        } else {
            guard dims.allSatisfy({ $0?.constant != nil }) else {
                return c.fail("Squeeze without axes on symbolic sizes \(DimExpr.shape(dims))")
            }
            drop = Set(dims.indices.filter { dims[$0]?.constant == 1 })
        }
        c.set(0, c.type(0), dims.indices.filter { !drop.contains($0) }.map { dims[$0] })
        c.setData(0, c.data(0))
    }

    /// Expand: input 0 broadcast with the shape held in input 1.
    static func expand(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        let dims = c.dims(0)
        guard let target = ShapeOps.shapeFromValues(&c, input: 1), let dims else { return }
        switch Broadcast.pair(dims, target) {
        case .shape(let out):
            c.set(0, c.type(0), out)
            if out.count <= 1, let values = c.data(0), values.count == 1, let n = out.first??.constant,
               n >= 0, n <= InferenceState.maxDataElements {
                c.setData(0, Array(repeating: values[0], count: Int(n)))
            }
        case .unknownRank: break
        case .incompatible(let why): c.fail("Expand: \(why)")
        }
    }

    /// Tile: each size multiplied by its repeat count (input 1).
    static func tile(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let dims = c.dims(0) else { return }
        if let repeats = c.data(1), repeats.count == dims.count {
            c.set(0, c.type(0), zip(dims, repeats).map { DimExpr.product($0, $1) })
        } else {
            c.set(0, c.type(0), Array(repeating: nil, count: dims.count))
        }
    }

    /// DepthToSpace: `[N, C, H, W]` → `[N, C/b², H·b, W·b]`.
    static func depthToSpace(_ c: inout OpContext) { blocks(&c, toSpace: true) }

    /// SpaceToDepth: `[N, C, H, W]` → `[N, C·b², H/b, W/b]`.
    static func spaceToDepth(_ c: inout OpContext) { blocks(&c, toSpace: false) }

    private static func blocks(_ c: inout OpContext, toSpace: Bool) {
        guard let dims = c.dims(0) else { return }
        guard dims.count == 4, let b = c.node.int("blocksize"), b > 0 else {
            return c.fail("\(c.node.opType) needs a 4-D input and a positive blocksize")
        }
        let block = DimExpr(b), area = DimExpr.product(block, block)
        let out = toSpace
            ? [dims[0], DimExpr.quotient(dims[1], area), DimExpr.product(dims[2], block), DimExpr.product(dims[3], block)]
            : [dims[0], DimExpr.product(dims[1], area), DimExpr.quotient(dims[2], block), DimExpr.quotient(dims[3], block)]
        c.set(0, c.type(0), out)
    }
}
