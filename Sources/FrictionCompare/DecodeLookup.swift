import FrictionCore
import FrictionNumerics

/// Decode tables (256 entries, byte → value of the code in its low bits) for element types of
/// 8 bits or fewer, from the exact scalar formats (FrictionNumerics.ScalarFormat).
public enum DecodeLookup {
    /// The 256-entry table for `type`, or nil for types wider than 8 bits.
    public static func table(for type: DType) -> [Float]? {
        if type == .bool { return (0..<256).map { Float($0 == 0 ? 0 : 1) } }
        guard (type.bits ?? 64) <= 8 else { return nil }
        return ScalarFormat(type)?.decodeTable
    }
}
