import Foundation
import FrictionCore

extension Kernels {
    /// Conv (im2col + GEMM per image and group) and ConvTranspose (GEMM + col2im), 1-D to N-D.
    static let nnConv: [KernelSpec] = [
        KernelSpec("Conv", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try NNConv.conv(ctx)]
        },
        KernelSpec("ConvTranspose", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try NNConv.convTranspose(ctx)]
        },
    ]
}

enum NNConv {
    // MARK: Conv

    static func conv(_ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        let x = try ctx.input(0), w = try ctx.input(1)
        let b = ctx.optional(2)
        guard let precision = NNUtil.precision(x.type) else { throw NNUtil.unsupported(ctx, x.type) }
        guard x.rank >= 3, w.rank == x.rank else {
            throw ctx.fail("Conv needs X of rank ≥ 3 and W of the same rank, got \(x.shape) and \(w.shape)")
        }
        let group = ctx.int("group", 1)
        let c = x.shape[1], m = w.shape[0]
        guard group >= 1, group <= max(c, 1), c == w.shape[1] * group, m % group == 0 else {
            throw ctx.fail("X \(x.shape), W \(w.shape) and group \(group) do not agree")
        }
        let kernel = Array(w.shape[2...])
        guard kernel.allSatisfy({ $0 >= 1 }) else { throw ctx.fail("W has an empty kernel: \(w.shape)") }
        if let ks = ctx.ints("kernel_shape"), !ks.isEmpty, ks != kernel {
            throw ctx.fail("kernel_shape \(ks) does not match W \(w.shape)")
        }
        if let b, b.count != m { throw ctx.fail("B has \(b.count) values for \(m) output channels") }
        let g = try NNPool.geometry(ctx, inSize: Array(x.shape[2...]), kernel: kernel, ceilMode: false)
        let outShape = [x.shape[0], m] + g.outSize
        _ = try NNUtil.count(outShape, ctx)
        _ = try NNUtil.count([c / group, NNUtil.product(kernel), NNUtil.product(g.outSize)], ctx)
        switch precision {
        case .float:
            let r = conv(NNUtil.float32(x), NNUtil.float32(w), b.map(NNUtil.float32), Float.self, g: g, group: group)
            return NNUtil.cast(r, to: x.type)
        case .double:
            return conv(x, NNUtil.float64(w), b.map(NNUtil.float64), Double.self, g: g, group: group)
        }
    }

    static func conv<T: NNReal>(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _: T.Type, g: NNPool.Geometry, group: Int) -> Tensor {
        let n = x.shape[0], c = x.shape[1], m = w.shape[0]
        let cg = c / group, mg = m / group
        let kCount = NNUtil.product(g.kernel)
        let inPlane = NNUtil.product(g.inSize), outPlane = NNUtil.product(g.outSize)
        let out = Tensor(zeros: T.nnType, [n, m] + g.outSize)
        let ys = out.values(T.self)
        guard let xb = x.values(T.self).baseAddress, let wb = w.values(T.self).baseAddress, let yb = ys.baseAddress,
              outPlane > 0, mg > 0, n > 0 else { return out }
        let kDim = cg * kCount
        if kDim > 0 && inPlane > 0 {
            // A 1×1 kernel with stride 1 and no padding reads X as the column matrix itself.
            let direct = kCount == 1 && g.strides.allSatisfy { $0 == 1 } && g.padBegin.allSatisfy { $0 == 0 }
                && g.padEnd.allSatisfy { $0 == 0 } && outPlane == inPlane
            let cols: UnsafeMutableBufferPointer<T>? = direct ? nil : NNUtil.scratch(T.self, kDim * outPlane)
            defer { cols?.deallocate() }
            for bi in 0..<n {
                for gi in 0..<group {
                    let xg = xb + (bi * c + gi * cg) * inPlane
                    let colPtr: UnsafePointer<T>
                    if let cols, let cb = cols.baseAddress {
                        im2col(UnsafePointer(xg), channels: cg, g: g, into: cb)
                        colPtr = UnsafePointer(cb)
                    } else {
                        colPtr = UnsafePointer(xg)
                    }
                    T.nnGemm(transA: false, transB: false, m: mg, n: outPlane, k: kDim,
                             a: wb + gi * mg * kDim, lda: kDim, b: colPtr, ldb: outPlane, beta: 0,
                             c: yb + (bi * m + gi * mg) * outPlane, ldc: outPlane)
                }
            }
        }
        if let b { addBias(b, T.self, into: yb, images: n, channels: m, plane: outPlane) }
        return out
    }

    /// Column matrix [channels·K, outPlane] of one image's channel block (zeros where a tap falls
    /// in the padding); rows in (channel, kernel offset) order, matching W's layout.
    static func im2col<T: NNReal>(_ x: UnsafePointer<T>, channels: Int, g: NNPool.Geometry, into cols: UnsafeMutablePointer<T>) {
        let s = g.inSize.count, last = s - 1
        let inPlane = NNUtil.product(g.inSize), outPlane = NNUtil.product(g.outSize)
        let kCount = NNUtil.product(g.kernel)
        let inStride = Tensor.strides(g.inSize)
        let outL = g.outSize[last], inL = g.inSize[last]
        let sL = g.strides[last], dL = g.dilations[last], pL = g.padBegin[last]
        guard outL > 0 else { return }
        let outerCount = outPlane / outL
        var kIdx = [Int](repeating: 0, count: s)
        var oIdx = [Int](repeating: 0, count: s)
        var row = cols
        for ch in 0..<channels {
            let plane = x + ch * inPlane
            for d in 0..<s { kIdx[d] = 0 }
            for _ in 0..<kCount {
                // Output positions along the last axis whose tap lands inside the input.
                let koff = kIdx[last] * dL - pL
                let lo = koff >= 0 ? 0 : NNUtil.ceilDiv(-koff, sL)
                let hi = min(outL, NNUtil.floorDiv(inL - 1 - koff, sL) + 1)
                for d in 0..<s { oIdx[d] = 0 }
                for _ in 0..<outerCount {
                    var off = 0
                    var valid = true
                    for d in 0..<last {
                        let pos = oIdx[d] * g.strides[d] + kIdx[d] * g.dilations[d] - g.padBegin[d]
                        if pos < 0 || pos >= g.inSize[d] { valid = false; break }
                        off += pos * inStride[d]
                    }
                    if !valid || lo >= hi {
                        for ow in 0..<outL { row[ow] = 0 }
                    } else {
                        for ow in 0..<lo { row[ow] = 0 }
                        let base = off + koff
                        if sL == 1 {
                            for ow in lo..<hi { row[ow] = plane[base + ow] }
                        } else {
                            for ow in lo..<hi { row[ow] = plane[base + ow * sL] }
                        }
                        for ow in hi..<outL { row[ow] = 0 }
                    }
                    row += outL
                    var d = last - 1
                    while d >= 0 {
                        oIdx[d] += 1
                        if oIdx[d] < g.outSize[d] { break }
                        oIdx[d] = 0
                        d -= 1
                    }
                }
                var d = last
                while d >= 0 {
                    kIdx[d] += 1
                    if kIdx[d] < g.kernel[d] { break }
                    kIdx[d] = 0
                    d -= 1
                }
            }
        }
    }

    static func addBias<T: NNReal>(_ b: Tensor, _: T.Type, into y: UnsafeMutablePointer<T>, images: Int, channels: Int, plane: Int) {
        let bv = b.values(T.self)
        guard bv.count == channels else { return }
        for i in 0..<images {
            for ch in 0..<channels {
                let v = bv[ch]
                let p = y + (i * channels + ch) * plane
                for k in 0..<plane { p[k] += v }
            }
        }
    }

    // MARK: ConvTranspose

    static func convTranspose(_ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        let x = try ctx.input(0), w = try ctx.input(1)
        let b = ctx.optional(2)
        guard let precision = NNUtil.precision(x.type) else { throw NNUtil.unsupported(ctx, x.type) }
        guard x.rank >= 3, w.rank == x.rank else {
            throw ctx.fail("ConvTranspose needs X of rank ≥ 3 and W of the same rank, got \(x.shape) and \(w.shape)")
        }
        let s = x.rank - 2
        let group = ctx.int("group", 1)
        let c = x.shape[1]
        guard group >= 1, group <= max(c, 1), w.shape[0] == c, c % group == 0,
              case let (m, overflow) = w.shape[1].multipliedReportingOverflow(by: group), !overflow else {
            throw ctx.fail("X \(x.shape), W \(w.shape) and group \(group) do not agree")
        }
        let kernel = Array(w.shape[2...])
        guard kernel.allSatisfy({ $0 >= 1 }) else { throw ctx.fail("W has an empty kernel: \(w.shape)") }
        if let ks = ctx.ints("kernel_shape"), !ks.isEmpty, ks != kernel {
            throw ctx.fail("kernel_shape \(ks) does not match W \(w.shape)")
        }
        if let b, b.count != m { throw ctx.fail("B has \(b.count) values for \(m) output channels") }
        let inSize = Array(x.shape[2...])
        guard (inSize + kernel).allSatisfy({ $0 <= 1 << 31 }) else { throw ctx.fail("spatial size \(inSize) or kernel \(kernel) is too large") }
        let strides = try NNUtil.ints(ctx, "strides", count: s, fallback: 1, range: 1...(1 << 24))
        let dilations = try NNUtil.ints(ctx, "dilations", count: s, fallback: 1, range: 1...(1 << 24))
        let outPad = try NNUtil.ints(ctx, "output_padding", count: s, fallback: 0, range: 0...(1 << 24))
        var pads = try NNUtil.ints(ctx, "pads", count: 2 * s, fallback: 0, range: 0...(1 << 24))
        let autoPad = ctx.string("auto_pad", "NOTSET")
        guard ["NOTSET", "", "VALID", "SAME_UPPER", "SAME_LOWER"].contains(autoPad) else {
            throw ctx.fail("unknown auto_pad \(autoPad)")
        }
        let outputShape = ctx.ints("output_shape") ?? []
        guard outputShape.isEmpty || outputShape.count == s || outputShape.count == s + 2 else {
            throw ctx.fail("output_shape \(outputShape) does not match \(s) spatial axes")
        }
        var outSize = [Int](repeating: 0, count: s)
        for i in 0..<s {
            let dk = (kernel[i] - 1) * dilations[i] + 1
            let full = strides[i] * (inSize[i] - 1) + outPad[i] + dk
            var target: Int? = nil
            if !outputShape.isEmpty {
                target = outputShape[outputShape.count - s + i]
            } else if autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
                target = inSize[i] * strides[i]
            }
            if let t = target {
                guard t >= 0, t <= (1 << 40) else { throw ctx.fail("output_shape \(outputShape) is out of range") }
                // total_padding split as the spec says (floor division, so a negative total pads the end).
                let total = full - t
                pads[i] = autoPad == "SAME_UPPER" ? NNUtil.floorDiv(total, 2) : total - NNUtil.floorDiv(total, 2)
                pads[i + s] = total - pads[i]
                outSize[i] = t
            } else {
                if autoPad == "VALID" { pads[i] = 0; pads[i + s] = 0 }
                outSize[i] = full - pads[i] - pads[i + s]
            }
            guard outSize[i] >= 0 else { throw ctx.fail("ConvTranspose output size along axis \(i) is negative") }
        }
        _ = try NNUtil.count([x.shape[0], m] + outSize, ctx)
        _ = try NNUtil.count([w.shape[1], NNUtil.product(kernel), NNUtil.product(inSize)], ctx)
        let g = NNPool.Geometry(inSize: inSize, outSize: outSize, kernel: kernel, strides: strides, dilations: dilations,
                                padBegin: Array(pads[0..<s]), padEnd: Array(pads[s...]))
        switch precision {
        case .float:
            let r = convTranspose(NNUtil.float32(x), NNUtil.float32(w), b.map(NNUtil.float32), Float.self, g: g, group: group)
            return NNUtil.cast(r, to: x.type)
        case .double:
            return convTranspose(x, NNUtil.float64(w), b.map(NNUtil.float64), Double.self, g: g, group: group)
        }
    }

    /// `g.inSize` is X's spatial size and `g.outSize` Y's; `g.padBegin` shifts Y against the full
    /// transposed-convolution output (negative: Y starts before it).
    static func convTranspose<T: NNReal>(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _: T.Type, g: NNPool.Geometry,
                                         group: Int) -> Tensor {
        let n = x.shape[0], c = x.shape[1]
        let cg = c / group, mg = w.shape[1], m = mg * group
        let kCount = NNUtil.product(g.kernel)
        let inPlane = NNUtil.product(g.inSize), outPlane = NNUtil.product(g.outSize)
        let out = Tensor(zeros: T.nnType, [n, m] + g.outSize)
        let ys = out.values(T.self)
        guard let yb = ys.baseAddress, outPlane > 0, n > 0, m > 0 else { return out }
        let rowsPerGroup = mg * kCount
        if let xb = x.values(T.self).baseAddress, let wb = w.values(T.self).baseAddress, inPlane > 0, cg > 0 {
            let cols = NNUtil.scratch(T.self, rowsPerGroup * inPlane)
            defer { cols.deallocate() }
            if let cb = cols.baseAddress {
                for bi in 0..<n {
                    for gi in 0..<group {
                        // cols[mg·K, inPlane] = W_gᵀ · X_g, then scatter-add into Y.
                        T.nnGemm(transA: true, transB: false, m: rowsPerGroup, n: inPlane, k: cg,
                                 a: wb + gi * cg * rowsPerGroup, lda: rowsPerGroup,
                                 b: xb + (bi * c + gi * cg) * inPlane, ldb: inPlane, beta: 0, c: cb, ldc: inPlane)
                        col2im(UnsafePointer(cb), channels: mg, g: g, into: yb + (bi * m + gi * mg) * outPlane)
                    }
                }
            }
        }
        if let b { addBias(b, T.self, into: yb, images: n, channels: m, plane: outPlane) }
        return out
    }

    /// Adds the column matrix [channels·K, inPlane] into Y's channel block: input position i and
    /// kernel offset k land at i·stride + k·dilation - padBegin along each axis.
    static func col2im<T: NNReal>(_ cols: UnsafePointer<T>, channels: Int, g: NNPool.Geometry, into y: UnsafeMutablePointer<T>) {
        let s = g.inSize.count, last = s - 1
        let inPlane = NNUtil.product(g.inSize), outPlane = NNUtil.product(g.outSize)
        let kCount = NNUtil.product(g.kernel)
        let outStride = Tensor.strides(g.outSize)
        let outL = g.outSize[last], inL = g.inSize[last]
        let sL = g.strides[last], dL = g.dilations[last], pL = g.padBegin[last]
        guard inL > 0 else { return }
        let outerCount = inPlane / inL
        var kIdx = [Int](repeating: 0, count: s)
        var iIdx = [Int](repeating: 0, count: s)
        var row = cols
        for ch in 0..<channels {
            let plane = y + ch * outPlane
            for d in 0..<s { kIdx[d] = 0 }
            for _ in 0..<kCount {
                let koff = kIdx[last] * dL - pL
                let lo = koff >= 0 ? 0 : NNUtil.ceilDiv(-koff, sL)
                let hi = min(inL, NNUtil.floorDiv(outL - 1 - koff, sL) + 1)
                for d in 0..<s { iIdx[d] = 0 }
                for _ in 0..<outerCount {
                    var off = 0
                    var valid = true
                    for d in 0..<last {
                        let pos = iIdx[d] * g.strides[d] + kIdx[d] * g.dilations[d] - g.padBegin[d]
                        if pos < 0 || pos >= g.outSize[d] { valid = false; break }
                        off += pos * outStride[d]
                    }
                    if valid && lo < hi {
                        let base = off + koff
                        for iw in lo..<hi { plane[base + iw * sL] += row[iw] }
                    }
                    row += inL
                    var d = last - 1
                    while d >= 0 {
                        iIdx[d] += 1
                        if iIdx[d] < g.inSize[d] { break }
                        iIdx[d] = 0
                        d -= 1
                    }
                }
                var d = last
                while d >= 0 {
                    kIdx[d] += 1
                    if kIdx[d] < g.kernel[d] { break }
                    kIdx[d] = 0
                    d -= 1
                }
            }
        }
    }
}
