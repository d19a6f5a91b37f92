#if canImport(Glibc)
import Glibc
#endif
import FrictionCore

/// What a storage format should do to weights: the quantization step at each element (to count
/// elements more than k steps from the reference) and the signal-to-noise ratio a faithful
/// round-to-nearest export reaches on weight-like data (to flag tensors that are worse).
public enum FormatExpectation {
    /// Integer-grid block formats: (block, levels − 1 or the symmetric maximum, symmetric).
    /// Symmetric: step = block absmax / qmax; asymmetric (with a min): step = (max − min) / (levels − 1).
    static let grids: [String: (block: Int, q: Double, symmetric: Bool)] = [
        "Q8_0": (32, 127, true), "Q8_1": (32, 127, true), "Q4_0": (32, 8, true), "Q5_0": (32, 16, true),
        "Q4_1": (32, 15, false), "Q5_1": (32, 31, false), "Q2_K": (16, 3, false), "Q3_K": (16, 4, true),
        "Q4_K": (32, 15, false), "Q5_K": (32, 31, false), "Q6_K": (16, 32, true), "Q8_K": (256, 127, true),
    ]

    /// Expected SNR (dB) of a round-to-nearest export of Gaussian-like weights, by format name
    /// (ggml type names and DType raw values). Uniform-grid estimate 20·log10(qmax·√12 / crest)
    /// with a block crest factor of ~2.5 for 32 Gaussian values, rounded down; float formats
    /// from their mantissa width. Measured values on fixtures/compare sit above these.
    public static let expectedSNR: [String: Double] = [
        "F32": 140, "float32": 140, "F16": 70, "float16": 70, "BF16": 50, "bfloat16": 50,
        "float8_e4m3fn": 30, "float8_e5m2": 24, "Q8_0": 44, "Q8_1": 44, "Q8_K": 44, "Q6_K": 32, "Q5_0": 27, "Q5_1": 26,
        "Q5_K": 26, "Q4_0": 21, "Q4_1": 20, "Q4_K": 20, "Q3_K": 14, "Q2_K": 8, "MXFP4": 18, "NVFP4": 20, "float4_e2m1fn": 18,
        "int8": 38, "GPTQ-int4": 20, "AWQ-int4": 20, "GPTQ-int8": 38, "AWQ-int8": 38,
    ]

    /// How far below the expectation a tensor may fall before it is flagged (dB).
    public static let margin = 6.0

    /// The format name used by the tables: the ggml type name or the DType raw value.
    public static func name(_ type: ElementType) -> String {
        switch type {
        case .ggml(let g): g.name
        case .dtype(let d): d.rawValue
        case .unknown(let s): s
        }
    }

    /// The SNR floor for a format (expected − margin), or nil when it is not modelled.
    public static func floor(_ type: ElementType) -> Double? { expectedSNR[name(type)].map { $0 - margin } }

    /// The quantization step of the candidate's format at each element, estimated from the
    /// candidate's own values (`b`, NumPy order). Nil when the format is not modelled.
    public static func steps(_ type: ElementType, _ b: [Float]) -> [Double]? {
        if case .ggml(let g) = type, let element = g.element { return steps(.dtype(element), b) }
        let name = name(type)
        if let g = grids[name] { return blockSteps(b, block: g.block) { lo, hi, absmax in g.symmetric ? absmax / g.q : (hi - lo) / g.q } }
        if ["MXFP4", "NVFP4", "float4_e2m1fn"].contains(name) {
            let block = name == "NVFP4" ? 16 : 32
            return fp4Steps(b, block: block, powerOfTwoScale: name != "NVFP4")
        }
        if case .dtype(let d) = type, d.traits.family == .float, d.traits.mantissa > 0 {
            let minExp = 2 - (1 << (d.traits.exponent - 1))
            return b.map { v in
                let e = v == 0 ? minExp : max(Int(Double(abs(v)).exponent), minExp)
                return pow(2, Double(e - d.traits.mantissa))
            }
        }
        return nil
    }

    static func blockSteps(_ b: [Float], block: Int, _ step: (Double, Double, Double) -> Double) -> [Double] {
        var out = [Double](repeating: 0, count: b.count)
        var start = 0
        while start < b.count {
            let end = min(start + block, b.count)
            var lo = Double.infinity, hi = -Double.infinity, absmax = 0.0
            for i in start..<end { let v = Double(b[i]); lo = min(lo, v); hi = max(hi, v); absmax = max(absmax, abs(v)) }
            let s = step(lo, hi, absmax)
            for i in start..<end { out[i] = s }
            start = end
        }
        return out
    }

    /// E2M1 grids: spacing 0.5 below 2, 1 below 4, 2 up to 6, times the block scale (a power of two
    /// for MXFP, absmax / 6 for NVFP4).
    static func fp4Steps(_ b: [Float], block: Int, powerOfTwoScale: Bool) -> [Double] {
        var out = [Double](repeating: 0, count: b.count)
        var start = 0
        while start < b.count {
            let end = min(start + block, b.count)
            var absmax = 0.0
            for i in start..<end { absmax = max(absmax, abs(Double(b[i]))) }
            let scale = absmax == 0 ? 0 : (powerOfTwoScale ? pow(2, Double(absmax.exponent) - 2) : absmax / 6)
            for i in start..<end {
                let x = scale == 0 ? 0 : abs(Double(b[i])) / scale
                out[i] = (x < 2 ? 0.5 : x < 4 ? 1 : 2) * scale
            }
            start = end
        }
        return out
    }
}
