import FrictionCore
import FrictionNumerics

/// Decode tables (256 entries, byte → value of the code in its low bits) for element types of
/// 8 bits or fewer, from the exact scalar formats.
enum DecodeLookup {
    static func table(for type: DType) -> [Float]? {
        switch type {
        case .bool: return (0..<256).map { Float($0 == 0 ? 0 : 1) }
        case .int8: return (0..<256).map { Float(Int8(truncatingIfNeeded: $0)) }
        case .uint8: return (0..<256).map { Float($0) }
        default: return nil
        }
    }
}
