/// Unpacking and dequantization of the integer weight layouts of GPTQ, AWQ (gemm),
/// compressed-tensors `pack-quantized`, and plain int8 per-channel checkpoints.
///
/// All functions validate every length and return nil on a mismatch, an out-of-range group
/// index or an unsupported bit width; none can trap on input. Scales are passed as `Float`
/// (decode fp16/bf16 scale tensors first). Products are computed in float32: a small integer
/// times an fp16/bf16 scale is exact there, so rounding the result to the scale dtype gives what
/// the producers' fp16/bf16 torch code returns.
///
/// Output orientation follows each format's own tensors: GPTQ and AWQ give `[in, out]`
/// row-major (the orientation of their `qweight`/`scales`, i.e. the transpose of a PyTorch
/// `Linear.weight`); compressed-tensors and int8 give `[out, in]` (`Linear.weight`).
public enum IntPacking {
    // MARK: - GPTQ

    /// GPTQ `checkpoint_format`: `gptq` (v1) stores each zero point minus one (AutoGPTQ `pack()`
    /// does `zeros -= 1`, its decoders add 1 back); `gptq_v2` (GPTQModel) stores the zero itself.
    public enum GPTQFormat: Sendable, Hashable {
        case v1
        case v2
    }

    /// Unpacks GPTQ `qweight` (int32 `[in·bits/32, out]`, packed along the input dimension, LSB
    /// first: input i of column o is the `bits`-wide field at bit i·bits of column o's words).
    /// For 2/4/8 bits that is 32/bits fields per word; 3-bit fields run on across words, as
    /// AutoGPTQ packs them. Returns the codes `[in, out]`.
    public static func unpackGPTQWeight(_ qweight: [Int32], bits: Int, inFeatures: Int, outFeatures: Int) -> [UInt8]? {
        guard gptqBits.contains(bits), inFeatures >= 0, outFeatures >= 0,
              let rows = exactWords(inFeatures, bits), let total = product(rows, outFeatures),
              qweight.count == total, let count = product(inFeatures, outFeatures) else { return nil }
        var codes = [UInt8](repeating: 0, count: count)
        qweight.withUnsafeBufferPointer { w in
            for i in 0..<inFeatures {
                for o in 0..<outFeatures {
                    codes[i * outFeatures + o] = UInt8(truncatingIfNeeded: denseField(w, base: o, stride: outFeatures, index: i, bits: bits))
                }
            }
        }
        return codes
    }

    /// Unpacks GPTQ `qzeros` (int32 `[groups, out·bits/32]`, packed along the output dimension,
    /// LSB first) to the true zero points `[groups, out]`: stored + 1 for v1, stored for v2.
    public static func unpackGPTQZeros(_ qzeros: [Int32], bits: Int, groups: Int, outFeatures: Int,
                                       format: GPTQFormat) -> [Int32]? {
        guard gptqBits.contains(bits), groups >= 0, outFeatures >= 0,
              let perRow = exactWords(outFeatures, bits), let total = product(groups, perRow),
              qzeros.count == total, let count = product(groups, outFeatures) else { return nil }
        let offset: UInt32 = format == .v1 ? 1 : 0
        var zeros = [Int32](repeating: 0, count: count)
        qzeros.withUnsafeBufferPointer { w in
            for g in 0..<groups {
                for o in 0..<outFeatures {
                    let stored = denseField(w, base: g * perRow, stride: 1, index: o, bits: bits)
                    zeros[g * outFeatures + o] = Int32(stored + offset)
                }
            }
        }
        return zeros
    }

    /// GPTQ dequantization: `w[i, o] = scales[g, o] · (q[i, o] − zero[g, o])` with
    /// `g = gIdx[i]` when `gIdx` is given (act-order / desc_act checkpoints), else `i / groupSize`
    /// (`groupSize` ≤ 0, i.e. GPTQ's −1, means one group). `scales` is `[groups, out]`, the number
    /// of groups taken from its length. Returns `[in, out]`.
    public static func dequantizeGPTQ(qweight: [Int32], qzeros: [Int32], scales: [Float], gIdx: [Int32]?,
                                      bits: Int, groupSize: Int, inFeatures: Int, outFeatures: Int,
                                      format: GPTQFormat) -> [Float]? {
        guard outFeatures > 0, scales.count % outFeatures == 0 else { return nil }
        let groups = scales.count / outFeatures
        guard let codes = unpackGPTQWeight(qweight, bits: bits, inFeatures: inFeatures, outFeatures: outFeatures),
              let zeros = unpackGPTQZeros(qzeros, bits: bits, groups: groups, outFeatures: outFeatures, format: format),
              let groupOf = groupIndices(count: inFeatures, groups: groups, groupSize: groupSize, gIdx: gIdx)
        else { return nil }
        var out = [Float](repeating: 0, count: codes.count)
        for i in 0..<inFeatures {
            let g = groupOf[i]
            for o in 0..<outFeatures {
                let q = Int32(codes[i * outFeatures + o])
                out[i * outFeatures + o] = scales[g * outFeatures + o] * Float(q - zeros[g * outFeatures + o])
            }
        }
        return out
    }

    // MARK: - AWQ

    /// AutoAWQ gemm packing order: nibble k (bits 4k…4k+3) of packed word c holds column
    /// 8c + awqPackOrder[k]. (Decoders undo it with AWQ_REVERSE_ORDER [0, 4, 1, 5, 2, 6, 3, 7].)
    public static let awqPackOrder: [Int] = [0, 2, 4, 6, 1, 3, 5, 7]

    /// Unpacks an AWQ gemm int32 tensor `[rows, columns/8]` (4-bit, packed along the last —
    /// output — dimension) to codes `[rows, columns]`. Serves `qweight` and `qzeros`.
    public static func unpackAWQ(_ packed: [Int32], rows: Int, columns: Int) -> [UInt8]? {
        guard rows >= 0, columns >= 0, columns % 8 == 0,
              let total = product(rows, columns / 8), packed.count == total,
              let count = product(rows, columns) else { return nil }
        var codes = [UInt8](repeating: 0, count: count)
        let order = awqPackOrder
        for r in 0..<rows {
            for c in 0..<(columns / 8) {
                let word = UInt32(bitPattern: packed[r * (columns / 8) + c])
                for k in 0..<8 {
                    codes[r * columns + 8 * c + order[k]] = UInt8((word >> UInt32(4 * k)) & 0xF)
                }
            }
        }
        return codes
    }

    /// AWQ gemm dequantization (AutoAWQ `dequantize_gemm`): `w[i, o] = (q[i, o] − z[g, o]) · s[g, o]`,
    /// g = i / groupSize (`groupSize` ≤ 0 means one group). `qweight` int32 `[in, out/8]`,
    /// `qzeros` int32 `[groups, out/8]`, `scales` `[groups, out]`. Returns `[in, out]`.
    public static func dequantizeAWQ(qweight: [Int32], qzeros: [Int32], scales: [Float], groupSize: Int,
                                     inFeatures: Int, outFeatures: Int) -> [Float]? {
        guard outFeatures > 0, scales.count % outFeatures == 0 else { return nil }
        let groups = scales.count / outFeatures
        guard let codes = unpackAWQ(qweight, rows: inFeatures, columns: outFeatures),
              let zeros = unpackAWQ(qzeros, rows: groups, columns: outFeatures),
              let groupOf = groupIndices(count: inFeatures, groups: groups, groupSize: groupSize, gIdx: nil)
        else { return nil }
        var out = [Float](repeating: 0, count: codes.count)
        for i in 0..<inFeatures {
            let g = groupOf[i]
            for o in 0..<outFeatures {
                let diff = Int32(codes[i * outFeatures + o]) - Int32(zeros[g * outFeatures + o])
                out[i * outFeatures + o] = Float(diff) * scales[g * outFeatures + o]
            }
        }
        return out
    }

    // MARK: - compressed-tensors pack-quantized

    /// How compressed-tensors laid `bits`-wide values into int32 words.
    public enum CompressedTensorsPacking: Sendable, Hashable {
        /// Current `pack_to_int32` (compressors/pack_quantized/helpers.py): one dense LSB-first bit
        /// stream per row, element i at bit i·bits, fields may straddle words,
        /// ceil(n·bits/32) words.
        case dense
        /// Earlier releases: 32/bits whole fields per word (element i in word i / (32/bits) at bit
        /// (i mod 32/bits)·bits), ceil(n / (32/bits)) words. Same bytes as `.dense` for 1, 2, 4, 8 bits.
        case perWord
    }

    /// Unpacks compressed-tensors `weight_packed` (int32 `[rows, words]`, packed along dim 1, values
    /// stored as q + 2^(bits−1)) to signed codes `[rows, columns]` (`columns` = `weight_shape[1]`).
    public static func unpackCompressedTensors(_ packed: [Int32], bits: Int, rows: Int, columns: Int,
                                               packing: CompressedTensorsPacking = .dense) -> [Int8]? {
        guard (1...8).contains(bits), rows >= 0, columns >= 0,
              let perRow = ctWords(columns, bits, packing), let total = product(rows, perRow),
              packed.count == total, let count = product(rows, columns) else { return nil }
        let offset = Int32(1) << Int32(bits - 1)
        var codes = [Int8](repeating: 0, count: count)
        packed.withUnsafeBufferPointer { w in
            for r in 0..<rows {
                for c in 0..<columns {
                    let u = ctField(w, base: r * perRow, stride: 1, index: c, bits: bits, packing: packing)
                    codes[r * columns + c] = Int8(truncatingIfNeeded: Int32(u) - offset)
                }
            }
        }
        return codes
    }

    /// Unpacks compressed-tensors `weight_zero_point` (int32 `[words, columns]`, packed along dim 0:
    /// `pack_to_int32(zp, bits, packed_dim=0)`) to signed zero points `[rows, columns]`.
    public static func unpackCompressedTensorsZeroPoints(_ packed: [Int32], bits: Int, rows: Int, columns: Int,
                                                         packing: CompressedTensorsPacking = .dense) -> [Int8]? {
        guard (1...8).contains(bits), rows >= 0, columns >= 0,
              let perColumn = ctWords(rows, bits, packing), let total = product(perColumn, columns),
              packed.count == total, let count = product(rows, columns) else { return nil }
        let offset = Int32(1) << Int32(bits - 1)
        var zeros = [Int8](repeating: 0, count: count)
        packed.withUnsafeBufferPointer { w in
            for r in 0..<rows {
                for c in 0..<columns {
                    let u = ctField(w, base: c, stride: columns, index: r, bits: bits, packing: packing)
                    zeros[r * columns + c] = Int8(truncatingIfNeeded: Int32(u) - offset)
                }
            }
        }
        return zeros
    }

    /// compressed-tensors dequantization (`quantization/lifecycle/forward.py` `_dequantize`):
    /// `w[r, c] = (q[r, c] − zp[r, g]) · scale[r, g]` for a `rows × columns` weight (`[out, in]`).
    /// The strategy follows from `weightScale.count`: 1 → tensor; `rows` → channel; otherwise
    /// group, with `[rows, groups]` scales and g = `gIdx[c]` (activation ordering) or
    /// c / `groupSize` (`groupSize` nil: columns / groups, which must divide). `weightZeroPoint`
    /// (asymmetric channel/group schemes) is the packed int32 tensor, same `[rows, groups]` shape
    /// once unpacked; nil means symmetric. Returns `[rows, columns]`.
    public static func dequantizeCompressedTensors(weightPacked: [Int32], weightScale: [Float],
                                                   weightZeroPoint: [Int32]? = nil, gIdx: [Int32]? = nil,
                                                   bits: Int, rows: Int, columns: Int, groupSize: Int? = nil,
                                                   packing: CompressedTensorsPacking = .dense) -> [Float]? {
        guard rows > 0, columns >= 0, !weightScale.isEmpty,
              let codes = unpackCompressedTensors(weightPacked, bits: bits, rows: rows, columns: columns, packing: packing)
        else { return nil }
        let tensorScale = weightScale.count == 1 && rows != 1
        let groups: Int
        let groupOf: [Int]
        if tensorScale {
            guard weightZeroPoint == nil, gIdx == nil else { return nil }
            groups = 1
            groupOf = [Int](repeating: 0, count: columns)
        } else {
            guard weightScale.count % rows == 0 else { return nil }
            groups = weightScale.count / rows
            var size = 0  // one group
            if groups > 1, gIdx == nil {
                if let groupSize {
                    guard groupSize > 0 else { return nil }
                    size = groupSize
                } else {
                    guard columns % groups == 0 else { return nil }
                    size = columns / groups
                }
            }
            guard let indices = groupIndices(count: columns, groups: groups, groupSize: size, gIdx: gIdx) else { return nil }
            groupOf = indices
        }
        var zeros: [Int8]? = nil
        if let packedZeros = weightZeroPoint {
            guard let z = unpackCompressedTensorsZeroPoints(packedZeros, bits: bits, rows: rows, columns: groups,
                                                            packing: packing) else { return nil }
            zeros = z
        }
        var out = [Float](repeating: 0, count: codes.count)
        for r in 0..<rows {
            for c in 0..<columns {
                let si = tensorScale ? 0 : r * groups + groupOf[c]
                let z = zeros.map { Float($0[si]) } ?? 0
                out[r * columns + c] = (Float(codes[r * columns + c]) - z) * weightScale[si]
            }
        }
        return out
    }

    // MARK: - int8 per channel

    /// Symmetric int8 with one scale per output row (compressed-tensors int-quantized channel
    /// strategy, and bitsandbytes LLM.int8 once its `SCB` is turned into `SCB / 127`):
    /// `w[r, c] = Float(q[r, c]) · scales[r]`. `weight` is `[rows, columns]`.
    public static func dequantizeInt8PerChannel(_ weight: [Int8], scales: [Float], rows: Int, columns: Int) -> [Float]? {
        guard rows >= 0, columns >= 0, scales.count == rows, let count = product(rows, columns),
              weight.count == count else { return nil }
        var out = [Float](repeating: 0, count: count)
        for r in 0..<rows {
            let s = scales[r]
            for c in 0..<columns {
                out[r * columns + c] = Float(weight[r * columns + c]) * s
            }
        }
        return out
    }

    // MARK: - helpers

    private static let gptqBits: Set<Int> = [2, 3, 4, 8]

    /// a · b, nil on overflow.
    private static func product(_ a: Int, _ b: Int) -> Int? {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : p
    }

    /// Words holding exactly `n` `bits`-wide fields (GPTQ needs n·bits to fill whole words).
    private static func exactWords(_ n: Int, _ bits: Int) -> Int? {
        guard let total = product(n, bits), total % 32 == 0 else { return nil }
        return total / 32
    }

    /// Words compressed-tensors uses for `n` values of `bits` bits.
    private static func ctWords(_ n: Int, _ bits: Int, _ packing: CompressedTensorsPacking) -> Int? {
        switch packing {
        case .dense:
            guard let total = product(n, bits) else { return nil }
            return (total + 31) / 32
        case .perWord:
            let perWord = 32 / bits
            return (n + perWord - 1) / perWord
        }
    }

    /// Field `index` of the LSB-first bit stream whose words are `w[base + k·stride]`; the caller
    /// has checked that the stream holds (index + 1)·bits bits.
    @inline(__always) private static func denseField(_ w: UnsafeBufferPointer<Int32>, base: Int, stride: Int,
                                                     index: Int, bits: Int) -> UInt32 {
        let bit = index * bits
        let k = bit >> 5, shift = bit & 31
        var v = UInt32(bitPattern: w[base + k * stride]) >> UInt32(shift)
        if shift + bits > 32 {
            v |= UInt32(bitPattern: w[base + (k + 1) * stride]) << UInt32(32 - shift)
        }
        return v & ((1 << UInt32(bits)) - 1)
    }

    @inline(__always) private static func ctField(_ w: UnsafeBufferPointer<Int32>, base: Int, stride: Int, index: Int,
                                                  bits: Int, packing: CompressedTensorsPacking) -> UInt32 {
        switch packing {
        case .dense:
            return denseField(w, base: base, stride: stride, index: index, bits: bits)
        case .perWord:
            let perWord = 32 / bits
            let word = UInt32(bitPattern: w[base + (index / perWord) * stride])
            return (word >> UInt32((index % perWord) * bits)) & ((1 << UInt32(bits)) - 1)
        }
    }

    /// The group of each of `count` input positions: `gIdx` (checked against `groups`) or
    /// i / groupSize (groupSize ≤ 0: one group, so `groups` must be 1). Nil if any index falls
    /// outside `groups`.
    private static func groupIndices(count: Int, groups: Int, groupSize: Int, gIdx: [Int32]?) -> [Int]? {
        guard count >= 0, groups > 0 else { return count == 0 ? [] : nil }
        if let gIdx {
            guard gIdx.count == count else { return nil }
            var result = [Int](repeating: 0, count: count)
            for i in 0..<count {
                let g = Int(gIdx[i])
                guard g >= 0, g < groups else { return nil }
                result[i] = g
            }
            return result
        }
        if groupSize <= 0 {
            guard groups == 1 else { return nil }
            return [Int](repeating: 0, count: count)
        }
        guard count == 0 || (count - 1) / groupSize < groups else { return nil }
        return (0..<count).map { $0 / groupSize }
    }
}
