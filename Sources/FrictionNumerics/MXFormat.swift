/// An OCP Microscaling (MX v1.0) format: blocks of 32 elements that share one E8M0 scale, each
/// element decoded as `2^(scale − 127) · element`.
public struct MXFormat: Sendable, Hashable, CustomStringConvertible {
    /// The OCP name, e.g. `MXFP8 (E4M3)`.
    public let name: String
    /// The element format.
    public let element: ScalarFormat
    /// Elements per shared scale (32 in MX v1.0).
    public let blockSize: Int

    /// The OCP name.
    public var description: String { name }

    /// emax_elem, the exponent of the element's largest normal: ⌊log2 maxFinite⌋ (8, 15, 2, 4, 2).
    public var elementMaxExponent: Int { Int(element.maxFinite.exponent) }

    /// MXFP8 with OCP E4M3 elements (max 448).
    public static let mxfp8E4M3 = MXFormat(name: "MXFP8 (E4M3)", element: .float8E4M3FN, blockSize: 32)
    /// MXFP8 with OCP E5M2 elements (max 57344).
    public static let mxfp8E5M2 = MXFormat(name: "MXFP8 (E5M2)", element: .float8E5M2, blockSize: 32)
    /// MXFP6 with E2M3 elements (max 7.5).
    public static let mxfp6E2M3 = MXFormat(name: "MXFP6 (E2M3)", element: .float6E2M3FN, blockSize: 32)
    /// MXFP6 with E3M2 elements (max 28).
    public static let mxfp6E3M2 = MXFormat(name: "MXFP6 (E3M2)", element: .float6E3M2FN, blockSize: 32)
    /// MXFP4 with E2M1 elements (max 6).
    public static let mxfp4 = MXFormat(name: "MXFP4 (E2M1)", element: .float4E2M1FN, blockSize: 32)
    /// Every MX v1.0 float format.
    public static let all: [MXFormat] = [.mxfp8E4M3, .mxfp8E5M2, .mxfp6E2M3, .mxfp6E3M2, .mxfp4]
}

/// How a block's shared exponent is chosen from its largest magnitude `amax`.
public enum MXScaleRule: String, Sendable, Hashable, CaseIterable {
    /// OCP MX v1.0 and microsoft/microxcaling `_quantize_mx`: ⌊log2 amax⌋ − emax_elem, taken from
    /// amax's exact exponent; an all-zero block uses 2^-126. microxcaling computes `floor(log2(amax))`
    /// in float32, which can round up to the next integer for amax a few ulps below a large power
    /// of two; this rule does not.
    case ocp
    /// llm-compressor / compressed-tensors `generate_mx_scales`: amax rounded to a power of two by
    /// adding a quarter of the mantissa range to its float32 bits and masking the mantissa (so up
    /// when the mantissa is ≥ 0.75), then − emax_elem; zero (or a subnormal that stays one) gives 0x00.
    case compressedTensors
}

/// How MX elements are rounded after division by the shared scale; both saturate to ±max.
public enum MXElementRounding: String, Sendable, Hashable, CaseIterable {
    /// Round to nearest, ties to even (OCP conversion, ONNX, hardware `.rn`).
    case nearestEven
    /// Round to nearest, ties away from zero (microxcaling's default `"nearest"`).
    case nearestAway
}

/// A tensor quantized to an MX format: one E8M0 scale per block and the packed element codes.
public struct MXTensor: Sendable, Hashable {
    /// The MX format.
    public let format: MXFormat
    /// Number of elements (the last block may be short).
    public let count: Int
    /// One E8M0 code per block, `⌈count / blockSize⌉` of them.
    public var scales: [UInt8]
    /// The element codes packed with ``layout``.
    public var data: [UInt8]
    /// How ``data`` is packed.
    public let layout: CodeLayout
}

extension MXFormat {
    /// The E8M0 scale code for a block whose largest magnitude is `amax`.
    ///
    /// NaN or infinite amax gives 0xFF (NaN). Exponents above 127 give 0xFF and below −127 clamp
    /// to 0x00, as in microxcaling.
    ///
    /// - Parameters:
    ///   - amax: The block's largest |element|.
    ///   - rule: The producer's rule.
    /// - Returns: The E8M0 code.
    public func sharedScale(amax: Float, rule: MXScaleRule = .ocp) -> UInt8 {
        let magnitude = amax.magnitude
        guard magnitude.isFinite else { return E8M0.nanCode }
        switch rule {
        case .ocp:
            let exponent = magnitude == 0 ? -126 : Int(magnitude.exponent)
            return E8M0.code(exponent: exponent - elementMaxExponent)
        case .compressedTensors:
            let field = Int(((magnitude.bitPattern &+ (1 << 21)) >> 23) & 0xFF)
            // A zero power of two (log2 → −inf) clamps to 0x00; one that rounds up to +inf to NaN.
            guard field != 0 else { return 0 }
            guard field != 0xFF else { return E8M0.nanCode }
            return E8M0.code(exponent: field - 127 - elementMaxExponent)
        }
    }

    /// Quantizes `values` in blocks of ``blockSize``: per block the shared scale from `rule`, then
    /// each element divided by the scale (exactly, in `Double`) and rounded once, saturating.
    ///
    /// NaN elements make the block's scale NaN (0xFF) and such a block's element codes are 0.
    ///
    /// - Parameters:
    ///   - values: The values, blocked along their flat order (quantize each row separately when
    ///     the row length is not a multiple of the block size).
    ///   - rule: The shared-scale rule.
    ///   - rounding: The element rounding.
    ///   - layout: The packing for the element codes.
    /// - Returns: The scales and packed codes.
    public func quantize(
        _ values: UnsafeBufferPointer<Float>, rule: MXScaleRule = .ocp, rounding: MXElementRounding = .nearestEven,
        layout: CodeLayout = .dense
    ) -> MXTensor {
        let blocks = (values.count + blockSize - 1) / blockSize
        var scales: [UInt8] = []
        scales.reserveCapacity(blocks)
        for block in 0..<blocks {
            let range = block * blockSize..<min(values.count, (block + 1) * blockSize)
            let amax = range.reduce(Float(0)) { $0.isNaN || values[$1].isNaN ? .nan : max($0, values[$1].magnitude) }
            scales.append(sharedScale(amax: amax, rule: rule))
        }
        let data = element.packCodes(count: values.count, layout: layout) { index in
            guard let exponent = E8M0.exponent(of: scales[index / blockSize]) else { return 0 }
            let scaled = Double(values[index]) * Double(sign: .plus, exponent: -exponent, significand: 1)
            switch rounding {
            case .nearestEven:
                var rounder = NearestEvenRounder()
                return element.encode(scaled, overflow: .saturate, rounder: &rounder)
            case .nearestAway:
                var rounder = NearestAwayRounder()
                return element.encode(scaled, overflow: .saturate, rounder: &rounder)
            }
        }
        return MXTensor(format: self, count: values.count, scales: scales, data: data, layout: layout)
    }

    /// Quantizes an array; see the buffer overload.
    ///
    /// - Parameters:
    ///   - values: The values.
    ///   - rule: The shared-scale rule.
    ///   - rounding: The element rounding.
    ///   - layout: The packing for the element codes.
    /// - Returns: The scales and packed codes.
    public func quantize(
        _ values: [Float], rule: MXScaleRule = .ocp, rounding: MXElementRounding = .nearestEven,
        layout: CodeLayout = .dense
    ) -> MXTensor {
        values.withUnsafeBufferPointer { quantize($0, rule: rule, rounding: rounding, layout: layout) }
    }

    /// Dequantizes packed MX data: `element · 2^(scale − 127)` in `Float` (NaN for a 0xFF scale).
    ///
    /// - Parameters:
    ///   - scales: One E8M0 byte per block.
    ///   - data: The packed element codes.
    ///   - count: The number of elements.
    ///   - layout: The packing of `data`.
    /// - Returns: The values.
    /// - Throws: ``NumericsError`` if `count` is invalid or a buffer is too short.
    public func dequantize(
        scales: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, count: Int, layout: CodeLayout = .dense
    ) throws -> [Float] {
        var values = try element.decode(data, count: count, layout: layout)
        let blocks = (count + blockSize - 1) / blockSize
        guard scales.count >= blocks else { throw NumericsError.sourceTooShort(needed: blocks, available: scales.count) }
        for index in 0..<count { values[index] *= E8M0.decode(scales[index / blockSize]) }
        return values
    }
}

extension MXTensor {
    /// The dequantized values (see ``MXFormat/dequantize(scales:data:count:layout:)``).
    ///
    /// - Returns: The values.
    /// - Throws: ``NumericsError`` if the buffers are inconsistent with ``count``.
    public func dequantized() throws -> [Float] {
        try scales.withUnsafeBytes { scales in
            try data.withUnsafeBytes { data in
                try format.dequantize(scales: scales, data: data, count: count, layout: layout)
            }
        }
    }
}
