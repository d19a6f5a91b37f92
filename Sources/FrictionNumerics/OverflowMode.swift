/// What a narrowing conversion does with values it cannot represent: finite values whose rounded
/// magnitude exceeds the format's maximum, ±infinity, NaN, and (for E8M0) zero and negatives.
///
/// Rounding is the same in every mode (round to nearest, ties to even, on the exact input); the
/// modes differ only in these special cases:
///
/// | Input | `.mlDtypes` | `.saturate` | `.onnxNoSaturate` |
/// |---|---|---|---|
/// | overflow, ±inf | ±inf if the format has it, else NaN (e4m3fn ±NaN 0x7F/0xFF, FNUZ 0x80, E8M0 0xFF), else ±max (FP4/FP6) | ±max | as `.mlDtypes` |
/// | NaN, format has NaN | its NaN | its NaN | its NaN |
/// | NaN, FP4/FP6 | the −0 pattern with the sign flipped (+NaN → −0, −NaN → +0) | +max | +max |
/// | E8M0: zero, negative | NaN 0xFF | 0x00 (2^-127) | NaN 0xFF |
///
/// `.mlDtypes` is numpy `astype` with ml_dtypes 0.6 (and numpy's own float16 cast). `.saturate` is
/// ONNX Cast with `saturate=1`, which the ONNX reference implementation computes as
/// `np.clip(x, finfo.min, finfo.max).astype(t)`, so ±inf also goes to ±max for the FNUZ types (the
/// operator spec; the technical note float8.md says NaN there). `.onnxNoSaturate` is ONNX Cast with
/// `saturate=0`; the reference implementation is a plain `astype`, so it equals `.mlDtypes` for
/// every format that has an infinity or a NaN. For FP4/FP6 (no NaN, no infinity, `saturate` does
/// not apply) both ONNX modes follow the technical notes float4.md and float6.md, which map NaN to
/// +max; ONNX's ReferenceEvaluator instead inherits ml_dtypes' signed-zero result.
///
/// Integer formats: `.saturate` rounds to nearest even and clamps (ONNX `saturate_cast`, used by
/// QuantizeLinear); `.mlDtypes` and `.onnxNoSaturate` truncate toward zero and keep the low bits
/// (ml_dtypes `astype`, which ONNX's reference Cast calls; 100.0 → int4 4). NaN gives 0.
public enum OverflowMode: String, Sendable, Hashable, CaseIterable {
    /// ml_dtypes `astype`: overflow goes to the format's infinity, or to NaN where it has none.
    case mlDtypes
    /// Clamp to ±max finite (ONNX Cast `saturate=1`, PTX `.satfinite`, real quantizers).
    case saturate
    /// ONNX Cast `saturate=0`: overflow to ±inf where the format has it, else NaN.
    case onnxNoSaturate
}

extension ScalarFormat {
    /// The code for a finite value whose rounded magnitude exceeds ``maxFinite``, or for ±infinity.
    func overflowCode(negative: Bool, mode: OverflowMode) -> UInt32 {
        if mode == .saturate { return isSigned && negative ? maxFiniteCode | signBit : maxFiniteCode }
        if let infinity = infinityCode { return negative ? infinity | signBit : infinity }
        if let nan = canonicalNaN(negative: negative) { return nan }
        return negative ? maxFiniteCode | signBit : maxFiniteCode
    }

    /// The code for a NaN input; `payload` is the input's mantissa aligned to 52 bits.
    func nanCode(negative: Bool, payload: UInt64, mode: OverflowMode) -> UInt32 {
        if isInteger { return 0 }
        if nan == .absent {
            // ml_dtypes returns quiet_NaN() (defined as the -0 pattern) negated by the input sign.
            guard mode == .mlDtypes else { return maxFiniteCode }
            return negative ? 0 : signBit
        }
        if keepsNaNPayload {
            // numpy: keep the top mantissa bits, and keep the result a NaN if they are all zero.
            let top = UInt32(truncatingIfNeeded: payload >> UInt64(52 - mantissaBits))
            let sign = negative ? signBit : 0
            return sign | exponentAllOnes << UInt32(mantissaBits) | max(top, 1)
        }
        return canonicalNaN(negative: negative) ?? 0
    }

    /// The code for an input of zero, or for a negative input to an unsigned float (E8M0).
    func zeroOrNegativeCode(negativeZero: Bool, mode: OverflowMode) -> UInt32 {
        guard hasZero, isSigned else {
            return mode == .saturate ? 0 : canonicalNaN(negative: false) ?? 0
        }
        return negativeZero && hasNegativeZero ? signBit : 0
    }
}
