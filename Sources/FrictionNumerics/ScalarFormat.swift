import FrictionCore

/// The exact bit layout of one low-precision element type: one row of the numerics table.
///
/// Every fact about a format (widths, bias, which special values exist and how they are spelled)
/// lives in its row; encoding, decoding, lookup tables and packing all derive from these fields.
/// Rows follow ml_dtypes' definitions (jax-ml/ml_dtypes `float8.h`, `mxfloat.h`, `intn.h`) and the
/// ONNX technical notes (`float8.md`, `float4.md`, `float6.md`, `int4.md`, `int2.md`).
///
/// A code is the element's bit pattern in the low ``bits`` bits of a `UInt32`; bits above the width
/// are ignored everywhere, as ml_dtypes ignores the upper bits of an unpacked FP4/FP6 byte.
public struct ScalarFormat: Sendable, Hashable, CustomStringConvertible {
    /// Whether a format stores floating-point or integer values.
    public enum Family: String, Sendable, Hashable {
        case float, integer
    }

    /// How a format spells NaN.
    public enum NaNEncoding: String, Sendable, Hashable, CaseIterable {
        /// IEEE 754: exponent all ones and mantissa non-zero, either sign.
        case ieee
        /// "FN": only the all-ones magnitude (float8_e4m3fn 0x7F/0xFF; float8_e8m0fnu 0xFF).
        case fn
        /// "FNUZ": only the negative-zero pattern 0x80, the single NaN.
        case fnuz
        /// No NaN encoding (FP6, FP4 and the integers).
        case absent
    }

    /// The DType this row describes.
    public let dtype: DType
    /// Floating point or integer.
    public let family: Family
    /// Storage width of one element in bits.
    public let bits: Int
    /// Exponent field width (0 for integers).
    public let exponentBits: Int
    /// Mantissa (trailing significand) field width (0 for integers and E8M0).
    public let mantissaBits: Int
    /// Exponent bias (0 for integers).
    public let bias: Int
    /// Whether the top bit is a sign bit (false for E8M0 and the unsigned integers).
    public let isSigned: Bool
    /// Whether exponent-all-ones with a zero mantissa means ±infinity.
    public let hasInfinity: Bool
    /// How NaN is spelled.
    public let nan: NaNEncoding
    /// Whether the sign-bit-only pattern is a distinct −0 (false for FNUZ, E8M0 and integers).
    public let hasNegativeZero: Bool
    /// Whether any code means zero (false for E8M0, whose 0x00 is 2^-127).
    public let hasZero: Bool
    /// Largest finite value (for integers the largest integer).
    public let maxFinite: Double
    /// Smallest finite value: −``maxFinite`` for signed floats, 2^-127 for E8M0, the minimum integer.
    public let lowest: Double
    /// Whether NaN payloads pass through conversions bit for bit (numpy's float16 keeps the top
    /// mantissa bits when narrowing and widens without setting the quiet bit); the ml_dtypes formats
    /// narrow to a canonical quiet NaN and widen through float32.
    public let keepsNaNPayload: Bool

    /// The canonical lower-case name (the DType raw value, e.g. `float8_e4m3fn`).
    public var description: String { dtype.rawValue }

    /// Number of distinct codes, `2^bits`.
    public var codeCount: Int { 1 << bits }
    /// Mask of the bits one code occupies.
    public let codeMask: UInt32
    /// The sign bit, or 0 for unsigned formats.
    public let signBit: UInt32
    /// Mask of everything but the sign bit.
    public let magnitudeMask: UInt32
    /// Mask of the mantissa field.
    public let mantissaMask: UInt32
    /// The exponent field value with every bit set.
    public let exponentAllOnes: UInt32
    /// The magnitude code of ``maxFinite``: exponent all ones minus one and mantissa all ones for
    /// IEEE formats, all ones minus one for FN (0x7E, E8M0 0xFE), all ones for FNUZ and FP4/FP6,
    /// and the code of the largest integer for integers.
    public let maxFiniteCode: UInt32
    /// Exponent of the smallest normal value, `1 − bias`.
    public var minNormalExponent: Int { 1 - bias }
    /// Whether this is an integer format (a stored copy of `family == .integer` for the hot paths).
    let isInteger: Bool

    /// The +infinity code, or nil if the format has no infinity.
    public var infinityCode: UInt32? { hasInfinity ? exponentAllOnes << UInt32(mantissaBits) : nil }

    /// The NaN code a conversion produces (quiet, with the given sign where the format has one), or
    /// nil if the format has no NaN.
    public func canonicalNaN(negative: Bool) -> UInt32? {
        let sign = negative ? signBit : 0
        switch nan {
        case .ieee: return sign | (exponentAllOnes << UInt32(mantissaBits)) | (1 << UInt32(mantissaBits - 1))
        case .fn: return sign | magnitudeMask
        case .fnuz: return signBit
        case .absent: return nil
        }
    }

    /// Whether `code` is a NaN in this format.
    public func isNaN(_ code: UInt32) -> Bool {
        let code = code & codeMask
        let magnitude = code & magnitudeMask
        switch nan {
        case .ieee: return magnitude >> UInt32(mantissaBits) == exponentAllOnes && magnitude & mantissaMask != 0
        case .fn: return magnitude == magnitudeMask
        case .fnuz: return code == signBit
        case .absent: return false
        }
    }

    /// Whether `code` is ±infinity in this format.
    public func isInfinite(_ code: UInt32) -> Bool {
        guard let infinity = infinityCode else { return false }
        return code & magnitudeMask == infinity
    }

    /// The row for `dtype`, or nil if friction has no exact numerics for it.
    public init?(_ dtype: DType) {
        guard let row = ScalarFormat.all.first(where: { $0.dtype == dtype }) else { return nil }
        self = row
    }

    private init(
        float dtype: DType, bits: Int, exponent: Int, mantissa: Int, bias: Int, signed: Bool = true,
        infinity: Bool, nan: NaNEncoding, negativeZero: Bool, zero: Bool = true, max: Double, lowest: Double? = nil,
        keepsNaNPayload: Bool = false
    ) {
        self.dtype = dtype
        self.family = .float
        self.bits = bits
        self.exponentBits = exponent
        self.mantissaBits = mantissa
        self.bias = bias
        self.isSigned = signed
        self.hasInfinity = infinity
        self.nan = nan
        self.hasNegativeZero = negativeZero
        self.hasZero = zero
        self.maxFinite = max
        self.lowest = lowest ?? -max
        self.keepsNaNPayload = keepsNaNPayload
        (codeMask, signBit, magnitudeMask, mantissaMask, exponentAllOnes, maxFiniteCode) = Self.derivedMasks(
            bits: bits, exponent: exponent, mantissa: mantissa, signed: signed, family: .float, nan: nan)
        isInteger = false
    }

    private init(integer dtype: DType, bits: Int, signed: Bool) {
        self.dtype = dtype
        self.family = .integer
        self.bits = bits
        self.exponentBits = 0
        self.mantissaBits = 0
        self.bias = 0
        self.isSigned = signed
        self.hasInfinity = false
        self.nan = .absent
        self.hasNegativeZero = false
        self.hasZero = true
        self.maxFinite = signed ? Double((1 << (bits - 1)) - 1) : Double((1 << bits) - 1)
        self.lowest = signed ? -Double(1 << (bits - 1)) : 0
        self.keepsNaNPayload = false
        (codeMask, signBit, magnitudeMask, mantissaMask, exponentAllOnes, maxFiniteCode) = Self.derivedMasks(
            bits: bits, exponent: 0, mantissa: 0, signed: signed, family: .integer, nan: .absent)
        isInteger = true
    }

    /// The masks and the max-finite code, derived from the primary fields of a row.
    private static func derivedMasks(
        bits: Int, exponent: Int, mantissa: Int, signed: Bool, family: Family, nan: NaNEncoding
    ) -> (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) {
        let code = UInt32(truncatingIfNeeded: (1 << bits) - 1)
        let sign: UInt32 = signed ? 1 << UInt32(bits - 1) : 0
        let magnitude = code & ~sign
        let mantissaMask: UInt32 = (1 << UInt32(mantissa)) - 1
        let exponentAllOnes: UInt32 = (1 << UInt32(exponent)) - 1
        let maxFinite: UInt32
        switch (family, nan) {
        case (.integer, _): maxFinite = signed ? magnitude : code
        case (.float, .ieee): maxFinite = ((exponentAllOnes - 1) << UInt32(mantissa)) | mantissaMask
        case (.float, .fn): maxFinite = magnitude - 1
        case (.float, .fnuz), (.float, .absent): maxFinite = magnitude
        }
        return (code, sign, magnitude, mantissaMask, exponentAllOnes, maxFinite)
    }
}

extension ScalarFormat {
    /// bfloat16: S1E8M7, bias 127, IEEE infinities and NaNs, max (2 − 2^-7)·2^127.
    public static let bfloat16 = ScalarFormat(
        float: .bfloat16, bits: 16, exponent: 8, mantissa: 7, bias: 127,
        infinity: true, nan: .ieee, negativeZero: true, max: 0x1.FEp127)
    /// IEEE binary16: S1E5M10, bias 15, max 65504.
    public static let float16 = ScalarFormat(
        float: .float16, bits: 16, exponent: 5, mantissa: 10, bias: 15,
        infinity: true, nan: .ieee, negativeZero: true, max: 65504, keepsNaNPayload: true)
    /// OCP E4M3: S1E4M3, bias 7, no infinity, NaN only 0x7F/0xFF, max 448.
    public static let float8E4M3FN = ScalarFormat(
        float: .float8_e4m3fn, bits: 8, exponent: 4, mantissa: 3, bias: 7,
        infinity: false, nan: .fn, negativeZero: true, max: 448)
    /// GraphCore E4M3: bias 8, no infinity, one NaN 0x80, no −0, max 240.
    public static let float8E4M3FNUZ = ScalarFormat(
        float: .float8_e4m3fnuz, bits: 8, exponent: 4, mantissa: 3, bias: 8,
        infinity: false, nan: .fnuz, negativeZero: false, max: 240)
    /// OCP E5M2: S1E5M2, bias 15, IEEE infinities and NaNs, max 57344.
    public static let float8E5M2 = ScalarFormat(
        float: .float8_e5m2, bits: 8, exponent: 5, mantissa: 2, bias: 15,
        infinity: true, nan: .ieee, negativeZero: true, max: 57344)
    /// GraphCore E5M2: bias 16, no infinity, one NaN 0x80, no −0, max 57344.
    public static let float8E5M2FNUZ = ScalarFormat(
        float: .float8_e5m2fnuz, bits: 8, exponent: 5, mantissa: 2, bias: 16,
        infinity: false, nan: .fnuz, negativeZero: false, max: 57344)
    /// OCP MX scale E8M0: unsigned, exponent only, bias 127, no zero (0x00 is 2^-127), NaN 0xFF,
    /// max 2^127.
    public static let float8E8M0FNU = ScalarFormat(
        float: .float8_e8m0fnu, bits: 8, exponent: 8, mantissa: 0, bias: 127, signed: false,
        infinity: false, nan: .fn, negativeZero: false, zero: false, max: 0x1p127, lowest: 0x1p-127)
    /// MXFP6 E2M3: S1E2M3, bias 1, no infinity or NaN, max 7.5.
    public static let float6E2M3FN = ScalarFormat(
        float: .float6_e2m3fn, bits: 6, exponent: 2, mantissa: 3, bias: 1,
        infinity: false, nan: .absent, negativeZero: true, max: 7.5)
    /// MXFP6 E3M2: S1E3M2, bias 3, no infinity or NaN, max 28.
    public static let float6E3M2FN = ScalarFormat(
        float: .float6_e3m2fn, bits: 6, exponent: 3, mantissa: 2, bias: 3,
        infinity: false, nan: .absent, negativeZero: true, max: 28)
    /// MXFP4/NVFP4 element E2M1: S1E2M1, bias 1, no infinity or NaN, max 6.
    public static let float4E2M1FN = ScalarFormat(
        float: .float4_e2m1fn, bits: 4, exponent: 2, mantissa: 1, bias: 1,
        infinity: false, nan: .absent, negativeZero: true, max: 6)

    /// Two's-complement 2-bit integer, −2…1.
    public static let int2 = ScalarFormat(integer: .int2, bits: 2, signed: true)
    /// Unsigned 2-bit integer, 0…3.
    public static let uint2 = ScalarFormat(integer: .uint2, bits: 2, signed: false)
    /// Two's-complement 4-bit integer, −8…7.
    public static let int4 = ScalarFormat(integer: .int4, bits: 4, signed: true)
    /// Unsigned 4-bit integer, 0…15.
    public static let uint4 = ScalarFormat(integer: .uint4, bits: 4, signed: false)
    /// Two's-complement 8-bit integer, −128…127.
    public static let int8 = ScalarFormat(integer: .int8, bits: 8, signed: true)
    /// Unsigned 8-bit integer, 0…255.
    public static let uint8 = ScalarFormat(integer: .uint8, bits: 8, signed: false)

    /// Every row, floats first.
    public static let all: [ScalarFormat] = [
        .bfloat16, .float16, .float8E4M3FN, .float8E4M3FNUZ, .float8E5M2, .float8E5M2FNUZ, .float8E8M0FNU,
        .float6E2M3FN, .float6E3M2FN, .float4E2M1FN, .int2, .uint2, .int4, .uint4, .int8, .uint8,
    ]
}

extension DType {
    /// The exact numerics row for this type, or nil (float32, float64, wide integers, complex, …).
    public var scalarFormat: ScalarFormat? { ScalarFormat(self) }
}
