import FrictionCore
import FrictionNumerics

/// Weight statistics of one stored tensor: float types directly, 8-bit and packed 4-bit types
/// through decode tables, ggml block types through their dequantizers, a chunk at a time.
public enum WeightStatistics {
    /// Statistics of `tensor` from its payload `bytes`, or nil when no decoder reads its type.
    public static func scan(_ tensor: TensorInfo, bytes: UnsafeRawBufferPointer) -> TensorStatistics? {
        let count = Int(clamping: tensor.parameterCount ?? 0)
        switch tensor.type {
        case .dtype(let d):
            let sparsity: (n: Int, m: Int)? = (tensor.shape.fixedDims?.last).map { $0 % 4 == 0 && tensor.shape.rank >= 2 ? (2, 4) : nil } ?? nil
            return StatisticsScanner.scan(bytes, type: d, count: count, lookup: DecodeLookup.table(for: d), sparsity: sparsity)
        case .ggml(let g):
            if let element = g.element, element.traits.family == .float {
                return StatisticsScanner.scan(bytes, type: element, count: count)
            }
            guard GGMLDequant.isSupported(g) else { return nil }
            return StatisticsScanner.scanBlocks(bytes, blockBytes: g.typeSize, blockElements: g.blockSize) { slice, out in
                GGMLDequant.dequantize(slice, type: g, into: &out)
            }
        case .unknown:
            return nil
        }
    }
}
