import FrictionCore

extension Kernels {
    /// Pad: `pads` (and a float `value`) attributes for opsets 2–10; `pads`, `constant_value` and
    /// (18+) `axes` inputs from 11. Modes constant, reflect, edge, wrap as `numpy.pad` (a size-1
    /// axis reflects as edge); negative pads crop.
    static let pad: [KernelSpec] = [
        KernelSpec("Pad", versions: 2...10) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            guard let pads = ctx.ints("pads") else { throw ctx.fail("Pad needs pads") }
            let value = ctx.float("value", 0)
            var constant = Tensor.fromFloats([value], type: data.type == .string ? .float32 : data.type, shape: [])
            if data.type == .string { constant = Tensor(zeros: .string, []) }
            return [try PadOp.pad(data, pads: pads, axes: nil, mode: ctx.string("mode", "constant"), constant: constant, ctx)]
        },
        KernelSpec("Pad", versions: 11...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            let pads = DataMovement.ints(try ctx.input(1))
            var constant = Tensor(zeros: data.type, [])
            if let c = ctx.optional(2), c.count > 0 {
                guard c.type == data.type else { throw ctx.fail("constant_value type \(c.type) differs from data type \(data.type)") }
                constant = c
            }
            let axes = ctx.opset >= 18 ? ctx.optional(3).map(DataMovement.ints) : nil
            return [try PadOp.pad(data, pads: pads, axes: axes, mode: ctx.string("mode", "constant"), constant: constant, ctx)]
        },
    ]
}

enum PadOp {
    enum Mode { case constant, reflect, edge, wrap }

    static func pad(_ data: Tensor, pads raw: [Int], axes: [Int]?, mode name: String, constant: Tensor,
                    _ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        let mode: Mode
        switch name {
        case "constant": mode = .constant
        case "reflect": mode = .reflect
        case "edge": mode = .edge
        case "wrap": mode = .wrap
        default: throw ctx.fail("unknown pad mode \(name)")
        }
        let r = data.rank
        let axisList = axes ?? Array(0..<r)
        guard raw.count == 2 * axisList.count else {
            throw ctx.fail("pads \(raw) must have two values per axis (\(axisList.count) axes)")
        }
        var begin = [Int](repeating: 0, count: r), end = [Int](repeating: 0, count: r)
        for (k, a) in axisList.enumerated() {
            let axis = try DataMovement.axis(a, rank: r, ctx)
            begin[axis] = raw[k]
            end[axis] = raw[axisList.count + k]
        }
        var shape = data.shape
        for i in 0..<r {
            let (s1, o1) = shape[i].addingReportingOverflow(begin[i])
            let (s2, o2) = s1.addingReportingOverflow(end[i])
            guard !o1, !o2, s2 >= 0, begin[i] >= -shape[i], end[i] >= -shape[i] else {
                throw ctx.fail("pads \(raw) give a negative dimension for input \(data.shape)")
            }
            shape[i] = s2
        }
        if begin.allSatisfy({ $0 == 0 }) && end.allSatisfy({ $0 == 0 }) { return data }
        var out = try DataMovement.allocate(data.type, shape, ctx)
        let n = out.count
        guard n > 0 else { return out }
        let strides = Tensor.strides(data.shape)

        if mode == .constant {
            DataMovement.fill(&out, with: constant, at: 0)
            // The kept part of the input: crop negative pads, place after positive ones.
            var copyShape = [Int](repeating: 0, count: r)
            var srcOffset = 0, dstOffset = 0
            let outStrides = Tensor.strides(shape)
            for i in 0..<r {
                let cropBegin = max(-begin[i], 0), cropEnd = max(-end[i], 0)
                copyShape[i] = max(data.shape[i] - cropBegin - cropEnd, 0)
                srcOffset += cropBegin * strides[i]
                dstOffset += max(begin[i], 0) * outStrides[i]
            }
            if !copyShape.contains(0) {
                DataMovement.run(DataMovement.StridedCopy(shape: copyShape, srcOffset: srcOffset, srcStrides: strides,
                                                          dstOffset: dstOffset, dstStrides: outStrides),
                                 from: data, into: &out)
            }
            return out
        }

        // Other modes: a source index for every output coordinate, axis by axis.
        var maps: [[Int]] = []
        for i in 0..<r {
            let size = data.shape[i]
            if size == 0 && shape[i] > 0 {
                throw ctx.fail("cannot \(name)-pad axis \(i) of size 0")
            }
            var m = [Int](repeating: 0, count: shape[i])
            for o in 0..<shape[i] {
                let p = o - begin[i]
                var j: Int
                if p >= 0 && p < size {
                    j = p
                } else {
                    switch mode {
                    case .edge, .constant:
                        j = min(max(p, 0), size - 1)
                    case .reflect:
                        if size == 1 {
                            j = 0
                        } else {
                            let period = 2 * (size - 1)
                            j = ((p % period) + period) % period
                            if j >= size { j = period - j }
                        }
                    case .wrap:
                        j = ((p % size) + size) % size
                    }
                }
                m[o] = j * strides[i]
            }
            maps.append(m)
        }
        var offsets = [Int](repeating: 0, count: n)
        var pos = [Int](repeating: 0, count: r)
        for e in 0..<n {
            var off = 0
            for i in 0..<r { off += maps[i][pos[i]] }
            offsets[e] = off
            var d = r - 1
            while d >= 0 {
                pos[d] += 1
                if pos[d] < shape[d] { break }
                pos[d] = 0
                d -= 1
            }
        }
        return DataMovement.take(data, offsets: offsets, shape: shape)
    }
}
