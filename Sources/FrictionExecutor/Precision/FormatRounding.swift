import FrictionCore
import FrictionNumerics

/// Rounds float32 values onto an emulated format's grid (quantize then dequantize), in place:
/// round to nearest even by default, stochastic when asked; overflow saturates or becomes
/// ±inf / NaN as the format's conversion does.
public struct FormatRounding: Sendable {
    public var saturate: Bool
    public var stochastic: Bool
    public var seed: UInt64

    public init(saturate: Bool = false, stochastic: Bool = false, seed: UInt64 = 0) {
        self.saturate = saturate
        self.stochastic = stochastic
        self.seed = seed
    }

    /// Rounds `values` (a tensor of `shape`). `axis` is the contraction axis block and group
    /// formats run along (nil: the last); `weight` selects per-channel INT8 scales;
    /// `referenceAmax` is the amax delayed scaling uses.
    public func apply(_ format: EmulatedFormat, _ values: inout [Float], shape: [Int], axis: Int? = nil, weight: Bool = false,
                      referenceAmax: Float? = nil) {
        switch format {
        case .fp32: return
        case .tf32: Self.roundMantissa(&values, dropBits: 13, saturateAt: saturate ? Float(bitPattern: 0x7F7F_E000) : nil)
        case .bf16:
            if stochastic { stochasticRound(&values, .bfloat16); return }
            Self.roundMantissa(&values, dropBits: 16, saturateAt: saturate ? Float(ScalarFormat.bfloat16.maxFinite) : nil)
        case .fp16:
            if stochastic { stochasticRound(&values, .float16); return }
            let grid = MiniFloatGrid(mantissa: 10, minNormalExponent: -14, maxFinite: 65504, saturate: saturate)
            values.withUnsafeMutableBufferPointer { p in
                Parallel.ranges(p.count) { r in for i in r { p[i] = grid.round(p[i]) } }
            }
        case .fp8(let e5m2, let delayed):
            let element: ScalarFormat = e5m2 ? .float8E5M2 : .float8E4M3FN
            let amax = delayed ? (referenceAmax ?? Self.amax(values)) : Self.amax(values)
            let scale = amax > 0 && amax.isFinite ? amax / Float(element.maxFinite) : 1
            let grid = MiniFloatGrid(mantissa: UInt32(element.mantissaBits), minNormalExponent: element.minNormalExponent,
                                     maxFinite: Float(element.maxFinite), saturate: true)
            values.withUnsafeMutableBufferPointer { p in
                Parallel.ranges(p.count) { r in for i in r { p[i] = grid.round(p[i] / scale) * scale } }
            }
        case .nvfp4:
            // One FP32 scale for the whole tensor, E4M3 scales per 16-element block along the contraction axis.
            let amax = Self.amax(values)
            guard amax > 0 else { return }
            let global = NVFP4.globalScale(amax: amax)
            Self.alongAxis(&values, shape: shape, axis: axis) { row in
                guard row.allSatisfy(\.isFinite) else { return row }
                return (try? NVFP4.quantize(row, globalScale: global).dequantized()) ?? row
            }
        case .mxfp8, .mxfp4:
            let mx: MXFormat = format == .mxfp8 ? .mxfp8E4M3 : .mxfp4
            Self.alongAxis(&values, shape: shape, axis: axis) { row in
                guard row.allSatisfy(\.isFinite) else { return row }
                return (try? mx.quantize(row).dequantized()) ?? row
            }
        case .int8:
            if weight {
                // One scale per output channel: per row of the [channels, K] view.
                Self.alongAxis(&values, shape: shape, axis: axis) { row in Self.symmetric(row, levels: 127) }
            } else {
                let amax = referenceAmax ?? Self.amax(values)
                values = Self.symmetric(values, levels: 127, amax: amax)
            }
        case .int4(let group):
            Self.alongAxis(&values, shape: shape, axis: axis) { row in
                var out = row
                var start = 0
                while start < row.count {
                    let end = Swift.min(row.count, start + group)
                    let q = Self.symmetric(Array(row[start..<end]), levels: 7, low: -8)
                    out.replaceSubrange(start..<end, with: q)
                    start = end
                }
                return out
            }
        }
    }

    /// Round to nearest even dropping the low `dropBits` mantissa bits of float32 (BF16: 16,
    /// TF32: 13); NaN stays NaN, overflow becomes ±inf unless saturating.
    static func roundMantissa(_ values: inout [Float], dropBits: UInt32, saturateAt: Float?) {
        let half: UInt32 = (1 << (dropBits - 1)) - 1
        let mask: UInt32 = ~((1 << dropBits) - 1)
        values.withUnsafeMutableBufferPointer { p in
            Parallel.ranges(p.count) { r in
                for i in r {
                    let v = p[i]
                    if v.isNaN { continue }
                    let b = v.bitPattern
                    var rounded = Float(bitPattern: (b &+ half &+ ((b >> dropBits) & 1)) & mask)
                    if let limit = saturateAt, rounded.isInfinite, v.isFinite { rounded = rounded < 0 ? -limit : limit }
                    p[i] = rounded
                }
            }
        }
    }

    /// Round to nearest even onto a small float grid (FP8, FP16: `mantissa` bits, normal exponents
    /// from `minNormalExponent`, subnormals below); past ±`maxFinite` it saturates or becomes ±inf; NaN stays NaN.
    static func miniFloat(_ x: Float, mantissa: UInt32, minNormalExponent: Int, maxFinite: Float, saturate: Bool = true) -> Float {
        MiniFloatGrid(mantissa: mantissa, minNormalExponent: minNormalExponent, maxFinite: maxFinite, saturate: saturate).round(x)
    }

    func stochasticRound(_ values: inout [Float], _ format: ScalarFormat) {
        var rng = SplitMix64(seed: seed)
        let table = (0..<(1 << format.bits)).map { format.decode(UInt32($0)) }
        for i in values.indices {
            let code = format.encodeStochastic(values[i], overflow: saturate ? .saturate : .mlDtypes, using: &rng)
            values[i] = table[Int(code)]
        }
    }

    static func amax(_ v: [Float]) -> Float {
        var m: Float = 0
        for x in v where x.isFinite { m = Swift.max(m, Swift.abs(x)) }
        return m
    }

    /// Symmetric integer quantize-dequantize with `levels` steps each side (clip at `low`).
    static func symmetric(_ v: [Float], levels: Float, low: Float? = nil, amax: Float? = nil) -> [Float] {
        let a = amax ?? Self.amax(v)
        guard a > 0 else { return v.map { $0.isFinite ? 0 : $0 } }
        let scale = a / levels
        let lo = low ?? -levels
        return v.map { x in
            guard x.isFinite else { return x }
            return Swift.min(Swift.max((x / scale).rounded(.toNearestOrEven), lo), levels) * scale
        }
    }

    /// Applies `body` to each row of the tensor viewed with `axis` last ([rows, K]), writing
    /// the results back in the original layout; rows run in parallel.
    static func alongAxis(_ values: inout [Float], shape: [Int], axis: Int?, _ body: ([Float]) -> [Float]) {
        let rank = shape.count
        let a = axis.map { $0 < 0 ? $0 + rank : $0 } ?? rank - 1
        guard rank > 0, a >= 0, a < rank else { values = body(values); return }
        let k = shape[a]
        guard k > 0 else { return }
        let inner = shape[(a + 1)...].reduce(1, *), outer = shape[..<a].reduce(1, *)
        let rows = outer * inner
        values.withUnsafeMutableBufferPointer { p in
            // Rows are independent: split them across cores (the grain counts elements).
            Parallel.ranges(rows * k) { r in
                let first = r.lowerBound / k, last = (r.upperBound + k - 1) / k
                for rowIndex in first..<min(last, rows) where rowIndex * k >= r.lowerBound {
                    let o = rowIndex / inner, i = rowIndex % inner
                    var row = [Float](repeating: 0, count: k)
                    for j in 0..<k { row[j] = p[(o * k + j) * inner + i] }
                    let q = body(row)
                    for j in 0..<k where j < q.count { p[(o * k + j) * inner + i] = q[j] }
                }
            }
        }
    }
}

/// A small float grid with its constants precomputed, for rounding loops.
struct MiniFloatGrid: Sendable {
    let drop: UInt32
    let half: UInt32
    let mask: UInt32
    let minNormal: Float
    let step: Float
    let maxFinite: Float
    let saturate: Bool

    init(mantissa: UInt32, minNormalExponent: Int, maxFinite: Float, saturate: Bool) {
        drop = 23 - mantissa
        half = (1 << (drop - 1)) - 1
        mask = ~((1 << drop) - 1)
        minNormal = Float(sign: .plus, exponent: minNormalExponent, significand: 1)
        step = Float(sign: .plus, exponent: minNormalExponent - Int(mantissa), significand: 1)
        self.maxFinite = maxFinite
        self.saturate = saturate
    }

    @inline(__always)
    func round(_ x: Float) -> Float {
        guard x.isFinite else { return x.isNaN || !saturate ? x : (x < 0 ? -maxFinite : maxFinite) }
        let a = Swift.abs(x)
        var r: Float
        if a < minNormal {
            r = (a / step).rounded(.toNearestOrEven) * step
        } else {
            let b = a.bitPattern
            r = Float(bitPattern: (b &+ half &+ ((b >> drop) & 1)) & mask)
        }
        if r > maxFinite { r = saturate ? maxFinite : .infinity }
        return x < 0 ? -r : r
    }
}
