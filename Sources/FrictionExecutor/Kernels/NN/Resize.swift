import Foundation
import FrictionCore

extension Kernels {
    /// Resize: opset 10 (X, scales; asymmetric coordinates), 11+ (roi, scales or sizes, every
    /// coordinate_transformation_mode, nearest_mode, cubic_coeff_a, exclude_outside,
    /// extrapolation_value), 18+ (axes, keep_aspect_ratio_policy, antialias). Computed in float64
    /// one axis at a time, as onnx's reference does.
    static let nnResize: [KernelSpec] = [
        KernelSpec("Resize", versions: 10...10) { ctx throws(ExecutionError) in
            [try NNResize.run(ctx, opset10: true)]
        },
        KernelSpec("Resize", versions: 11...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try NNResize.run(ctx, opset10: false)]
        },
    ]
}

enum NNResize {
    static func run(_ ctx: KernelContext, opset10: Bool) throws(ExecutionError) -> Tensor {
        let x = try ctx.input(0)
        guard ComputeDomain(x.type) != .string else { throw NNUtil.unsupported(ctx, x.type) }
        let rank = x.rank
        let mode = ctx.string("mode", "nearest")
        guard mode == "nearest" || mode == "linear" || (mode == "cubic" && !opset10) else {
            throw ctx.fail("unsupported Resize mode \(mode)")
        }
        let ctm = opset10 ? "asymmetric" : ctx.string("coordinate_transformation_mode", "half_pixel")
        let known = ["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "tf_crop_and_resize",
                     "half_pixel_symmetric", "tf_half_pixel_for_nn"]
        guard known.contains(ctm) else { throw ctx.fail("unsupported coordinate_transformation_mode \(ctm)") }
        let nearestMode = opset10 ? "simple" : ctx.string("nearest_mode", "round_prefer_floor")
        guard ["simple", "round_prefer_floor", "round_prefer_ceil", "floor", "ceil"].contains(nearestMode) else {
            throw ctx.fail("unsupported nearest_mode \(nearestMode)")
        }
        let antialias = ctx.int("antialias", 0) != 0 && mode != "nearest"
        let cubicA = Double(ctx.float("cubic_coeff_a", -0.75))
        let excludeOutside = ctx.int("exclude_outside", 0) != 0
        let extrapolation = Double(ctx.float("extrapolation_value", 0))

        // Inputs: scales (opset 10: input 1), or roi / scales / sizes (11+; empty means absent).
        var scales: [Double]? = nil
        var sizes: [Int]? = nil
        var roi: [Double]? = nil
        var roiFloat32 = false
        if opset10 {
            scales = try ctx.input(1).doubles()
        } else {
            if let r = ctx.optional(1), r.count > 0 { roi = r.doubles(); roiFloat32 = r.type == .float32 }
            if let s = ctx.optional(2), s.count > 0 { scales = s.doubles() }
            if let z = ctx.optional(3), z.count > 0 { sizes = z.int64s().map { Int(clamping: $0) } }
        }
        guard scales != nil || sizes != nil else { throw ctx.fail("Resize needs scales or sizes") }

        // The axes resized (18+), in the order given.
        var axes = Array(0..<rank)
        if let a = ctx.ints("axes"), !a.isEmpty {
            var seen = Set<Int>()
            axes = []
            for v in a {
                let n = try ctx.axis(v, rank: rank)
                guard n < rank, seen.insert(n).inserted else { throw ctx.fail("axes \(a) repeat or are out of range") }
                axes.append(n)
            }
        }
        let n = axes.count
        if let s = sizes, s.count != n { throw ctx.fail("sizes has \(s.count) values for \(n) axes") }
        if sizes == nil, let s = scales, s.count != n { throw ctx.fail("scales has \(s.count) values for \(n) axes") }
        // roi over every axis: [starts..., ends...].
        var fullRoi: [Double]? = nil
        if let r = roi {
            if r.count == 2 * n {
                var f = [Double](repeating: 0, count: rank) + [Double](repeating: 1, count: rank)
                for (i, a) in axes.enumerated() { f[a] = r[i]; f[a + rank] = r[n + i] }
                fullRoi = f
            } else if ctm == "tf_crop_and_resize" {
                throw ctx.fail("roi has \(r.count) values for \(n) axes")
            }
        }
        if ctm == "tf_crop_and_resize" && fullRoi == nil { throw ctx.fail("tf_crop_and_resize needs roi") }

        // Per-axis scale and output size.
        var scale = [Double](repeating: 1, count: rank)
        var outSize = x.shape
        if let z = sizes {
            for (i, a) in axes.enumerated() {
                guard z[i] >= 0, z[i] <= (1 << 40) else { throw ctx.fail("sizes \(z) are out of range") }
                outSize[a] = z[i]
            }
            for a in axes { scale[a] = Double(outSize[a]) / Double(x.shape[a]) }
            let policy = ctx.string("keep_aspect_ratio_policy", "stretch")
            if policy != "stretch" {
                guard policy == "not_larger" || policy == "not_smaller" else {
                    throw ctx.fail("unknown keep_aspect_ratio_policy \(policy)")
                }
                let picked = axes.map { scale[$0] }
                guard let s = policy == "not_larger" ? picked.min() : picked.max(), s.isFinite else {
                    throw ctx.fail("cannot keep the aspect ratio of shape \(x.shape)")
                }
                for a in axes {
                    scale[a] = s
                    let v = s * Double(x.shape[a]) + 0.5
                    guard v >= 0, v <= Double(1 << 40) else { throw ctx.fail("Resize output is too large") }
                    outSize[a] = Int(v)
                }
            }
        } else if let s = scales {
            for (i, a) in axes.enumerated() {
                guard s[i].isFinite, s[i] > 0 else { throw ctx.fail("scales \(s) must be positive") }
                scale[a] = s[i]
                let v = (s[i] * Double(x.shape[a])).rounded(.down)
                guard v <= Double(1 << 40) else { throw ctx.fail("Resize output is too large") }
                outSize[a] = Int(v)
            }
        }
        _ = try NNUtil.count(outSize, ctx)

        var data = x.doubles()
        var shape = x.shape
        for a in axes {
            let inLen = shape[a], outLen = outSize[a]
            let r0 = fullRoi?[a] ?? 0, r1 = fullRoi?[a + rank] ?? 1
            // An axis left as it is (math.isclose(scale, 1), same size, full roi) is skipped.
            let scaleIsOne = abs(scale[a] - 1) <= 1e-9 * max(abs(scale[a]), 1.0)
            let roiIsFull = fullRoi == nil || (r0 == 0 && abs(r1 - 1) <= 1e-9)
            if scaleIsOne && outLen == inLen && roiIsFull { continue }
            if outLen > 0 && inLen == 0 { throw ctx.fail("cannot resize an empty axis \(a) to \(outLen)") }
            if outLen == 0 || inLen == 0 {
                data = []
                shape[a] = outLen
                continue
            }
            let plan = Taps(mode: mode, ctm: ctm, nearestMode: nearestMode, antialias: antialias, cubicA: cubicA,
                            excludeOutside: excludeOutside, scale: scale[a], inLen: inLen, outLen: outLen,
                            roi: (r0, r1), roiFloat32: roiFloat32)
            data = apply(plan, data: data, shape: shape, axis: a, extrapolation: extrapolation)
            shape[a] = outLen
        }
        return NNUtil.saturating(data, type: x.type, shape: shape)
    }

    /// The source taps of every output position along one axis.
    struct Taps {
        /// Taps per output position.
        var width = 0
        /// Input index (already clamped into the axis) and weight of each tap, output-major.
        var index: [Int] = []
        var weight: [Double] = []
        /// Output positions given `extrapolation_value` (tf_crop_and_resize outside the input).
        var outside: [Bool] = []
        /// Nearest mode: the one input index of each output position.
        var nearest: [Int]? = nil

        init(mode: String, ctm: String, nearestMode: String, antialias: Bool, cubicA: Double, excludeOutside: Bool,
             scale: Double, inLen: Int, outLen: Int, roi: (Double, Double), roiFloat32: Bool) {
            let outWidth = scale * Double(inLen)
            let inL = Double(inLen)
            outside = [Bool](repeating: false, count: outLen)
            var chosen: [Int] = []
            // Kernel width: nearest and linear 2, cubic 4; antialiasing widens it when downsampling.
            let s1 = scale.isFinite && scale > 0 ? max(min(scale, 1), 1e-6) : 1
            var linStart = 0, cubStart = -1
            switch mode {
            case "nearest": width = 2
            case "linear":
                if antialias { linStart = Int((-1 / s1).rounded(.down)) + 1; width = 2 - 2 * linStart } else { width = 2 }
            default:
                if antialias { cubStart = Int((-2 / s1).rounded(.down)) + 1; width = 2 - 2 * cubStart } else { width = 4 }
            }
            index = [Int](repeating: 0, count: outLen * width)
            weight = [Double](repeating: 0, count: outLen * width)
            var coeffs = [Double](repeating: 0, count: width)
            for o in 0..<outLen {
                let y = Double(o)
                var x: Double
                switch ctm {
                case "align_corners":
                    x = outWidth == 1 ? 0 : y * (inL - 1) / (outWidth - 1)
                case "asymmetric":
                    x = y / scale
                case "tf_crop_and_resize":
                    let span = roiFloat32 ? Double(Float(roi.1) - Float(roi.0)) : roi.1 - roi.0
                    if outWidth == 1 {
                        x = roiFloat32 ? Double(Float(span) * Float(inLen - 1) / 2) : span * (inL - 1) / 2
                    } else {
                        x = y * span * (inL - 1) / (outWidth - 1)
                    }
                    x += roiFloat32 ? Double(Float(roi.0) * Float(inLen - 1)) : roi.0 * (inL - 1)
                    if x < 0 || x > inL - 1 { outside[o] = true }
                case "pytorch_half_pixel":
                    x = outWidth == 1 ? -0.5 : (y + 0.5) / scale - 0.5
                case "half_pixel_symmetric":
                    let adjustment = Double(outLen) / outWidth
                    let center = inL / 2
                    let offset = center * (1 - adjustment)
                    x = offset + (y + 0.5) / scale - 0.5
                case "tf_half_pixel_for_nn":
                    x = (y + 0.5) / scale
                default:
                    x = (y + 0.5) / scale - 0.5
                }
                if !x.isFinite { x = 0 }
                x = min(max(x, -1e15), 1e15)
                if nearestMode == "simple" && mode == "nearest" {
                    // Opset 10: ceil when downsampling, floor otherwise.
                    let v = scale < 1 ? x.rounded(.up) : x.rounded(.down)
                    chosen.append(min(max(Int(v), 0), inLen - 1))
                    continue
                }
                let xf = x.rounded(.down)
                let ratio = x == xf ? 1.0 : x - xf
                // The `width` nearest input positions, ties to the smaller (onnx reference rule).
                let pw = (width + 1) / 2
                let xp = x + Double(pw)
                let p = xp.rounded(.down)
                let frac = xp - p
                let startPadded: Int
                if width % 2 == 0 {
                    startPadded = Int(p) + (frac == 0 ? -(width / 2) : -(width / 2) + 1)
                } else {
                    startPadded = Int(p) + (frac <= 0.5 ? -((width - 1) / 2) : -((width - 1) / 2) + 1)
                }
                let start = startPadded - pw
                switch mode {
                case "nearest":
                    let takeHigh: Bool
                    if ratio == 1 { takeHigh = true } else {
                        switch nearestMode {
                        case "round_prefer_ceil": takeHigh = ratio >= 0.5
                        case "floor": takeHigh = false
                        case "ceil": takeHigh = true
                        default: takeHigh = ratio > 0.5
                        }
                    }
                    chosen.append(min(max(start + (takeHigh ? 1 : 0), 0), inLen - 1))
                    continue
                case "linear":
                    if antialias {
                        var sum = 0.0
                        for j in 0..<width {
                            let arg = (Double(linStart + j) - ratio) * s1
                            coeffs[j] = min(max(1 - abs(arg), 0), 1)
                            sum += coeffs[j]
                        }
                        for j in 0..<width { coeffs[j] /= sum }
                    } else {
                        coeffs[0] = 1 - ratio
                        coeffs[1] = ratio
                    }
                default:
                    let a = cubicA
                    if antialias {
                        var sum = 0.0
                        for j in 0..<width {
                            let t = abs(s1 * (Double(cubStart + j) - ratio))
                            let t2 = t * t, t3 = t * t2
                            let c: Double
                            if t <= 1 { c = (a + 2) * t3 - (a + 3) * t2 + 1 } else if t < 2 {
                                c = a * t3 - 5 * a * t2 + 8 * a * t - 4 * a
                            } else { c = 0 }
                            coeffs[j] = c
                            sum += c
                        }
                        for j in 0..<width { coeffs[j] /= sum }
                    } else {
                        let r = ratio, q = 1 - ratio
                        coeffs[0] = ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a
                        coeffs[1] = ((a + 2) * r - (a + 3)) * r * r + 1
                        coeffs[2] = ((a + 2) * q - (a + 3)) * q * q + 1
                        coeffs[3] = ((a * (q + 1) - 5 * a) * (q + 1) + 8 * a) * (q + 1) - 4 * a
                    }
                }
                if excludeOutside {
                    var sum = 0.0
                    for j in 0..<width {
                        let i = start + j
                        if i < 0 || i >= inLen { coeffs[j] = 0 }
                        sum += coeffs[j]
                    }
                    if sum == 0 { sum = 1 }
                    for j in 0..<width { coeffs[j] /= sum }
                }
                for j in 0..<width {
                    index[o * width + j] = min(max(start + j, 0), inLen - 1)
                    weight[o * width + j] = coeffs[j]
                }
            }
            if mode == "nearest" { nearest = chosen }
        }
    }

    /// One axis resized: out[outer, o, inner] = Σ weight · data[outer, index, inner].
    static func apply(_ t: Taps, data: [Double], shape: [Int], axis: Int, extrapolation: Double) -> [Double] {
        let outer = NNUtil.product(shape[0..<axis])
        let inLen = shape[axis]
        let inner = NNUtil.product(shape[(axis + 1)...])
        let outLen = t.outside.count
        var out = [Double](repeating: 0, count: outer * outLen * inner)
        guard out.count > 0 else { return out }
        let w = t.width
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for o0 in 0..<outer {
                    let sBase = o0 * inLen * inner
                    let dBase = o0 * outLen * inner
                    for o in 0..<outLen {
                        let d = dBase + o * inner
                        if t.outside[o] {
                            for i in 0..<inner { dst[d + i] = extrapolation }
                            continue
                        }
                        if let near = t.nearest {
                            let s = sBase + near[o] * inner
                            for i in 0..<inner { dst[d + i] = src[s + i] }
                            continue
                        }
                        for j in 0..<w {
                            let c = t.weight[o * w + j]
                            let s = sBase + t.index[o * w + j] * inner
                            for i in 0..<inner { dst[d + i] += c * src[s + i] }
                        }
                    }
                }
            }
        }
        return out
    }
}
