/// How a float is rounded to a power of two when it becomes an E8M0 scale: ONNX Cast-24's
/// `round_mode` attribute (reference: `onnx.numpy_helper.to_float8e8m0`).
///
/// All three look only at the float32 fields of |x|: exponent `e`, mantissa bits `g` (the first),
/// `r` (the second) and sticky `s` (any of the rest). The sign is ignored (ONNX leaves negative
/// input undefined; its reference drops the sign).
public enum E8M0Rounding: String, Sendable, Hashable, CaseIterable {
    /// `up` (ONNX default, "current CUDA behaviour", PTX `.rp`): e + 1 if any mantissa bit is set,
    /// so a normal x gives ⌈log2 x⌉.
    case roundUp
    /// `down` (PTX `.rz`): keep e, so a normal x gives ⌊log2 x⌋; the OCP MX and compressed-tensors
    /// scale rules are this rounding.
    case roundDown
    /// `nearest`: e + 1 if g and (r or s or e > 0), so ties (mantissa exactly 0.5, i.e. 1.5·2^k)
    /// go up, except in the float32 subnormal range, where they go down.
    case nearest
}

/// How other MX producers turn a float scale into an E8M0 code, each an exact ⌊log2⌋ or ⌈log2⌉
/// clamped to [−127, 127], with its own special cases.
public enum E8M0ScaleRule: String, Sendable, Hashable, CaseIterable {
    /// OCP MX v1.0 / microxcaling: ⌊log2 |x|⌋; 0 gives 0x00, NaN and ±inf 0xFF. The same as
    /// ONNX `roundDown` (microxcaling's float32 `log2` can round up just below a power of two).
    case floor
    /// NVIDIA Transformer Engine `float_to_e8m0` (`cvt.rp.satfinite.ue8m0x2.f32` on Blackwell):
    /// ⌈log2 |x|⌉ saturating at 0xFE; NaN 0xFF, ±inf 0xFE, 0 0x00, sign ignored.
    case transformerEngineCeil
    /// NVIDIA Model Optimizer MXFP8 `_compute_e8m0_exponent`: ⌈log2 x⌉ for x > 0, else −127; so 0,
    /// negatives, NaN and −inf give 0x00 and +inf 0xFE.
    case modelOptCeil
}

/// The OCP MX shared-scale format, float8_e8m0fnu: `2^(code − 127)`, 0xFF is NaN, no zero.
///
/// ``ScalarFormat/float8E8M0FNU`` with `.mlDtypes` gives ml_dtypes' conversion (round to nearest
/// on the exponent, ties up; zero and negatives to NaN); this type adds ONNX's three round modes and
/// exponent helpers.
public enum E8M0 {
    /// The bias: code 127 is 1.0.
    public static let bias = 127
    /// The only NaN code.
    public static let nanCode: UInt8 = 0xFF
    /// The largest finite code, 2^127.
    public static let maxCode: UInt8 = 0xFE

    /// Converts |value| to an E8M0 code as ONNX Cast-24 does.
    ///
    /// Infinity and NaN give 0xFF even with `saturate` (the reference implementation; the operator
    /// table says saturate gives the maximum for ±inf). Zero gives 0x00 (2^-127). With `saturate`,
    /// rounding never carries 0xFE into 0xFF. Bit-exact with `onnx.numpy_helper.to_float8e8m0`.
    ///
    /// - Parameters:
    ///   - value: The value; its sign is ignored.
    ///   - rounding: The ONNX `round_mode`.
    ///   - saturate: The ONNX `saturate` attribute.
    /// - Returns: The E8M0 code.
    public static func encode(_ value: Float, rounding: E8M0Rounding, saturate: Bool = true) -> UInt8 {
        encode(Double(value), rounding: rounding, saturate: saturate)
    }

    /// Converts |value| to an E8M0 code with ONNX Cast-24's rule, applied to the exact double
    /// rather than to its float32 rounding (ONNX's reference casts to float32 first).
    ///
    /// Doubles beyond the float32 exponent range give 0xFF above and behave like float32
    /// subnormals below: `roundUp` gives 0x01 for any non-zero value, `roundDown` 0x00, `nearest`
    /// 0x01 only above 2^-127.
    ///
    /// - Parameters:
    ///   - value: The value; its sign is ignored.
    ///   - rounding: The ONNX `round_mode`.
    ///   - saturate: The ONNX `saturate` attribute.
    /// - Returns: The E8M0 code.
    public static func encode(_ value: Double, rounding: E8M0Rounding, saturate: Bool = true) -> UInt8 {
        let magnitude = value.magnitude
        guard magnitude.isFinite else { return nanCode }
        guard magnitude != 0 else { return 0 }
        let (significand, exponent) = normalizedSignificand(magnitude)
        let biased = exponent + bias
        guard biased < 255 else { return nanCode }
        let fraction = significand & 0x000F_FFFF_FFFF_FFFF
        let roundsUp: Bool
        switch (rounding, biased > 0) {
        case (.roundDown, _): roundsUp = false
        case (.roundUp, true): roundsUp = fraction != 0
        case (.roundUp, false): roundsUp = true
        case (.nearest, true): roundsUp = fraction >> 51 == 1
        case (.nearest, false): roundsUp = biased == 0 && fraction != 0
        }
        let field = max(0, biased)
        if roundsUp && !(saturate && field == Int(maxCode)) { return UInt8(field + 1) }
        return UInt8(field)
    }

    /// Converts a float scale to an E8M0 code with another producer's rule.
    ///
    /// - Parameters:
    ///   - value: The scale (MX producers pass amax divided by the element maximum).
    ///   - rule: The producer's rule.
    /// - Returns: The E8M0 code.
    public static func encode(_ value: Float, rule: E8M0ScaleRule) -> UInt8 {
        switch rule {
        case .floor:
            return encode(value, rounding: .roundDown, saturate: true)
        case .transformerEngineCeil:
            if value.isNaN { return nanCode }
            if value.isInfinite { return maxCode }
            // ONNX `up` sends every float32 subnormal to 0x01; the exact ceiling keeps ≤ 2^-127 at 0x00.
            if value.magnitude <= 0x1p-127 { return 0 }
            return encode(value, rounding: .roundUp, saturate: true)
        case .modelOptCeil:
            guard value > 0 else { return 0 }
            if value.isInfinite { return maxCode }
            return encode(value, rule: .transformerEngineCeil)
        }
    }

    /// The value of an E8M0 code: 2^(code − 127), NaN for 0xFF.
    ///
    /// - Parameter code: The stored byte.
    /// - Returns: The scale.
    public static func decode(_ code: UInt8) -> Float {
        code == nanCode ? .nan : Float(sign: .plus, exponent: Int(code) - bias, significand: 1)
    }

    /// The power of two a code stands for, or nil for NaN.
    ///
    /// - Parameter code: The stored byte.
    /// - Returns: `code − 127`.
    public static func exponent(of code: UInt8) -> Int? {
        code == nanCode ? nil : Int(code) - bias
    }

    /// The code for 2^exponent: clamped to 0x00 below −127 and NaN above 127, as microxcaling's
    /// `_quantize_mx` does for a shared exponent.
    ///
    /// - Parameter exponent: The unbiased exponent.
    /// - Returns: The E8M0 code.
    public static func code(exponent: Int) -> UInt8 {
        if exponent > bias { return nanCode }
        return UInt8(max(exponent, -bias) + bias)
    }
}
