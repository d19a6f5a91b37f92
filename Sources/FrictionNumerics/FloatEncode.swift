/// Disposes of the bits below the target's last mantissa bit: `significand >> shift`, rounded.
///
/// `significand` is below 2^53 and `shift` is at least 1 and may exceed 63 (a value far below the
/// smallest subnormal); implementations must handle every shift exactly.
protocol MagnitudeRounder {
    mutating func round(_ significand: UInt64, shift: Int) -> UInt64
}

/// Round to nearest, ties to even (IEEE default; ml_dtypes, ONNX, PyTorch, PTX `.rn`).
struct NearestEvenRounder: MagnitudeRounder {
    @inline(__always)
    func round(_ significand: UInt64, shift: Int) -> UInt64 {
        let shift = UInt64(min(shift, 54))
        let lastKept = (significand >> shift) & 1
        return (significand + (1 << (shift - 1)) - 1 + lastKept) >> shift
    }
}

/// Round toward zero (truncate): ml_dtypes' and C++'s float-to-integer conversion.
struct TowardZeroRounder: MagnitudeRounder {
    @inline(__always)
    func round(_ significand: UInt64, shift: Int) -> UInt64 { shift >= 64 ? 0 : significand >> UInt64(shift) }
}

/// Round to nearest, ties away from zero (microxcaling's element rounding "nearest").
struct NearestAwayRounder: MagnitudeRounder {
    @inline(__always)
    func round(_ significand: UInt64, shift: Int) -> UInt64 {
        let shift = UInt64(min(shift, 54))
        return (significand + (1 << (shift - 1))) >> shift
    }
}

extension ScalarFormat {
    /// Encodes a `Float`, rounding to nearest even.
    ///
    /// Decoding the result gives the representable value nearest to `value` (ties to the even
    /// code; E8M0, whose only significand bit is the implicit one, rounds ties up and, like
    /// ml_dtypes, sends (2^-127, 2^-126) to 2^-126); values beyond the format's range, infinities
    /// and NaNs follow `overflow` (see
    /// ``OverflowMode``). Integer formats truncate toward zero and wrap, as ml_dtypes and ONNX's
    /// reference Cast do, except with `.saturate`, which rounds to nearest even and clamps (ONNX
    /// `saturate_cast`, QuantizeLinear).
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - overflow: What to do with values the format cannot represent.
    /// - Returns: The code, in the low ``bits`` bits.
    public func encode(_ value: Float, overflow: OverflowMode = .mlDtypes) -> UInt32 {
        if isInteger, overflow != .saturate {
            var rounder = TowardZeroRounder()
            return encode(value, overflow: overflow, rounder: &rounder)
        }
        var rounder = NearestEvenRounder()
        return encode(value, overflow: overflow, rounder: &rounder)
    }

    /// Encodes a `Double` with a single rounding, straight from the double (never via `Float`).
    ///
    /// ml_dtypes' own float64 casts round to float32 first, so for the rare doubles that lie within
    /// half a float32 ulp of a tie its result can differ from this one.
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - overflow: What to do with values the format cannot represent.
    /// - Returns: The code, in the low ``bits`` bits.
    public func encode(_ value: Double, overflow: OverflowMode = .mlDtypes) -> UInt32 {
        if isInteger, overflow != .saturate {
            var rounder = TowardZeroRounder()
            return encode(value, overflow: overflow, rounder: &rounder)
        }
        var rounder = NearestEvenRounder()
        return encode(value, overflow: overflow, rounder: &rounder)
    }

    func encode<R: MagnitudeRounder>(_ value: Float, overflow: OverflowMode, rounder: inout R) -> UInt32 {
        if value.isNaN {
            let payload = UInt64(value.bitPattern & 0x7F_FFFF) << 29
            return nanCode(negative: value.sign == .minus, payload: payload, mode: overflow)
        }
        return encode(Double(value), overflow: overflow, rounder: &rounder)
    }

    func encode<R: MagnitudeRounder>(_ value: Double, overflow: OverflowMode, rounder: inout R) -> UInt32 {
        let negative = value.sign == .minus
        if value.isNaN {
            let payload = value.bitPattern & 0x000F_FFFF_FFFF_FFFF
            return nanCode(negative: negative, payload: payload, mode: overflow)
        }
        if isInteger { return encodeInteger(value, wrap: overflow != .saturate, rounder: &rounder) }
        if value.isInfinite { return overflowCode(negative: negative, mode: overflow) }
        if value == 0 || (negative && !isSigned) {
            return zeroOrNegativeCode(negativeZero: negative, mode: overflow)
        }
        guard let magnitude = roundMagnitude(value.magnitude, rounder: &rounder) else {
            return overflowCode(negative: negative, mode: overflow)
        }
        guard negative else { return magnitude }
        return magnitude == 0 && !hasNegativeZero ? 0 : magnitude | signBit
    }

    /// The magnitude code nearest to a finite positive `magnitude`, or nil if it overflows.
    ///
    /// The double's significand (53 bits with the implicit one) is shifted right so that its last
    /// kept bit is the target's last mantissa bit, or the subnormal quantum 2^(1 − bias − M) below
    /// the normal range, and rounded once. Adding the biased exponent afterwards lets a carry out of
    /// the mantissa move into the exponent, as it must.
    func roundMagnitude<R: MagnitudeRounder>(_ magnitude: Double, rounder: inout R) -> UInt32? {
        let (significand, exponent) = normalizedSignificand(magnitude)
        // The target's biased exponent minus one; negative means below the normal range.
        let biasedBase = exponent + bias - 1
        let shift = 52 - mantissaBits + max(0, -biasedBase)
        let rounded = rounder.round(significand, shift: shift)
        let code = UInt64(max(0, biasedBase)) << UInt64(mantissaBits) + rounded
        return code > UInt64(maxFiniteCode) ? nil : UInt32(code)
    }
}

/// A finite positive double as `significand · 2^(exponent − 52)` with bit 52 of the significand set
/// (subnormal doubles are normalised).
@inline(__always)
func normalizedSignificand(_ magnitude: Double) -> (significand: UInt64, exponent: Int) {
    let bits = magnitude.bitPattern
    let exponentField = Int(bits >> 52)
    let fraction = bits & 0x000F_FFFF_FFFF_FFFF
    guard exponentField == 0 else { return (fraction | 1 << 52, exponentField - 1023) }
    let shift = fraction.leadingZeroBitCount - 11
    return (fraction << UInt64(shift), -1022 - shift)
}
