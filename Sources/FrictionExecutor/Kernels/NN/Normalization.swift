import Foundation
import FrictionCore

extension Kernels {
    /// BatchNormalization (inference; training_mode from opset 14), InstanceNormalization,
    /// LayerNormalization (17), RMSNormalization (23), GroupNormalization (18 per-group scale,
    /// 21 per-channel scale), LpNormalization.
    static let nnNormalization: [KernelSpec] = [
        KernelSpec("BatchNormalization", versions: 1...13) { ctx throws(ExecutionError) in
            try NNNorm.batchNorm(ctx, training: false)
        },
        KernelSpec("BatchNormalization", versions: 14...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            try NNNorm.batchNorm(ctx, training: ctx.int("training_mode", 0) != 0)
        },
        KernelSpec("InstanceNormalization", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try NNNorm.groupNorm(ctx, instance: true, perGroupScale: false)]
        },
        KernelSpec("GroupNormalization", versions: 18...20) { ctx throws(ExecutionError) in
            [try NNNorm.groupNorm(ctx, instance: false, perGroupScale: true)]
        },
        KernelSpec("GroupNormalization", versions: 21...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try NNNorm.groupNorm(ctx, instance: false, perGroupScale: false)]
        },
        KernelSpec("LayerNormalization", versions: 17...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            try NNNorm.layerNorm(ctx, rms: false)
        },
        KernelSpec("RMSNormalization", versions: 23...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            try NNNorm.layerNorm(ctx, rms: true)
        },
        KernelSpec("LpNormalization", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try NNNorm.lpNorm(ctx)]
        },
    ]
}

enum NNNorm {
    // MARK: BatchNormalization

    static func batchNorm(_ ctx: KernelContext, training: Bool) throws(ExecutionError) -> [Tensor] {
        let x = try ctx.input(0)
        guard let precision = NNUtil.precision(x.type) else { throw NNUtil.unsupported(ctx, x.type) }
        guard x.rank >= 2 else { throw ctx.fail("X must have rank ≥ 2, got shape \(x.shape)") }
        var params: [Tensor] = []
        for i in 1...4 { params.append(try ctx.input(i)) }
        let c = x.shape[1]
        let inner = NNUtil.product(x.shape[2...])
        for p in params where p.count != c && (training || p.count != c * inner) {
            throw ctx.fail("BatchNormalization parameter of shape \(p.shape) does not match \(c) channels")
        }
        let eps = Double(ctx.float("epsilon", 1e-5))
        let momentum = Double(ctx.float("momentum", 0.9))
        switch precision {
        case .float:
            let r = batchNorm(NNUtil.float32(x), params.map(NNUtil.float32), Float.self, eps: eps, momentum: momentum,
                              training: training)
            return [NNUtil.cast(r[0], to: x.type)] + r.dropFirst().map { NNUtil.cast($0, to: params[3].type) }
        case .double:
            return batchNorm(x, params.map(NNUtil.float64), Double.self, eps: eps, momentum: momentum, training: training)
        }
    }

    static func batchNorm<T: NNReal>(_ x: Tensor, _ params: [Tensor], _: T.Type, eps: Double, momentum: Double,
                                     training: Bool) -> [Tensor] {
        let n = x.shape[0], c = x.shape[1]
        let inner = NNUtil.product(x.shape[2...])
        let out = Tensor(zeros: T.nnType, x.shape)
        let xs = x.values(T.self), ys = out.values(T.self)
        let scale = Array(params[0].values(T.self)), bias = Array(params[1].values(T.self))
        var mean = Array(params[2].values(T.self)), variance = Array(params[3].values(T.self))
        var extra: [Tensor] = []
        if training {
            // Batch statistics per channel, then the running statistics.
            let cnt = Double(n * inner)
            var saved = [T](repeating: 0, count: c), savedVar = [T](repeating: 0, count: c)
            if let xb = xs.baseAddress, cnt > 0 {
                for ch in 0..<c {
                    var s: T = 0
                    for b in 0..<n { s += NNUtil.pairwiseSum(xb + (b * c + ch) * inner, inner) }
                    let m = T(Double(s) / cnt)
                    var v: T = 0
                    for b in 0..<n { v += NNUtil.pairwiseSumSquares(xb + (b * c + ch) * inner, inner, minus: m) }
                    saved[ch] = m
                    savedVar[ch] = T(Double(v) / cnt)
                }
            }
            let mo = T(momentum), rest = T(1 - momentum)
            let runMean = Tensor(zeros: T.nnType, [c]), runVar = Tensor(zeros: T.nnType, [c])
            let rm = runMean.values(T.self), rv = runVar.values(T.self)
            for ch in 0..<c {
                rm[ch] = mean[ch] * mo + saved[ch] * rest
                rv[ch] = variance[ch] * mo + savedVar[ch] * rest
            }
            mean = saved
            variance = savedVar
            extra = [runMean, runVar]
        }
        let e = T(eps)
        let perChannel = scale.count == c && bias.count == c && mean.count == c && variance.count == c
        if perChannel {
            var sd = [T](repeating: 0, count: c)
            for ch in 0..<c { sd[ch] = (variance[ch] + e).squareRoot() }
            for b in 0..<n {
                for ch in 0..<c {
                    let base = (b * c + ch) * inner
                    let s = scale[ch], m = mean[ch], d = sd[ch], bb = bias[ch]
                    for i in 0..<inner { ys[base + i] = s * (xs[base + i] - m) / d + bb }
                }
            }
        } else {
            // Opsets before 9 with spatial = 0: statistics per channel and position.
            func at(_ v: [T], _ j: Int) -> T { v.count == c ? v[j / max(inner, 1)] : v[j] }
            let slab = c * inner
            for b in 0..<n {
                for j in 0..<slab {
                    let sd = (at(variance, j) + e).squareRoot()
                    ys[b * slab + j] = at(scale, j) * (xs[b * slab + j] - at(mean, j)) / sd + at(bias, j)
                }
            }
        }
        return [out] + extra
    }

    // MARK: Instance / Group normalization

    static func groupNorm(_ ctx: KernelContext, instance: Bool, perGroupScale: Bool) throws(ExecutionError) -> Tensor {
        let x = try ctx.input(0), scale = try ctx.input(1), bias = try ctx.input(2)
        guard let precision = NNUtil.precision(x.type) else { throw NNUtil.unsupported(ctx, x.type) }
        guard x.rank >= 2 else { throw ctx.fail("X must have rank ≥ 2, got shape \(x.shape)") }
        let c = x.shape[1]
        let groups = instance ? c : ctx.int("num_groups", 0)
        guard groups > 0, c % groups == 0 else {
            throw ctx.fail("num_groups \(groups) does not divide the \(c) channels")
        }
        // Which parameter each channel reads: per channel, or per group (GroupNormalization-18;
        // `perGroupScale` says which the opset means, the parameter sizes decide).
        let perGroup: Bool
        if scale.count == c && bias.count == c && !(perGroupScale && c == groups) {
            perGroup = false
        } else if scale.count == groups && bias.count == groups {
            perGroup = true
        } else {
            throw ctx.fail("scale \(scale.shape) / bias \(bias.shape) match neither \(c) channels nor \(groups) groups")
        }
        let eps = Double(ctx.float("epsilon", 1e-5))
        switch precision {
        case .float:
            let r = groupNorm(NNUtil.float32(x), NNUtil.float32(scale), NNUtil.float32(bias), Float.self,
                              groups: groups, perGroup: perGroup, eps: eps, instance: instance)
            return NNUtil.cast(r, to: x.type)
        case .double:
            return groupNorm(x, NNUtil.float64(scale), NNUtil.float64(bias), Double.self,
                             groups: groups, perGroup: perGroup, eps: eps, instance: instance)
        }
    }

    static func groupNorm<T: NNReal>(_ x: Tensor, _ scale: Tensor, _ bias: Tensor, _: T.Type,
                                     groups: Int, perGroup: Bool, eps: Double, instance: Bool) -> Tensor {
        let n = x.shape[0], c = x.shape[1]
        let inner = NNUtil.product(x.shape[2...])
        let cpg = c / groups
        let block = cpg * inner
        let out = Tensor(zeros: T.nnType, x.shape)
        let ys = out.values(T.self)
        let s = scale.values(T.self), b = bias.values(T.self)
        guard let xb = x.values(T.self).baseAddress, block > 0 else { return out }
        let e = T(eps)
        for bi in 0..<n {
            for g in 0..<groups {
                let base = (bi * groups + g) * block
                let p = xb + base
                let m = NNUtil.mean(p, block)
                let sd = (NNUtil.variance(p, block, mean: m) + e).squareRoot()
                for cc in 0..<cpg {
                    let ch = g * cpg + cc
                    let sc = perGroup ? s[g] : s[ch], bs = perGroup ? b[g] : b[ch]
                    let o = cc * inner
                    if instance {
                        // InstanceNormalization's reference order: s * (x - mean) / sd + b.
                        for i in 0..<inner { ys[base + o + i] = sc * (p[o + i] - m) / sd + bs }
                    } else {
                        for i in 0..<inner { ys[base + o + i] = sc * ((p[o + i] - m) / sd) + bs }
                    }
                }
            }
        }
        return out
    }

    // MARK: Layer / RMS normalization

    static func layerNorm(_ ctx: KernelContext, rms: Bool) throws(ExecutionError) -> [Tensor] {
        let x = try ctx.input(0), scale = try ctx.input(1)
        let bias = rms ? nil : ctx.optional(2)
        guard let precision = NNUtil.precision(x.type) else { throw NNUtil.unsupported(ctx, x.type) }
        let rank = x.rank
        guard rank >= 1 else { throw ctx.fail("X must have rank ≥ 1") }
        let axis = try ctx.axis(ctx.int("axis", -1), rank: rank)
        let eps = Double(ctx.float("epsilon", 1e-5))
        let stash = ctx.int("stash_type", 1)
        // Mean / InvStdDev come out in stash_type (float32 unless the node says otherwise).
        var statType = DType.float32
        if let t = DType.fromONNX(Int32(clamping: stash)), NNUtil.precision(t) != nil { statType = t }
        let statShape = Array(x.shape[0..<axis]) + Array(repeating: 1, count: rank - axis)
        let inner = Array(x.shape[axis...])
        var params = [scale]
        if let bias { params.append(bias) }
        for p in params {
            guard Broadcast.shape([x.shape, p.shape]) == x.shape else {
                throw ctx.fail("scale/bias shape \(p.shape) does not broadcast to \(x.shape)")
            }
        }
        switch precision {
        case .float:
            let r = layerNorm(NNUtil.float32(x), NNUtil.float32(scale), bias.map(NNUtil.float32), Float.self,
                              inner: inner, eps: eps, rms: rms, statShape: statShape)
            return [NNUtil.cast(r[0], to: x.type)] + r.dropFirst().map { NNUtil.cast($0, to: statType) }
        case .double:
            let r = layerNorm(x, NNUtil.float64(scale), bias.map(NNUtil.float64), Double.self,
                              inner: inner, eps: eps, rms: rms, statShape: statShape)
            return [r[0]] + r.dropFirst().map { NNUtil.cast($0, to: statType) }
        }
    }

    /// Rows of `cols` = prod(inner) elements; scale and bias are `cols`-long (or, when they also
    /// vary along the leading dimensions, expanded to X's full shape).
    static func layerNorm<T: NNReal>(_ x: Tensor, _ scale: Tensor, _ bias: Tensor?, _: T.Type, inner: [Int],
                                     eps: Double, rms: Bool, statShape: [Int]) -> [Tensor] {
        let cols = NNUtil.product(inner)
        let rows = cols == 0 ? 0 : x.count / cols
        let out = Tensor(zeros: T.nnType, x.shape)
        let meanT = Tensor(zeros: T.nnType, statShape), invT = Tensor(zeros: T.nnType, statShape)
        let ys = out.values(T.self), mo = meanT.values(T.self), io = invT.values(T.self)
        // Scale / bias as per-column vectors, or as full-shape arrays when they vary along rows.
        let wRow = scale.rank <= inner.count
        let w: [T] = (wRow ? NNUtil.broadcast(scale, T.self, to: inner) : NNUtil.broadcast(scale, T.self, to: x.shape)) ?? []
        let bRow = (bias?.rank ?? 0) <= inner.count
        let bv: [T]? = bias.flatMap { b in bRow ? NNUtil.broadcast(b, T.self, to: inner) : NNUtil.broadcast(b, T.self, to: x.shape) }
        guard let xb = x.values(T.self).baseAddress, cols > 0, !w.isEmpty else { return rms ? [out] : [out, meanT, invT] }
        let e = T(eps)
        w.withUnsafeBufferPointer { wp in
            for r in 0..<rows {
                let p = xb + r * cols
                let q = r * cols
                let wo = wRow ? 0 : q
                if rms {
                    let ms = T(Double(NNUtil.pairwiseSumSquares(p, cols, minus: 0)) / Double(cols))
                    let inv = 1 / (ms + e).squareRoot()
                    for j in 0..<cols { ys[q + j] = (p[j] * inv) * wp[wo + j] }
                    continue
                }
                let m = NNUtil.pairwiseSum(p, cols) / T(cols)
                let variance = NNUtil.pairwiseSumSquares(p, cols, minus: m) / T(cols)
                let inv = 1 / (variance + e).squareRoot()
                mo[r] = m
                io[r] = inv
                if let bv {
                    let bo = bRow ? 0 : q
                    for j in 0..<cols { ys[q + j] = ((p[j] - m) * inv) * wp[wo + j] + bv[bo + j] }
                } else {
                    for j in 0..<cols { ys[q + j] = ((p[j] - m) * inv) * wp[wo + j] }
                }
            }
        }
        return rms ? [out] : [out, meanT, invT]
    }

    // MARK: LpNormalization

    static func lpNorm(_ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        let x = try ctx.input(0)
        guard let precision = NNUtil.precision(x.type) else { throw NNUtil.unsupported(ctx, x.type) }
        let p = ctx.int("p", 2)
        guard p >= 1 else { throw ctx.fail("p must be ≥ 1, got \(p)") }
        var outer = 1, n = 1, inner = 1
        if x.rank > 0 {
            let a = try ctx.axis(ctx.int("axis", -1), rank: x.rank)
            outer = NNUtil.product(x.shape[0..<a])
            n = x.shape[a]
            inner = NNUtil.product(x.shape[(a + 1)...])
        }
        switch precision {
        case .float:
            let r = lpNorm(NNUtil.float32(x), Float.self, p: p, outer: outer, n: n, inner: inner)
            return NNUtil.cast(r, to: x.type)
        case .double:
            return lpNorm(x, Double.self, p: p, outer: outer, n: n, inner: inner)
        }
    }

    static func lpNorm<T: NNReal>(_ x: Tensor, _: T.Type, p: Int, outer: Int, n: Int, inner: Int) -> Tensor {
        let out = Tensor(zeros: T.nnType, x.shape)
        let xs = x.values(T.self), ys = out.values(T.self)
        guard x.count > 0 else { return out }
        let pf = T(p)
        var norms = [T](repeating: 0, count: inner)
        for o in 0..<outer {
            let base = o * n * inner
            for j in 0..<inner { norms[j] = 0 }
            for k in 0..<n {
                for j in 0..<inner {
                    let v = xs[base + k * inner + j]
                    switch p {
                    case 1: norms[j] += Swift.abs(v)
                    case 2: norms[j] += v * v
                    default: norms[j] += T.nnPow(Swift.abs(v), pf)
                    }
                }
            }
            for j in 0..<inner {
                switch p {
                case 1: break
                case 2: norms[j] = norms[j].squareRoot()
                default: norms[j] = T.nnPow(norms[j], 1 / pf)
                }
            }
            for k in 0..<n {
                for j in 0..<inner {
                    let i = base + k * inner + j
                    ys[i] = norms[j] == 0 ? 0 : xs[i] / norms[j]
                }
            }
        }
        return out
    }
}
