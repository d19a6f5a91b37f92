extension ScalarFormat {
    /// Converts a non-NaN value to an integer code with `rounder`, then either keeps the low
    /// ``bits`` bits of the two's-complement result (`wrap`, ml_dtypes' `astype`; values beyond
    /// ±2^63, where C++ is undefined and x86 gives INT64_MIN, give 0) or clamps to the format's range
    /// first (ONNX `saturate_cast`: `np.round`, then `np.clip`).
    func encodeInteger<R: MagnitudeRounder>(_ value: Double, wrap: Bool, rounder: inout R) -> UInt32 {
        let limited = wrap ? value : Swift.min(Swift.max(value, lowest), maxFinite)
        guard limited != 0, limited.magnitude < 0x1p63 else { return 0 }
        let (significand, exponent) = normalizedSignificand(limited.magnitude)
        let magnitude = exponent >= 52
            ? significand << UInt64(exponent - 52)
            : rounder.round(significand, shift: 52 - exponent)
        let integer = limited < 0 ? 0 &- magnitude : magnitude
        return UInt32(truncatingIfNeeded: integer) & codeMask
    }

    /// ONNX QuantizeLinear for one element: `saturate(round(x / scale) + zeroPoint)`.
    ///
    /// The division happens in `Float`, as the ONNX reference does by default (`precision` equal to
    /// the scale's type); rounding is to nearest even. Float targets (float8, FP4) take
    /// `x / scale` through ``encode(_:overflow:)`` with `overflow` (ONNX uses `.saturate` for
    /// `saturate=1`) and ignore `zeroPoint`, which ONNX requires to be zero for them; for FP4/FP6 the
    /// reference adds that zero, so −0 becomes +0. Integer results saturate even where ONNX's
    /// reference, which rounds into an int32 first, wraps (|x / scale| ≥ 2^31).
    ///
    /// - Parameters:
    ///   - value: The value to quantize.
    ///   - scale: The quantization step.
    ///   - zeroPoint: The integer that represents 0.
    ///   - overflow: Overflow handling for float targets.
    /// - Returns: The code, in the low ``bits`` bits.
    public func quantizeLinear(
        _ value: Float, scale: Float, zeroPoint: Int = 0, overflow: OverflowMode = .saturate
    ) -> UInt32 {
        let scaled = value / scale
        if !isInteger {
            // ONNX's reference adds the (zero) zero point only for FLOAT4E2M1, which turns −0 into +0.
            return encode(nan == .absent ? scaled + 0 : scaled, overflow: overflow)
        }
        guard !scaled.isNaN else { return 0 }
        let rounded = Double(scaled).rounded(.toNearestOrEven) + Double(zeroPoint)
        var rounder = NearestEvenRounder()
        return encodeInteger(rounded, wrap: false, rounder: &rounder)
    }

    /// ONNX DequantizeLinear for one element: `(x − zeroPoint) · scale`, computed in `Float`.
    ///
    /// - Parameters:
    ///   - code: The stored code.
    ///   - scale: The quantization step.
    ///   - zeroPoint: The integer that represents 0 (integer formats only).
    /// - Returns: The dequantized value.
    public func dequantizeLinear(_ code: UInt32, scale: Float, zeroPoint: Int = 0) -> Float {
        guard isInteger else { return decode(code) * scale }
        return Float(integerValue(code) - zeroPoint) * scale
    }
}
