import CBLAS
import Foundation
import FrictionCore

/// ONNX Attention (opset 23+): 3-D or 4-D Q/K/V, KV cache (past_key / past_value), boolean
/// or additive masks padded to the KV length, bottom-right causal masking, grouped-query heads,
/// softcap, sliding windows and `nonpad_kv_seqlen`; computed in float32 with OpenBLAS as the
/// reference does (scale applied as √scale to Q and K, fully masked rows give zeros).
extension Kernels {
    static let attention: [KernelSpec] = [
        KernelSpec("Attention", versions: 23...KernelSpec.latestOpset) { ctx throws(ExecutionError) in try AttentionKernel.run(ctx) },
    ]
}

/// A float32 array with a 4-D shape [B, H, S, D].
struct Float4D {
    var v: [Float]
    var b: Int, h: Int, s: Int, d: Int
    subscript(bi: Int, hi: Int) -> Int { ((bi * h) + hi) * s * d }
}

enum AttentionKernel {
    /// [B, S, H·D] → [B, H, S, D], or a 4-D tensor as is.
    static func heads(_ t: Tensor, _ numHeads: Int?, _ ctx: KernelContext) throws(ExecutionError) -> Float4D {
        let f = t.floats()
        if t.rank == 4 { return Float4D(v: f, b: t.shape[0], h: t.shape[1], s: t.shape[2], d: t.shape[3]) }
        guard t.rank == 3, let n = numHeads, n > 0, t.shape[2] % n == 0 else { throw ctx.fail("Attention needs 4-D inputs or 3-D inputs with num_heads attributes") }
        let (b, s, d) = (t.shape[0], t.shape[1], t.shape[2] / n)
        var out = [Float](repeating: 0, count: f.count)
        for bi in 0..<b { for si in 0..<s { for hi in 0..<n { for di in 0..<d {
            out[((bi * n + hi) * s + si) * d + di] = f[(bi * s + si) * n * d + hi * d + di]
        } } } }
        return Float4D(v: out, b: b, h: n, s: s, d: d)
    }

    /// Concatenation along the sequence axis (KV cache).
    static func concatSeq(_ a: Float4D, _ b: Float4D) -> Float4D {
        var out = [Float]()
        out.reserveCapacity(a.v.count + b.v.count)
        for bi in 0..<a.b { for hi in 0..<a.h {
            out += a.v[a[bi, hi]..<(a[bi, hi] + a.s * a.d)]
            out += b.v[b[bi, hi]..<(b[bi, hi] + b.s * b.d)]
        } }
        return Float4D(v: out, b: a.b, h: a.h, s: a.s + b.s, d: a.d)
    }

    static func tensor(_ x: Float4D, type: DType) -> Tensor { Tensor.fromFloats(x.v, type: type, shape: [x.b, x.h, x.s, x.d]) }

    static func run(_ ctx: KernelContext) throws(ExecutionError) -> [Tensor] {
        let qT = try ctx.input(0), kT = try ctx.input(1), vT = try ctx.input(2)
        guard qT.rank == kT.rank, kT.rank == vT.rank else { throw ctx.fail("Q, K and V must have the same rank") }
        let qHeads = ctx.node.int("q_num_heads").map { Int($0) }, kvHeads = ctx.node.int("kv_num_heads").map { Int($0) }
        let q = try heads(qT, qHeads, ctx)
        var k = try heads(kT, kvHeads, ctx), v = try heads(vT, kvHeads, ctx)
        var scale = ctx.node.float("scale").map(Double.init) ?? 1 / Double(q.d).squareRoot()
        scale = scale.squareRoot()
        let s = Float(scale)
        let pastK = ctx.optional(4), pastV = ctx.optional(5)
        var pastLength = 0
        if let pk = pastK, let pv = pastV {
            let pk4 = try heads(pk, nil, ctx), pv4 = try heads(pv, nil, ctx)
            guard [pk4.b, pk4.h, pk4.d] == [k.b, k.h, k.d], [pv4.b, pv4.h, pv4.d] == [v.b, v.h, v.d], pk4.s == pv4.s else {
                throw ctx.fail("past_key / past_value of shapes \(pk.shape), \(pv.shape) do not match K and V")
            }
            pastLength = pk4.s
            k = concatSeq(pk4, k); v = concatSeq(pv4, v)
        }
        // Q·Kᵀ needs one head size and batch; K and V one length (the loops below trust them).
        guard k.b == q.b, v.b == q.b, k.h == v.h, k.s == v.s, k.d == q.d else {
            throw ctx.fail("Q, K and V of shapes \(qT.shape), \(kT.shape), \(vT.shape) do not agree on batch, heads, length or head size")
        }
        let presentK = k, presentV = v
        let sq = q.s, skv = k.s
        try ctx.checkSize([q.b, q.h, sq, skv], .float32)
        // Additive bias [B, H, Sq, Skv] (broadcast from the mask, causal, window, padding).
        var bias = [Float](repeating: 0, count: q.b * q.h * sq * skv)
        let biasShape = [q.b, q.h, sq, skv]
        if let mask = ctx.optional(3) {
            var m = mask.floats()
            var mshape = mask.shape
            if mask.type == .bool { m = m.map { $0 != 0 ? 0 : -.infinity } }
            if let last = mshape.last, last < skv {
                // Pad the mask's last axis to the KV length with "masked".
                let rows = m.count / max(last, 1)
                var padded = [Float](repeating: -.infinity, count: rows * skv)
                for r in 0..<rows { for c in 0..<last { padded[r * skv + c] = m[r * last + c] } }
                m = padded
                mshape[mshape.count - 1] = skv
            }
            guard Broadcast.shape([mshape, biasShape]) == biasShape else { throw ctx.fail("attn_mask of shape \(mask.shape) does not broadcast to \(biasShape)") }
            Broadcast.rows(biasShape, inputs: [mshape]) { start, offsets, steps, length in
                var im = offsets[0]
                for j in 0..<length { bias[start + j] += m[im]; im += steps[0] }
            }
        }
        // Valid lengths, one per batch entry, clamped to 0...skv (no offset arithmetic overflows).
        let nonpad = ctx.optional(6)?.int64s().map { Swift.min(Swift.max($0, 0), Int64(skv)) }
        if let nonpad, nonpad.count < q.b { throw ctx.fail("nonpad_kv_seqlen has \(nonpad.count) values for batch \(q.b)") }
        let causal = ctx.int("is_causal", 0) == 1
        let left = ctx.int("left_window_size", -1), right = ctx.int("right_window_size", -1)
        if causal || left >= 0 || right >= 0 || nonpad != nil {
            for bi in 0..<q.b {
                let offset = pastK == nil && nonpad != nil ? Int(nonpad?[bi] ?? 0) - sq : pastLength
                for hi in 0..<q.h { for i in 0..<sq { for j in 0..<skv {
                    let idx = ((bi * q.h + hi) * sq + i) * skv + j
                    let diff = i + offset - j
                    if causal && diff < 0 { bias[idx] = -.infinity }
                    if left >= 0 && diff > left { bias[idx] = -.infinity }
                    if right >= 0 && -diff > right { bias[idx] = -.infinity }
                    if let nonpad, j >= Int(nonpad[bi]) { bias[idx] = -.infinity }
                } } }
            }
        }
        // Grouped-query attention: query head h reads KV head h / (H / Hkv).
        guard k.h > 0, q.h % k.h == 0 else { throw ctx.fail("\(q.h) query heads cannot share \(k.h) KV heads") }
        let group = q.h / k.h
        let softcap = ctx.float("softcap", 0)
        let mode = ctx.int("qk_matmul_output_mode", 0)
        var qkOut = [Float](repeating: 0, count: bias.count)
        var out = [Float](repeating: 0, count: q.b * q.h * sq * v.d)
        let qs = q.v.map { $0 * s }, ks = k.v.map { $0 * s }
        var scores = [Float](repeating: 0, count: sq * skv)
        for bi in 0..<q.b {
            for hi in 0..<q.h {
                let kh = hi / group
                qs.withUnsafeBufferPointer { qp in ks.withUnsafeBufferPointer { kp in scores.withUnsafeMutableBufferPointer { sp in
                    guard let Q = qp.baseAddress, let K = kp.baseAddress, let S = sp.baseAddress, sq > 0, skv > 0, q.d > 0 else { return }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(sq), Int32(skv), Int32(q.d), 1, Q + q[bi, hi], Int32(q.d),
                                K + k[bi, kh], Int32(k.d), 0, S, Int32(skv))
                } } }
                let base = (bi * q.h + hi) * sq * skv
                for i in 0..<sq {
                    var rowMax = -Float.infinity
                    var biasMax = -Float.infinity
                    for j in 0..<skv {
                        var x = scores[i * skv + j]
                        if softcap > 0 { x = Foundation.tanh(x / softcap) * softcap }
                        if mode <= 1 { qkOut[base + i * skv + j] = x }
                        let b = bias[base + i * skv + j]
                        biasMax = Swift.max(biasMax, b)
                        x += b
                        if mode == 2 { qkOut[base + i * skv + j] = x }
                        scores[i * skv + j] = x
                        rowMax = Swift.max(rowMax, x)
                    }
                    let masked = biasMax == -.infinity
                    let m = rowMax == -.infinity ? 0 : rowMax
                    var sum: Float = 0
                    for j in 0..<skv { let e = Foundation.exp(scores[i * skv + j] - m); scores[i * skv + j] = e; sum += e }
                    let inv: Float = sum == 0 ? 1 : 1 / sum
                    for j in 0..<skv {
                        let p = masked ? 0 : scores[i * skv + j] * inv
                        scores[i * skv + j] = p
                        if mode == 3 { qkOut[base + i * skv + j] = p }
                    }
                }
                // out[bi, hi] = P · V[bi, kh]
                scores.withUnsafeBufferPointer { sp in v.v.withUnsafeBufferPointer { vp in out.withUnsafeMutableBufferPointer { op in
                    guard let P = sp.baseAddress, let V = vp.baseAddress, let O = op.baseAddress, sq > 0, v.d > 0, skv > 0 else { return }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(sq), Int32(v.d), Int32(skv), 1, P, Int32(skv),
                                V + v[bi, kh], Int32(v.d), 0, O + (bi * q.h + hi) * sq * v.d, Int32(v.d))
                } } }
            }
        }
        var y: Tensor
        if qT.rank == 3 {
            var t = [Float](repeating: 0, count: out.count)
            for bi in 0..<q.b { for hi in 0..<q.h { for si in 0..<sq { for di in 0..<v.d {
                t[(bi * sq + si) * q.h * v.d + hi * v.d + di] = out[((bi * q.h + hi) * sq + si) * v.d + di]
            } } } }
            y = Tensor.fromFloats(t, type: qT.type, shape: [q.b, sq, q.h * v.d])
        } else {
            y = Tensor.fromFloats(out, type: qT.type, shape: [q.b, q.h, sq, v.d])
        }
        return [y, tensor(presentK, type: kT.type), tensor(presentV, type: vT.type), Tensor.fromFloats(qkOut, type: qT.type, shape: biasShape)]
    }
}
