import Foundation
import FrictionCore

extension Kernels {
    /// MaxPool (with Indices), AveragePool, LpPool, and the global pools, over any number of
    /// spatial dimensions.
    static let nnPooling: [KernelSpec] = [
        KernelSpec("MaxPool", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            try NNPool.run(ctx, kind: .max)
        },
        KernelSpec("AveragePool", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            try NNPool.run(ctx, kind: .average)
        },
        KernelSpec("LpPool", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            try NNPool.run(ctx, kind: .lp)
        },
        KernelSpec("GlobalAveragePool", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try NNPool.global(ctx, kind: .average)]
        },
        KernelSpec("GlobalMaxPool", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try NNPool.global(ctx, kind: .max)]
        },
        KernelSpec("GlobalLpPool", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try NNPool.global(ctx, kind: .lp)]
        },
    ]
}

enum NNPool {
    enum Kind: Sendable { case max, average, lp }

    /// Output size and padding of a pooling or convolution window along each spatial axis.
    struct Geometry {
        var inSize: [Int]
        var outSize: [Int]
        var kernel: [Int]
        var strides: [Int]
        var dilations: [Int]
        var padBegin: [Int]
        var padEnd: [Int]
    }

    /// The pooling geometry (ONNX pool shape rules: explicit pads with floor or ceil mode, where a
    /// last window starting in the end padding is dropped; SAME_UPPER / SAME_LOWER; VALID).
    static func geometry(_ ctx: KernelContext, inSize: [Int], kernel: [Int], ceilMode: Bool) throws(ExecutionError) -> Geometry {
        let s = inSize.count
        // Spatial sizes and kernels below 2^31 keep every window computation below 2^56.
        guard (inSize + kernel).allSatisfy({ $0 <= 1 << 31 }) else { throw ctx.fail("spatial size \(inSize) or kernel \(kernel) is too large") }
        let strides = try NNUtil.ints(ctx, "strides", count: s, fallback: 1, range: 1...(1 << 24))
        let dilations = try NNUtil.ints(ctx, "dilations", count: s, fallback: 1, range: 1...(1 << 24))
        var pads = try NNUtil.ints(ctx, "pads", count: 2 * s, fallback: 0, range: 0...(1 << 24))
        let autoPad = ctx.string("auto_pad", "NOTSET")
        var out = [Int](repeating: 0, count: s)
        for i in 0..<s {
            let dk = (kernel[i] - 1) * dilations[i] + 1
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER":
                out[i] = NNUtil.ceilDiv(inSize[i], strides[i])
                let total = max(0, (out[i] - 1) * strides[i] + dk - inSize[i])
                pads[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
                pads[i + s] = total - pads[i]
            case "VALID":
                pads[i] = 0
                pads[i + s] = 0
                out[i] = NNUtil.floorDiv(inSize[i] - dk, strides[i]) + 1
            case "NOTSET", "":
                let span = inSize[i] + pads[i] + pads[i + s] - dk
                if ceilMode {
                    var o = NNUtil.ceilDiv(span, strides[i]) + 1
                    if (o - 1) * strides[i] >= inSize[i] + pads[i] { o -= 1 }
                    out[i] = o
                } else {
                    out[i] = NNUtil.floorDiv(span, strides[i]) + 1
                }
            default:
                throw ctx.fail("unknown auto_pad \(autoPad)")
            }
            out[i] = max(out[i], 0)
        }
        return Geometry(inSize: inSize, outSize: out, kernel: kernel, strides: strides, dilations: dilations,
                        padBegin: Array(pads[0..<s]), padEnd: Array(pads[s...]))
    }

    /// Per axis and output position: the first input position inside the window, how many window
    /// taps fall inside the input, and how many inside input + padding (count_include_pad).
    struct Windows {
        var first: [[Int]] = []
        var count: [[Int]] = []
        var padded: [[Int]] = []

        init(_ g: Geometry) {
            for d in g.inSize.indices {
                let n = g.outSize[d], k = g.kernel[d], dil = g.dilations[d], len = g.inSize[d]
                var f = [Int](repeating: 0, count: n), c = [Int](repeating: 0, count: n), p = [Int](repeating: 0, count: n)
                for o in 0..<n {
                    let start = o * g.strides[d] - g.padBegin[d]
                    let lo = start >= 0 ? 0 : NNUtil.ceilDiv(-start, dil)
                    let hi = min(k - 1, NNUtil.floorDiv(len - 1 - start, dil))
                    f[o] = start + lo * dil
                    c[o] = max(0, hi - lo + 1)
                    p[o] = max(0, min(k - 1, NNUtil.floorDiv(len + g.padEnd[d] - 1 - start, dil)) + 1)
                }
                first.append(f)
                count.append(c)
                padded.append(p)
            }
        }
    }

    static func run(_ ctx: KernelContext, kind: Kind) throws(ExecutionError) -> [Tensor] {
        let x = try ctx.input(0)
        guard x.rank >= 3 else { throw ctx.fail("X must be N × C × spatial, got shape \(x.shape)") }
        let s = x.rank - 2
        guard let kernel = ctx.ints("kernel_shape"), kernel.count == s, kernel.allSatisfy({ (1...(1 << 24)).contains($0) }) else {
            throw ctx.fail("kernel_shape must give \(s) sizes ≥ 1")
        }
        let g = try geometry(ctx, inSize: Array(x.shape[2...]), kernel: kernel, ceilMode: ctx.int("ceil_mode", 0) != 0)
        let outShape = Array(x.shape[0..<2]) + g.outSize
        _ = try NNUtil.count(outShape, ctx)
        let includePad = ctx.int("count_include_pad", 0) != 0
        var p = 2
        if kind == .lp {
            if let v = ctx.node.int("p") { p = Int(clamping: v) } else if let f = ctx.node.float("p"), f.isFinite, f >= 1, f <= 1_048_576 {
                p = Int(f)
            }
            guard p >= 1 else { throw ctx.fail("p must be ≥ 1, got \(p)") }
        }
        let wantIndices = kind == .max && ctx.node.outputs.count > 1 && !ctx.node.outputs[1].isEmpty
        let columnMajor = ctx.int("storage_order", 0) != 0
        let type = x.type
        let result: (Tensor, Tensor?)
        switch NNUtil.precision(type) {
        case .float?:
            result = pool(NNUtil.float32(x), Float.self, g: g, kind: kind, includePad: includePad, p: p,
                          indices: wantIndices, columnMajor: columnMajor)
        case .double?:
            result = pool(x, Double.self, g: g, kind: kind, includePad: includePad, p: p,
                          indices: wantIndices, columnMajor: columnMajor)
        case nil:
            guard kind == .max, ComputeDomain(type) == .integer else { throw NNUtil.unsupported(ctx, type) }
            // int8 / uint8 max pooling: exact in float64.
            result = pool(NNUtil.float64(x), Double.self, g: g, kind: kind, includePad: includePad, p: p,
                          indices: wantIndices, columnMajor: columnMajor)
        }
        let y: Tensor
        if ComputeDomain(type) == .integer {
            y = Tensor.fromDoubles(Array(result.0.values(Double.self)), type: type, shape: result.0.shape)
        } else {
            y = NNUtil.cast(result.0, to: type)
        }
        if let i = result.1 { return [y, i] }
        return [y]
    }

    /// Pools `x` (in T's storage type); returns Y and, when asked, the flat argmax indices.
    static func pool<T: NNReal>(_ x: Tensor, _: T.Type, g: Geometry, kind: Kind, includePad: Bool, p: Int,
                                indices: Bool, columnMajor: Bool) -> (Tensor, Tensor?) {
        let s = g.inSize.count
        let planes = x.shape[0] * x.shape[1]
        let inPlane = NNUtil.product(g.inSize), outPlane = NNUtil.product(g.outSize)
        let out = Tensor(zeros: T.nnType, Array(x.shape[0..<2]) + g.outSize)
        let idxT = indices ? Tensor(zeros: .int64, out.shape) : nil
        let ys = out.values(T.self)
        let iv = idxT?.values(Int64.self)
        guard let xb = x.values(T.self).baseAddress, outPlane > 0, planes > 0 else { return (out, idxT) }
        let w = Windows(g)
        let inStride = Tensor.strides(g.inSize)
        let last = s - 1
        let dilL = g.dilations[last]
        let pf = T(p)
        let invP = T(1.0 / Double(p))
        var oIdx = [Int](repeating: 0, count: s)
        var tIdx = [Int](repeating: 0, count: s)
        for plane in 0..<planes {
            let src = xb + plane * inPlane
            let dstBase = plane * outPlane
            for d in 0..<s { oIdx[d] = 0 }
            for op in 0..<outPlane {
                // The window: per axis, count[d] taps from first[d] with step dilation[d].
                var total = 1, padTotal = 1
                for d in 0..<s {
                    total *= w.count[d][oIdx[d]]
                    padTotal *= w.padded[d][oIdx[d]]
                }
                var best: T = 0, bestOff = -1
                var acc: T = 0
                if total > 0 {
                    let firstL = w.first[last][oIdx[last]], countL = w.count[last][oIdx[last]]
                    for d in 0..<s { tIdx[d] = 0 }
                    var done = false
                    while !done {
                        var off = 0
                        for d in 0..<last { off += (w.first[d][oIdx[d]] + tIdx[d] * g.dilations[d]) * inStride[d] }
                        off += firstL
                        switch kind {
                        case .max:
                            for t in 0..<countL {
                                let v = src[off + t * dilL]
                                if bestOff < 0 || v > best { best = v; bestOff = off + t * dilL }
                            }
                        case .average:
                            for t in 0..<countL { acc += src[off + t * dilL] }
                        case .lp:
                            for t in 0..<countL {
                                let v = Swift.abs(src[off + t * dilL])
                                acc += p == 1 ? v : (p == 2 ? v * v : T.nnPow(v, pf))
                            }
                        }
                        // Next tap along the outer axes.
                        var d = last - 1
                        while true {
                            if d < 0 { done = true; break }
                            tIdx[d] += 1
                            if tIdx[d] < w.count[d][oIdx[d]] { break }
                            tIdx[d] = 0
                            d -= 1
                        }
                    }
                }
                let o = dstBase + op
                switch kind {
                case .max:
                    ys[o] = best
                    if let iv {
                        var flat = -1
                        if bestOff >= 0 {
                            if columnMajor {
                                var rem = bestOff, f = 0, step = 1
                                for d in 0..<s {
                                    let coord = rem / inStride[d]
                                    rem -= coord * inStride[d]
                                    f += coord * step
                                    step *= g.inSize[d]
                                }
                                flat = plane * inPlane + f
                            } else {
                                flat = plane * inPlane + bestOff
                            }
                        }
                        iv[o] = Int64(flat)
                    }
                case .average:
                    let div = includePad ? padTotal : total
                    ys[o] = div > 0 ? T(Double(acc) / Double(div)) : T.nan
                case .lp:
                    ys[o] = p == 1 ? acc : T.nnPow(acc, invP)
                }
                // Next output position.
                var d = last
                while d >= 0 {
                    oIdx[d] += 1
                    if oIdx[d] < g.outSize[d] { break }
                    oIdx[d] = 0
                    d -= 1
                }
            }
        }
        return (out, idxT)
    }

    /// GlobalAveragePool / GlobalMaxPool / GlobalLpPool: one value per N × C plane.
    static func global(_ ctx: KernelContext, kind: Kind) throws(ExecutionError) -> Tensor {
        let x = try ctx.input(0)
        guard x.rank >= 2 else { throw ctx.fail("X must be N × C × spatial, got shape \(x.shape)") }
        var p = 2
        if kind == .lp {
            if let v = ctx.node.int("p") { p = Int(clamping: v) } else if let f = ctx.node.float("p"), f.isFinite, f >= 1, f <= 1_048_576 {
                p = Int(f)
            }
            guard p >= 1 else { throw ctx.fail("p must be ≥ 1, got \(p)") }
        }
        let outShape = Array(x.shape[0..<2]) + Array(repeating: 1, count: x.rank - 2)
        switch NNUtil.precision(x.type) {
        case .float?:
            return NNUtil.cast(global(NNUtil.float32(x), Float.self, kind: kind, p: p, outShape: outShape), to: x.type)
        case .double?:
            return global(x, Double.self, kind: kind, p: p, outShape: outShape)
        case nil:
            throw NNUtil.unsupported(ctx, x.type)
        }
    }

    static func global<T: NNReal>(_ x: Tensor, _: T.Type, kind: Kind, p: Int, outShape: [Int]) -> Tensor {
        let out = Tensor(zeros: T.nnType, outShape)
        let ys = out.values(T.self)
        let planes = x.shape[0] * x.shape[1]
        let inner = NNUtil.product(x.shape[2...])
        guard let xb = x.values(T.self).baseAddress, planes > 0 else { return out }
        guard inner > 0 else {
            for i in 0..<planes { ys[i] = kind == .max ? -T.infinity : (kind == .average ? T.nan : 0) }
            return out
        }
        let pf = T(p), invP = T(1.0 / Double(p))
        for i in 0..<planes {
            let src = xb + i * inner
            switch kind {
            case .average:
                ys[i] = NNUtil.mean(src, inner)
            case .max:
                var m = src[0]
                for k in 1..<inner {
                    let v = src[k]
                    if v > m || v != v { m = v }
                    if m != m { break }
                }
                ys[i] = m
            case .lp:
                var acc: T = 0
                for k in 0..<inner {
                    let v = Swift.abs(src[k])
                    acc += p == 1 ? v : (p == 2 ? v * v : T.nnPow(v, pf))
                }
                ys[i] = p == 1 ? acc : T.nnPow(acc, invP)
            }
        }
        return out
    }
}
