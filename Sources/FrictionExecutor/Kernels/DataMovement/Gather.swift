import FrictionCore

extension Kernels {
    static let gather: [KernelSpec] = [
        KernelSpec("Gather", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0), indices = try ctx.input(1)
            let r = data.rank
            guard r > 0 else { throw ctx.fail("Gather needs data of rank ≥ 1") }
            let axis = try DataMovement.axis(ctx.int("axis", 0), rank: r, ctx)
            let n = data.shape[axis]
            var idx = DataMovement.ints(indices)
            for k in idx.indices {
                guard let j = DataMovement.wrap(idx[k], n) else {
                    throw ctx.fail("index \(idx[k]) is out of range for axis \(axis) of size \(n)")
                }
                idx[k] = j
            }
            let shape = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
            var out = try DataMovement.allocate(data.type, shape, ctx)
            let outer = DataMovement.product(data.shape, 0..<axis)
            let inner = DataMovement.product(data.shape, (axis + 1)..<r)
            let m = idx.count
            guard out.count > 0 else { return [out] }
            if data.type == .string {
                for o in 0..<outer {
                    for (j, i) in idx.enumerated() {
                        DataMovement.copy(data, (o * n + i) * inner, into: &out, (o * m + j) * inner, count: inner)
                    }
                }
                return [out]
            }
            let src = UnsafeRawPointer(data.buffer.base), dst = out.buffer.base
            idx.withUnsafeBufferPointer { ip in
                switch (data.elementSize, inner) {
                case (4, 1): GatherOp.rows(UInt32.self, src, dst, ip, outer: outer, n: n)
                case (8, 1): GatherOp.rows(UInt64.self, src, dst, ip, outer: outer, n: n)
                case (2, 1): GatherOp.rows(UInt16.self, src, dst, ip, outer: outer, n: n)
                case (1, 1): GatherOp.rows(UInt8.self, src, dst, ip, outer: outer, n: n)
                default:
                    let bytes = inner * data.elementSize
                    for o in 0..<outer {
                        let s = src + o * n * bytes
                        var d = dst + o * m * bytes
                        for i in ip {
                            d.copyMemory(from: s + i * bytes, byteCount: bytes)
                            d += bytes
                        }
                    }
                }
            }
            return [out]
        },
    ]

    static let gatherElements: [KernelSpec] = [
        KernelSpec("GatherElements", versions: 11...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0), indices = try ctx.input(1)
            let r = data.rank
            guard r > 0, indices.rank == r else { throw ctx.fail("data \(data.shape) and indices \(indices.shape) must have the same rank ≥ 1") }
            let axis = try DataMovement.axis(ctx.int("axis", 0), rank: r, ctx)
            let idx = DataMovement.ints(indices)
            let offsets = try GatherOp.elementOffsets(data.shape, indices.shape, idx, axis: axis, ctx)
            return [DataMovement.take(data, offsets: offsets, shape: indices.shape)]
        },
    ]

    static let gatherND: [KernelSpec] = [
        KernelSpec("GatherND", versions: 11...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0), indices = try ctx.input(1)
            let b = ctx.opset >= 12 ? ctx.int("batch_dims", 0) : 0
            let r = data.rank, q = indices.rank
            guard r >= 1, q >= 1 else { throw ctx.fail("data and indices must have rank ≥ 1") }
            guard b >= 0, b < min(q, r) else { throw ctx.fail("batch_dims \(b) must be less than both ranks (\(r), \(q))") }
            for i in 0..<b where data.shape[i] != indices.shape[i] {
                throw ctx.fail("batch dimensions of data \(data.shape) and indices \(indices.shape) differ")
            }
            let k = indices.shape[q - 1]
            guard k >= 1, k <= r - b else { throw ctx.fail("indices.shape[-1] = \(k) must lie in 1...\(r - b)") }
            let shape = Array(indices.shape[..<(q - 1)]) + Array(data.shape[(b + k)...])
            var out = try DataMovement.allocate(data.type, shape, ctx)
            let batches = DataMovement.product(data.shape, 0..<b)
            let batchSize = DataMovement.product(data.shape, b..<r)
            let slice = DataMovement.product(data.shape, (b + k)..<r)
            let tuples = DataMovement.product(indices.shape, b..<(q - 1))
            let strides = Tensor.strides(data.shape)
            let idx = DataMovement.ints(indices)
            var t = 0
            for batch in 0..<batches {
                for j in 0..<tuples {
                    var offset = batch * batchSize
                    for d in 0..<k {
                        let v = idx[(batch * tuples + j) * k + d]
                        guard let i = DataMovement.wrap(v, data.shape[b + d]) else {
                            throw ctx.fail("index \(v) is out of range for axis \(b + d) of size \(data.shape[b + d])")
                        }
                        offset += i * strides[b + d]
                    }
                    DataMovement.copy(data, offset, into: &out, t * slice, count: slice)
                    t += 1
                }
            }
            return [out]
        },
    ]
}

enum GatherOp {
    /// Gather along an axis with one element per index: `outer` rows of `n` source elements.
    @inline(__always)
    static func rows<T>(_: T.Type, _ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer,
                        _ idx: UnsafeBufferPointer<Int>, outer: Int, n: Int) {
        let s = src.assumingMemoryBound(to: T.self), d = dst.assumingMemoryBound(to: T.self)
        let m = idx.count
        for o in 0..<outer {
            let sRow = s + o * n, dRow = d + o * m
            for j in 0..<m { dRow[j] = sRow[idx[j]] }
        }
    }

    /// For GatherElements / ScatterElements: the data offset of every element of an index tensor
    /// (its own position, with the coordinate on `axis` replaced by the index).
    static func elementOffsets(_ dataShape: [Int], _ indexShape: [Int], _ idx: [Int], axis: Int,
                               _ ctx: KernelContext) throws(ExecutionError) -> [Int] {
        let r = dataShape.count
        for d in 0..<r where d != axis && indexShape[d] > dataShape[d] {
            throw ctx.fail("indices \(indexShape) exceed data \(dataShape) on axis \(d)")
        }
        let strides = Tensor.strides(dataShape)
        let n = dataShape[axis]
        var offsets = [Int](repeating: 0, count: idx.count)
        guard !idx.isEmpty else { return offsets }
        var pos = [Int](repeating: 0, count: r)
        var base = 0  // Σ pos[d]·strides[d] over d ≠ axis
        for e in 0..<idx.count {
            guard let i = DataMovement.wrap(idx[e], n) else {
                throw ctx.fail("index \(idx[e]) is out of range for axis \(axis) of size \(n)")
            }
            offsets[e] = base + i * strides[axis]
            var d = r - 1
            while d >= 0 {
                pos[d] += 1
                if d != axis { base += strides[d] }
                if pos[d] < indexShape[d] { break }
                if d != axis { base -= strides[d] * indexShape[d] }
                pos[d] = 0
                d -= 1
            }
        }
        return offsets
    }
}
