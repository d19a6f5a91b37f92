import FrictionCore

/// RotaryEmbedding (ONNX opset 23 and com.microsoft): rotates the first `rotary_embedding_dim`
/// features of each head by cos / sin caches (gathered by position ids when given), halves
/// split or interleaved.
extension Kernels {
    static let rotary: [KernelSpec] = [
        KernelSpec("RotaryEmbedding", versions: 23...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try Rotary.apply(ctx, input: try ctx.input(0), cos: try ctx.input(1), sin: try ctx.input(2), positions: ctx.optional(3), microsoft: false)]
        },
        KernelSpec("RotaryEmbedding", domain: "com.microsoft", versions: 1...1) { ctx throws(ExecutionError) in
            [try Rotary.apply(ctx, input: try ctx.input(0), cos: try ctx.input(2), sin: try ctx.input(3), positions: ctx.optional(1), microsoft: true)]
        },
    ]
}

enum Rotary {
    static func apply(_ ctx: KernelContext, input: Tensor, cos cosT: Tensor, sin sinT: Tensor, positions: Tensor?, microsoft: Bool) throws(ExecutionError) -> Tensor {
        let x = input.floats()
        // Work in [B, S, N, D].
        let b: Int, s: Int, n: Int, d: Int
        let fourD = input.rank == 4
        if fourD {
            (b, n, s, d) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        } else {
            guard input.rank == 3 else { throw ctx.fail("RotaryEmbedding input must be 3-D or 4-D") }
            let heads = ctx.int("num_heads", 0)
            var nh = heads
            if nh == 0, microsoft { nh = input.shape[2] / max(1, 2 * (cosT.shape.last ?? 1)) }
            guard nh > 0, input.shape[2] % nh == 0 else { throw ctx.fail("RotaryEmbedding on 3-D input needs num_heads") }
            (b, s, n, d) = (input.shape[0], input.shape[1], nh, input.shape[2] / nh)
        }
        var rot = ctx.int("rotary_embedding_dim", 0)
        if rot == 0 { rot = d }
        guard rot > 0, rot <= d else { throw ctx.fail("rotary_embedding_dim \(rot) must lie in 1...\(d) (the head size)") }
        let half = rot / 2
        let interleaved = ctx.int("interleaved", 0) == 1
        let cosV = cosT.floats(), sinV = sinT.floats()
        guard cosT.shape.last == half, sinT.shape.last == half, cosV.count == sinV.count else {
            throw ctx.fail("cos/sin caches must have one shape ending in rotary_embedding_dim/2 = \(half)")
        }
        let pos = positions?.int64s()
        let cacheRows = cosV.count / max(half, 1)
        func index(_ bi: Int, _ si: Int, _ ni: Int, _ di: Int) -> Int {
            fourD ? ((bi * n + ni) * s + si) * d + di : ((bi * s + si) * n + ni) * d + di
        }
        var out = x
        for bi in 0..<b {
            for si in 0..<s {
                // The cache row: by position id, or (no ids) the cache is already [B, S, half] or [S, half].
                var row: Int
                if let pos {
                    if pos.count == 1 {
                        let (p, overflow) = Int(pos[0]).addingReportingOverflow(si)
                        row = overflow ? -1 : p
                    } else {
                        row = Int(pos[(bi * s + si) % max(pos.count, 1)])
                    }
                } else {
                    row = cosT.rank == 3 ? bi * s + si : si
                }
                guard row >= 0, row < cacheRows else { throw ctx.fail("position \(row) is outside the \(cacheRows)-row cos/sin cache") }
                for ni in 0..<n {
                    for j in 0..<half {
                        let c = cosV[row * half + j], sn = sinV[row * half + j]
                        let i1 = interleaved ? 2 * j : j, i2 = interleaved ? 2 * j + 1 : j + half
                        let x1 = x[index(bi, si, ni, i1)], x2 = x[index(bi, si, ni, i2)]
                        out[index(bi, si, ni, i1)] = c * x1 - sn * x2
                        out[index(bi, si, ni, i2)] = sn * x1 + c * x2
                    }
                }
            }
        }
        return Tensor.fromFloats(out, type: input.type, shape: input.shape)
    }
}
