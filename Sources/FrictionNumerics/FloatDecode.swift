import FrictionCore

extension ScalarFormat {
    /// The exact value of `code` as a `Float`.
    ///
    /// Every value of every format in the table is representable in `Float` (E8M0's 2^-127 as a
    /// float32 subnormal), so decoding never rounds. Bits above ``bits`` are ignored. Integers decode
    /// to their integer value. NaNs follow ml_dtypes: 16-bit formats widen bit for bit (the payload
    /// and the quiet bit move up unchanged); 8-bit and smaller formats give the quiet NaN
    /// `0x7FC00000` with the code's sign bit (so the FNUZ NaN 0x80 decodes to `0xFFC00000`).
    ///
    /// - Parameter bits: The code, in the low ``bits`` bits.
    /// - Returns: The value.
    public func decode(_ bits: UInt32) -> Float {
        let code = bits & codeMask
        if isInteger { return Float(integerValue(code)) }
        let negative = code & signBit != 0
        if isNaN(code) { return Float(bitPattern: nanBits32(code, negative: negative)) }
        if isInfinite(code) { return negative ? -.infinity : .infinity }
        let (significand, exponent) = significandAndExponent(code & magnitudeMask)
        return Float(sign: negative ? .minus : .plus, exponent: exponent, significand: Float(significand))
    }

    /// The exact value of `code` as a `Double`. NaNs widen as their reference does: float16 bit for
    /// bit (numpy), the ml_dtypes formats as ``decode(_:)`` followed by a float32 → double
    /// conversion, which sets the quiet bit (so a bfloat16 signalling NaN arrives quiet).
    ///
    /// - Parameter bits: The code, in the low ``bits`` bits.
    /// - Returns: The value.
    public func decodeDouble(_ bits: UInt32) -> Double {
        let code = bits & codeMask
        if isInteger { return Double(integerValue(code)) }
        let negative = code & signBit != 0
        if isNaN(code) {
            let bits32 = UInt64(nanBits32(code, negative: negative))
            // numpy widens float16 NaNs bit for bit; ml_dtypes goes through float32, whose widening
            // to double sets the quiet bit.
            let quiet: UInt64 = keepsNaNPayload ? 0 : 0x0008_0000_0000_0000
            let sign = (bits32 >> 31) << 63
            return Double(bitPattern: sign | 0x7FF0_0000_0000_0000 | quiet | (bits32 & 0x7F_FFFF) << 29)
        }
        if isInfinite(code) { return negative ? -.infinity : .infinity }
        let (significand, exponent) = significandAndExponent(code & magnitudeMask)
        return Double(sign: negative ? .minus : .plus, exponent: exponent, significand: Double(significand))
    }

    /// The integer value of an integer-format code (two's complement for signed formats).
    ///
    /// - Parameter bits: The code, in the low ``bits`` bits.
    /// - Returns: The integer, or the code's unsigned value for a float format.
    public func integerValue(_ bits: UInt32) -> Int {
        let code = Int(bits & codeMask)
        guard isSigned, isInteger else { return code }
        return code >= 1 << (self.bits - 1) ? code - (1 << self.bits) : code
    }

    /// A finite magnitude code as `significand · 2^exponent` with an integer significand.
    func significandAndExponent(_ magnitude: UInt32) -> (UInt32, Int) {
        let exponentField = Int(magnitude >> UInt32(mantissaBits))
        let fraction = magnitude & mantissaMask
        if !hasZero { return (1, exponentField - bias) }
        if exponentField == 0 { return (fraction, minNormalExponent - mantissaBits) }
        return ((1 << UInt32(mantissaBits)) | fraction, exponentField - bias - mantissaBits)
    }

    /// The float32 bits a NaN code widens to.
    private func nanBits32(_ code: UInt32, negative: Bool) -> UInt32 {
        let sign: UInt32 = negative ? 0x8000_0000 : 0
        guard bits >= 16 else { return sign | 0x7FC0_0000 }
        return sign | 0x7F80_0000 | (code & mantissaMask) << UInt32(23 - mantissaBits)
    }
}

/// Precomputed decode tables for the formats of 8 bits or fewer.
extension ScalarFormat {
    /// A 256-entry table mapping a byte to the value of the code in its low ``bits`` bits, or nil for
    /// formats wider than 8 bits. Built once per format and shared.
    public var decodeTable: [Float]? { DecodeTables.byteTables[dtype] }

    /// For 4-bit formats, a 256-entry table of the two values in a byte packed low nibble first
    /// (element 0 in bits 0–3); for 2-bit formats the four values, bits 0–1 first. Nil otherwise.
    var packedTable: [Float]? { DecodeTables.packedTables[dtype] }
}

/// The shared tables behind ``ScalarFormat/decodeTable``; immutable after first use.
enum DecodeTables {
    static let byteTables: [DType: [Float]] = {
        var tables: [DType: [Float]] = [:]
        for format in ScalarFormat.all where format.bits <= 8 {
            tables[format.dtype] = (0..<256).map { format.decode(UInt32($0)) }
        }
        return tables
    }()

    static let packedTables: [DType: [Float]] = {
        var tables: [DType: [Float]] = [:]
        for format in ScalarFormat.all where format.bits == 4 || format.bits == 2 {
            let perByte = 8 / format.bits
            var table: [Float] = []
            table.reserveCapacity(256 * perByte)
            for byte in 0..<256 {
                for slot in 0..<perByte {
                    table.append(format.decode(UInt32(byte >> (slot * format.bits))))
                }
            }
            tables[format.dtype] = table
        }
        return tables
    }()
}
