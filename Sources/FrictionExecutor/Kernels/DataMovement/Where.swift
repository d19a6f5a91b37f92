import FrictionCore

extension Kernels {
    /// Where: `condition ? x : y` with NumPy broadcasting of all three; the output has x's dtype.
    static let whereOp: [KernelSpec] = [
        KernelSpec("Where", versions: 9...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let c = try ctx.input(0), x = try ctx.input(1), y = try ctx.input(2)
            guard x.type == y.type else { throw ctx.fail("x (\(x.type)) and y (\(y.type)) must have the same type") }
            guard let shape = Broadcast.shape([c.shape, x.shape, y.shape]) else {
                throw ctx.fail("shapes \(c.shape), \(x.shape) and \(y.shape) do not broadcast")
            }
            var out = try DataMovement.allocate(x.type, shape, ctx)
            guard out.count > 0 else { return [out] }
            // The condition as one byte per element (any nonzero byte pattern is true).
            let cond = c.type == .bool || c.elementSize == 1 && c.type.traits.family != .float
                ? c : Tensor.from(DataMovement.isNonzero(c).map { $0 ? UInt8(1) : 0 }, type: .bool, shape: c.shape)
            let shapes = [cond.shape, x.shape, y.shape]
            let cp = UnsafePointer(cond.buffer.base.assumingMemoryBound(to: UInt8.self))
            if x.type == .string {
                var strings = out.strings
                Broadcast.rows(shape, inputs: shapes) { start, offsets, steps, length in
                    var ic = offsets[0], ix = offsets[1], iy = offsets[2]
                    for k in 0..<length {
                        strings[start + k] = cp[ic] != 0 ? x.strings[ix] : y.strings[iy]
                        ic += steps[0]; ix += steps[1]; iy += steps[2]
                    }
                }
                out.strings = strings
                return [out]
            }
            let xp = UnsafeRawPointer(x.buffer.base), yp = UnsafeRawPointer(y.buffer.base), op = out.buffer.base
            switch x.elementSize {
            case 4: WhereOp.select(UInt32.self, cp, xp, yp, op, shape, shapes)
            case 8: WhereOp.select(UInt64.self, cp, xp, yp, op, shape, shapes)
            case 2: WhereOp.select(UInt16.self, cp, xp, yp, op, shape, shapes)
            case 1: WhereOp.select(UInt8.self, cp, xp, yp, op, shape, shapes)
            case 16: WhereOp.select(Bytes16.self, cp, xp, yp, op, shape, shapes)
            default: throw ctx.fail("Where does not take \(x.type)", code: "unsupported-dtype")
            }
            return [out]
        },
    ]
}

enum WhereOp {
    static func select<T>(_: T.Type, _ c: UnsafePointer<UInt8>, _ x: UnsafeRawPointer, _ y: UnsafeRawPointer,
                          _ o: UnsafeMutableRawPointer, _ shape: [Int], _ shapes: [[Int]]) {
        let xs = x.assumingMemoryBound(to: T.self), ys = y.assumingMemoryBound(to: T.self)
        let os = o.assumingMemoryBound(to: T.self)
        Broadcast.rows(shape, inputs: shapes) { start, offsets, steps, length in
            var ic = offsets[0], ix = offsets[1], iy = offsets[2]
            let sc = steps[0], sx = steps[1], sy = steps[2]
            for k in 0..<length {
                os[start + k] = c[ic] != 0 ? xs[ix] : ys[iy]
                ic += sc; ix += sx; iy += sy
            }
        }
    }
}
