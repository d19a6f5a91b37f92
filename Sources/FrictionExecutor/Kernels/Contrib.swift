import CBLAS
import Foundation
import FrictionCore

/// The com.microsoft fused ops onnxruntime's transformer optimizer writes (and the
/// SimplifiedLayerNormalization it registers in the default domain), with the semantics of
/// onnxruntime's contrib op documentation; computed in float32.
extension Kernels {
    static let contrib: [KernelSpec] = [
        KernelSpec("Gelu", domain: "com.microsoft", versions: 1...1) { ctx throws(ExecutionError) in
            [try Elementwise.unary(ctx, float: { 0.5 * $0 * (1 + Foundation.erf($0 * 0.70710678118654752)) }, double: nil, integer: nil)]
        },
        KernelSpec("BiasGelu", domain: "com.microsoft", versions: 1...1) { ctx throws(ExecutionError) in
            let sum = try Elementwise.binary(ctx, float: { $0 + $1 }, double: { $0 + $1 }, integer: nil)
            return [try Contrib.map(sum) { 0.5 * $0 * (1 + Foundation.erf($0 * 0.70710678118654752)) }]
        },
        KernelSpec("FastGelu", domain: "com.microsoft", versions: 1...1) { ctx throws(ExecutionError) in
            let x = ctx.optional(1) == nil ? try ctx.input(0) : try Elementwise.binary(ctx, float: { $0 + $1 }, double: { $0 + $1 }, integer: nil)
            return [try Contrib.map(x) { v in 0.5 * v * (1 + Foundation.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))) }]
        },
        KernelSpec("QuickGelu", domain: "com.microsoft", versions: 1...1) { ctx throws(ExecutionError) in
            let alpha = ctx.float("alpha", 1.702)
            return [try Contrib.map(try ctx.input(0)) { v in v / (1 + Foundation.exp(-alpha * v)) }]
        },
        KernelSpec("SkipLayerNormalization", domain: "com.microsoft", versions: 1...1) { ctx throws(ExecutionError) in
            try Contrib.skipNorm(ctx, rms: false)
        },
        KernelSpec("SkipSimplifiedLayerNormalization", domain: "com.microsoft", versions: 1...1) { ctx throws(ExecutionError) in
            try Contrib.skipNorm(ctx, rms: true)
        },
        KernelSpec("SimplifiedLayerNormalization", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let x = try ctx.input(0)
            let axis = try ctx.axis(ctx.int("axis", -1), rank: x.rank)
            let h = x.shape[axis...].reduce(1, *)
            let (y, _, inv) = try Contrib.normalize(ctx, x.floats(), width: h, gamma: try ctx.input(1).floats(), beta: nil, eps: ctx.float("epsilon", 1e-5), rms: true)
            return [Tensor.fromFloats(y, type: x.type, shape: x.shape), Tensor.floats(inv, shape: Array(x.shape[..<axis]) + Array(repeating: 1, count: x.rank - axis))]
        },
        KernelSpec("EmbedLayerNormalization", domain: "com.microsoft", versions: 1...1) { ctx throws(ExecutionError) in try Contrib.embedNorm(ctx) },
        KernelSpec("Attention", domain: "com.microsoft", versions: 1...1) { ctx throws(ExecutionError) in try Contrib.attention(ctx) },
        KernelSpec("MatMulNBits", domain: "com.microsoft", versions: 1...1) { ctx throws(ExecutionError) in try Contrib.matMulNBits(ctx) },
    ]
}

enum Contrib {
    static func map(_ t: Tensor, _ f: (Float) -> Float) throws(ExecutionError) -> Tensor {
        Tensor.fromFloats(t.floats().map(f), type: t.type, shape: t.shape)
    }

    /// Layer (or RMS) normalization over rows of `width`: returns y, mean and 1/std per row.
    static func normalize(_ ctx: KernelContext, _ x: [Float], width h: Int, gamma: [Float], beta: [Float]?, eps: Float, rms: Bool) throws(ExecutionError) -> ([Float], [Float], [Float]) {
        guard !gamma.isEmpty, beta?.isEmpty != true else { throw ctx.fail("gamma and beta must not be empty") }
        let rows = h > 0 ? x.count / h : 0
        var y = [Float](repeating: 0, count: x.count), means = [Float](repeating: 0, count: rows), invs = [Float](repeating: 0, count: rows)
        for r in 0..<rows {
            var mean: Float = 0
            if !rms { for j in 0..<h { mean += x[r * h + j] }; mean /= Float(h) }
            var variance: Float = 0
            for j in 0..<h { let c = x[r * h + j] - mean; variance += c * c }
            variance /= Float(h)
            let inv = 1 / (variance + eps).squareRoot()
            means[r] = mean; invs[r] = inv
            for j in 0..<h {
                y[r * h + j] = (x[r * h + j] - mean) * inv * gamma[j % max(gamma.count, 1)] + (beta.map { $0[j % max($0.count, 1)] } ?? 0)
            }
        }
        return (y, means, invs)
    }

    static func skipNorm(_ ctx: KernelContext, rms: Bool) throws(ExecutionError) -> [Tensor] {
        let x = try ctx.input(0), skip = try ctx.input(1), gamma = try ctx.input(2).floats()
        let beta = rms ? nil : ctx.optional(3)?.floats()
        let bias = ctx.optional(rms ? 3 : 4)?.floats()
        guard let h = x.shape.last, h > 0 else { throw ctx.fail("SkipLayerNormalization needs a hidden dimension") }
        let xv = x.floats(), sv = skip.floats()
        guard !sv.isEmpty, sv.count == xv.count || sv.count % h == 0 else { throw ctx.fail("skip of shape \(skip.shape) does not match \(x.shape)") }
        guard bias.map({ $0.count == h }) ?? true else { throw ctx.fail("bias must have \(h) values") }
        var sum = [Float](repeating: 0, count: xv.count)
        for i in 0..<xv.count { sum[i] = xv[i] + sv[i % sv.count] + (bias.map { $0[i % h] } ?? 0) }
        let (y, mean, inv) = try normalize(ctx, sum, width: h, gamma: gamma, beta: beta, eps: ctx.float("epsilon", 1e-12), rms: rms)
        let stats = Array(x.shape.dropLast()) + [1]
        return [Tensor.fromFloats(y, type: x.type, shape: x.shape), Tensor.floats(mean, shape: stats), Tensor.floats(inv, shape: stats),
                Tensor.fromFloats(sum, type: x.type, shape: x.shape)]
    }

    static func embedNorm(_ ctx: KernelContext) throws(ExecutionError) -> [Tensor] {
        let ids = try ctx.input(0).int64s(), idShape = try ctx.input(0).shape
        guard idShape.count == 2 else { throw ctx.fail("input_ids must be [batch, sequence]") }
        let (b, s) = (idShape[0], idShape[1])
        let segments = ctx.optional(1)?.int64s()
        let word = try ctx.input(2), position = try ctx.input(3), segment = ctx.optional(4)
        guard let h = word.shape.last, word.rank == 2, position.rank == 2, position.shape[1] == h,
              segment.map({ $0.rank == 2 && $0.shape[1] == h }) ?? true else { throw ctx.fail("embeddings must be 2-D with one hidden size") }
        guard segments.map({ $0.count == b * s }) ?? true, s <= Int(Int32.max) else { throw ctx.fail("segment_ids must match input_ids") }
        let wv = word.floats(), pv = position.floats(), sv = segment?.floats()
        let positions = ctx.optional(8)?.int64s()
        var sum = [Float](repeating: 0, count: b * s * h)
        for bi in 0..<b {
            for si in 0..<s {
                let id = Int(ids[bi * s + si])
                let p = positions.map { Int($0[($0.count == s ? si : bi * s + si) % max($0.count, 1)]) } ?? si
                guard id >= 0, id < word.shape[0], p >= 0, p < position.shape[0] else { throw ctx.fail("token \(id) or position \(p) is outside its embedding table") }
                let seg = segments.map { Int($0[bi * s + si]) } ?? 0
                if let segment, seg < 0 || seg >= segment.shape[0] { throw ctx.fail("segment \(seg) is outside its embedding table") }
                for j in 0..<h {
                    sum[(bi * s + si) * h + j] = wv[id * h + j] + pv[p * h + j] + (sv.map { $0[seg * h + j] } ?? 0)
                }
            }
        }
        let (y, _, _) = try normalize(ctx, sum, width: h, gamma: try ctx.input(5).floats(), beta: try ctx.input(6).floats(), eps: ctx.float("epsilon", 1e-12), rms: false)
        var maskIndex = [Int32](repeating: Int32(s), count: b)
        if let mask = ctx.optional(7)?.int64s() {
            guard mask.count == b * s else { throw ctx.fail("mask must match input_ids") }
            for bi in 0..<b { maskIndex[bi] = Int32(mask[(bi * s)..<((bi + 1) * s)].reduce(0) { $0 + ($1 != 0 ? 1 : 0) }) }
        }
        return [Tensor.fromFloats(y, type: word.type, shape: [b, s, h]), Tensor.from(maskIndex, type: .int32, shape: [b]),
                Tensor.fromFloats(sum, type: word.type, shape: [b, s, h])]
    }

    /// com.microsoft Attention: QKV = input · weights + bias, then scaled dot-product attention
    /// with a mask index (key lengths [B], or a [B, S_total] 0/1 mask) and optional causal masking.
    static func attention(_ ctx: KernelContext) throws(ExecutionError) -> [Tensor] {
        let input = try ctx.input(0), weights = try ctx.input(1)
        guard input.rank == 3, weights.rank == 2, weights.shape[0] == input.shape[2] else { throw ctx.fail("input [B,S,H] and weights [H, 3H'] expected") }
        let (b, s, inHidden) = (input.shape[0], input.shape[1], input.shape[2])
        let heads = ctx.int("num_heads", 0)
        let sizes = ctx.ints("qkv_hidden_sizes") ?? Array(repeating: weights.shape[1] / 3, count: 3)
        guard heads > 0, sizes.count == 3, sizes.allSatisfy({ $0 > 0 && $0 <= weights.shape[1] }), sizes.reduce(0, +) == weights.shape[1],
              sizes[0] == sizes[1], sizes[0] % heads == 0, sizes[2] % heads == 0 else {
            throw ctx.fail("num_heads / qkv_hidden_sizes do not split weights of shape \(weights.shape)")
        }
        var qkv = [Float](repeating: 0, count: b * s * weights.shape[1])
        let x = input.floats(), w = weights.floats()
        x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in qkv.withUnsafeMutableBufferPointer { op in
            guard let X = xp.baseAddress, let W = wp.baseAddress, let O = op.baseAddress, b * s > 0 else { return }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(b * s), Int32(weights.shape[1]), Int32(inHidden), 1, X, Int32(inHidden),
                        W, Int32(weights.shape[1]), 0, O, Int32(weights.shape[1]))
        } } }
        if let bias = ctx.optional(2)?.floats(), bias.count == weights.shape[1] {
            for r in 0..<(b * s) { for j in 0..<bias.count { qkv[r * bias.count + j] += bias[j] } }
        }
        let width = weights.shape[1], dq = sizes[0] / heads, dv = sizes[2] / heads
        let scale = ctx.node.float("scale") ?? 1 / Float(dq).squareRoot()
        let causal = ctx.int("unidirectional", 0) == 1
        let filter = ctx.float("mask_filter_value", -10000)
        let mask = ctx.optional(3)
        let maskValues = mask?.int64s()
        if let mask, let maskValues {
            let needed = mask.rank == 1 ? 1 : mask.rank == 2 ? b * s : mask.rank == 3 ? b * s * s : 0
            guard maskValues.count >= needed, mask.rank != 2 || mask.shape[1] >= s else {
                throw ctx.fail("mask_index of shape \(mask.shape) does not cover batch \(b) × sequence \(s)")
            }
        }
        var out = [Float](repeating: 0, count: b * s * sizes[2])
        var scores = [Float](repeating: 0, count: s)
        for bi in 0..<b {
            for h in 0..<heads {
                for i in 0..<s {
                    var rowMax = -Float.infinity
                    for j in 0..<s {
                        var dot: Float = 0
                        for t in 0..<dq { dot += qkv[(bi * s + i) * width + h * dq + t] * qkv[(bi * s + j) * width + sizes[0] + h * dq + t] }
                        var v = dot * scale
                        if let maskValues, let mask {
                            if mask.rank == 1 {
                                if j >= Int(maskValues[bi % maskValues.count]) { v += filter }
                            } else if mask.rank == 2 {
                                if maskValues[bi * mask.shape[1] + j] == 0 { v += filter }
                            } else if mask.rank == 3 {
                                if maskValues[(bi * s + i) * s + j] == 0 { v += filter }
                            }
                        }
                        if causal && j > i { v += filter }
                        scores[j] = v
                        rowMax = Swift.max(rowMax, v)
                    }
                    var sum: Float = 0
                    for j in 0..<s { scores[j] = Foundation.exp(scores[j] - rowMax); sum += scores[j] }
                    for t in 0..<dv {
                        var acc: Float = 0
                        for j in 0..<s { acc += scores[j] * qkv[(bi * s + j) * width + sizes[0] + sizes[1] + h * dv + t] }
                        out[(bi * s + i) * sizes[2] + h * dv + t] = acc / sum
                    }
                }
            }
        }
        return [Tensor.fromFloats(out, type: input.type, shape: [b, s, sizes[2]])]
    }

    /// com.microsoft MatMulNBits: B is stored as [N, K/block, block·bits/8] packed codes (low bits
    /// first) with a scale per block and optional packed zero points (default 2^(bits-1)).
    static func matMulNBits(_ ctx: KernelContext) throws(ExecutionError) -> [Tensor] {
        let a = try ctx.input(0), packed = try ctx.input(1), scales = try ctx.input(2).floats()
        let k = ctx.int("K", 0), n = ctx.int("N", 0), bits = ctx.int("bits", 4), block = ctx.int("block_size", 0)
        guard k > 0, n > 0, [2, 4, 8].contains(bits), block >= 16, block <= 1 << 24, a.shape.last == k else { throw ctx.fail("MatMulNBits needs K, N, bits and block_size matching A") }
        try ctx.checkSize([k, n], .float32)
        let blocks = NNUtil.ceilDiv(k, block), blob = block * bits / 8
        let codes = packed.int64s()
        guard codes.count / blob / blocks >= n, scales.count / blocks >= n else { throw ctx.fail("packed B or scales are too short for N=\(n), K=\(k)") }
        let zp = ctx.optional(3)
        let perByte = 8 / bits, mask = (1 << bits) - 1
        var w = [Float](repeating: 0, count: k * n)   // [K, N]
        for col in 0..<n {
            for bl in 0..<blocks {
                let scale = scales[col * blocks + bl]
                var zero = Float(1 << (bits - 1))
                if let zp {
                    if zp.type.traits.family == .float {
                        let z = zp.floats()
                        guard col * blocks + bl < z.count else { throw ctx.fail("zero points are too short") }
                        zero = z[col * blocks + bl]
                    } else {
                        let z = zp.int64s(), perColumn = (blocks + perByte - 1) / perByte
                        guard col * perColumn + bl / perByte < z.count else { throw ctx.fail("zero points are too short") }
                        let byte = Int(z[col * perColumn + bl / perByte])
                        zero = Float((byte >> ((bl % perByte) * bits)) & mask)
                    }
                }
                for e in 0..<block where bl * block + e < k {
                    let byte = Int(codes[(col * blocks + bl) * blob + e / perByte])
                    let q = (byte >> ((e % perByte) * bits)) & mask
                    w[(bl * block + e) * n + col] = (Float(q) - zero) * scale
                }
            }
        }
        let wt = Tensor.floats(w, shape: [k, n])
        var y = try MatMulKernel.matmul(ctx, Tensor.floats(a.floats(), shape: a.shape), wt)
        if let bias = ctx.optional(5)?.floats(), bias.count == n {
            let v = y.values(Float.self)
            for i in 0..<v.count { v[i] += bias[i % n] }
        }
        y = Tensor.fromFloats(y.floats(), type: a.type, shape: y.shape)
        return [y]
    }
}
