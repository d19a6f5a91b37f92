/// NVIDIA NVFP4: E2M1 elements in blocks of 16, one float8_e4m3fn scale per block and one FP32
/// per-tensor scale on top, following NVIDIA Model Optimizer (`modelopt/torch/quantization/qtensor/
/// nvfp4_tensor.py`, dynamic weight path).
///
/// Every intermediate is a `Float` operation in ModelOpt's order, so codes and scales match a
/// ModelOpt export bit for bit.
public enum NVFP4 {
    /// Elements per block scale.
    public static let blockSize = 16
    /// The element format.
    public static let element = ScalarFormat.float4E2M1FN
    /// The block-scale format.
    public static let blockScaleFormat = ScalarFormat.float8E4M3FN
    /// E2M1 max times E4M3 max, 6 · 448 = 2688.
    public static let scaleRange: Float = 6 * 448

    /// How a checkpoint stores the per-tensor FP32 scale.
    public enum GlobalScaleConvention: String, Sendable, Hashable, CaseIterable {
        /// ModelOpt's `weight_scale_2 = amax / 2688`; dequantize multiplies:
        /// `e2m1 · (Float(scale) · weight_scale_2)`.
        case modelOpt
        /// compressed-tensors' `global_scale = 2688 / amax` (the reciprocal); dequantize divides:
        /// `e2m1 · (Float(scale) / global_scale)`.
        case compressedTensors
    }

    /// ModelOpt's per-tensor scale, `amax / (6 · 448)`.
    ///
    /// - Parameter amax: The tensor's largest |element|.
    /// - Returns: `weight_scale_2`.
    public static func globalScale(amax: Float) -> Float { amax / scaleRange }

    /// ModelOpt's block scale: `blockAmax / (6 · globalScale)`, 1 where that is 0, clamped below at
    /// 2^-9 and cast to E4M3 like PyTorch's `.to(torch.float8_e4m3fn)` (round to nearest even, NaN
    /// beyond 464). An all-zero tensor has a zero global scale and so NaN block scales, as in
    /// ModelOpt.
    ///
    /// - Parameters:
    ///   - blockAmax: The block's largest |element|.
    ///   - globalScale: `weight_scale_2`.
    /// - Returns: The E4M3 code.
    public static func blockScale(blockAmax: Float, globalScale: Float) -> UInt8 {
        var scale = blockAmax / (6 * globalScale)
        if scale == 0 { scale = 1 }
        if scale < 0x1p-9 { scale = 0x1p-9 }
        return UInt8(blockScaleFormat.encode(scale, overflow: .mlDtypes))
    }

    /// ModelOpt's `_cast_fp4`: nearest E2M1 code with ties to even (bounds 0.25, 0.75, 1.25, 1.75,
    /// 2.5, 3.5, 5), saturating at ±6; NaN gives +6 and −0 gives +0 (the sign is `x < 0`).
    ///
    /// - Parameter value: The scaled element.
    /// - Returns: The 4-bit code.
    public static func encodeElement(_ value: Float) -> UInt8 {
        value == 0 ? 0 : UInt8(element.encode(value, overflow: .saturate))
    }

    /// Quantizes `values` with ModelOpt's dynamic rule, packing two codes per byte with element 0
    /// in the low nibble (`q[1::2] << 4 | q[0::2]`).
    ///
    /// - Parameters:
    ///   - values: The values, blocked along their flat order (ModelOpt blocks the last dimension,
    ///     which it requires to be a multiple of 16; quantize rows separately otherwise).
    ///   - globalScale: A precomputed `weight_scale_2`; nil computes `amax / 2688` from `values`.
    /// - Returns: The packed tensor.
    public static func quantize(_ values: UnsafeBufferPointer<Float>, globalScale: Float? = nil) -> NVFP4Tensor {
        let global = globalScale ?? NVFP4.globalScale(amax: amax(values, 0..<values.count))
        let blocks = (values.count + blockSize - 1) / blockSize
        var scales: [UInt8] = []
        scales.reserveCapacity(blocks)
        var divisors: [Float] = []
        divisors.reserveCapacity(blocks)
        for block in 0..<blocks {
            let range = block * blockSize..<min(values.count, (block + 1) * blockSize)
            let code = blockScale(blockAmax: amax(values, range), globalScale: global)
            scales.append(code)
            divisors.append(blockScaleFormat.decode(UInt32(code)) * global)
        }
        let data = element.packCodes(count: values.count, layout: .dense) { index in
            UInt32(encodeElement(values[index] / divisors[index / blockSize]))
        }
        return NVFP4Tensor(count: values.count, globalScale: global, blockScales: scales, data: data)
    }

    /// Quantizes an array; see the buffer overload.
    ///
    /// - Parameters:
    ///   - values: The values.
    ///   - globalScale: A precomputed `weight_scale_2`, or nil.
    /// - Returns: The packed tensor.
    public static func quantize(_ values: [Float], globalScale: Float? = nil) -> NVFP4Tensor {
        values.withUnsafeBufferPointer { quantize($0, globalScale: globalScale) }
    }

    /// Dequantizes packed NVFP4 data (low nibble first): per block `Float(scale) · global` (ModelOpt)
    /// or `Float(scale) / global` (compressed-tensors), times each E2M1 value, in `Float`. With
    /// `.modelOpt`, code 8 (−0) gives +0.0, as ModelOpt's value table does.
    ///
    /// - Parameters:
    ///   - data: `⌈count / 2⌉` packed bytes.
    ///   - blockScales: One E4M3 byte per 16 elements.
    ///   - globalScale: The stored per-tensor scale.
    ///   - count: The number of elements.
    ///   - convention: Which per-tensor scale the checkpoint stores.
    /// - Returns: The values.
    /// - Throws: ``NumericsError`` if `count` is invalid or a buffer is too short.
    public static func dequantize(
        data: UnsafeRawBufferPointer, blockScales: UnsafeRawBufferPointer, globalScale: Float, count: Int,
        convention: GlobalScaleConvention = .modelOpt
    ) throws -> [Float] {
        var values = try element.decode(data, count: count, layout: .dense)
        let blocks = (count + blockSize - 1) / blockSize
        guard blockScales.count >= blocks else {
            throw NumericsError.sourceTooShort(needed: blocks, available: blockScales.count)
        }
        for block in 0..<blocks {
            let scale = blockScaleFormat.decode(UInt32(blockScales[block]))
            let factor = convention == .modelOpt ? scale * globalScale : scale / globalScale
            for index in block * blockSize..<min(count, (block + 1) * blockSize) {
                // ModelOpt's e2m1_values table holds +0 for code 8 (−0); compressed-tensors keeps −0.
                values[index] = (convention == .modelOpt && values[index] == 0 ? 0 : values[index]) * factor
            }
        }
        return values
    }

    /// The largest |element| in `range`, NaN if any element is NaN (as `torch.amax`).
    private static func amax(_ values: UnsafeBufferPointer<Float>, _ range: Range<Int>) -> Float {
        range.reduce(Float(0)) { $0.isNaN || values[$1].isNaN ? .nan : max($0, values[$1].magnitude) }
    }
}

/// A tensor quantized to NVFP4.
public struct NVFP4Tensor: Sendable, Hashable {
    /// Number of elements.
    public let count: Int
    /// ModelOpt's per-tensor `weight_scale_2` (amax / 2688).
    public let globalScale: Float
    /// One float8_e4m3fn code per 16 elements.
    public var blockScales: [UInt8]
    /// Two E2M1 codes per byte, element 0 in the low nibble.
    public var data: [UInt8]

    /// The dequantized values, with the ModelOpt convention.
    ///
    /// - Returns: The values.
    /// - Throws: ``NumericsError`` if the buffers are inconsistent with ``count``.
    public func dequantized() throws -> [Float] {
        try data.withUnsafeBytes { data in
            try blockScales.withUnsafeBytes { scales in
                try NVFP4.dequantize(data: data, blockScales: scales, globalScale: globalScale, count: count)
            }
        }
    }
}
