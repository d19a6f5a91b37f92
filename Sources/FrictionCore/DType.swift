/// The element types friction understands, across every container format.
///
/// Raw values are the canonical lower-case names used in reports (they follow ml_dtypes and
/// NumPy spelling). The per-type facts live in one table, ``DType/traits``.
public enum DType: String, CaseIterable, Sendable, Codable, Comparable {
    case bool
    case int2, int4, int8, int16, int32, int64
    case uint2, uint4, uint8, uint16, uint32, uint64
    case float16, bfloat16, float32, float64
    case float8_e4m3fn, float8_e4m3fnuz, float8_e5m2, float8_e5m2fnuz, float8_e8m0fnu
    case float6_e2m3fn, float6_e3m2fn
    case float4_e2m1fn
    case complex64, complex128
    case string

    public static func < (lhs: DType, rhs: DType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The facts about this element type (bit width, family, exponent and mantissa widths,
    /// and the safetensors spelling). Exhaustive: adding a case without a row does not compile.
    public var traits: DTypeTraits {
        switch self {
        case .bool: DTypeTraits(bits: 8, family: .bool, safetensors: "BOOL")
        case .int2: DTypeTraits(bits: 2, family: .signed, safetensors: nil)
        case .int4: DTypeTraits(bits: 4, family: .signed, safetensors: nil)
        case .int8: DTypeTraits(bits: 8, family: .signed, safetensors: "I8")
        case .int16: DTypeTraits(bits: 16, family: .signed, safetensors: "I16")
        case .int32: DTypeTraits(bits: 32, family: .signed, safetensors: "I32")
        case .int64: DTypeTraits(bits: 64, family: .signed, safetensors: "I64")
        case .uint2: DTypeTraits(bits: 2, family: .unsigned, safetensors: nil)
        case .uint4: DTypeTraits(bits: 4, family: .unsigned, safetensors: nil)
        case .uint8: DTypeTraits(bits: 8, family: .unsigned, safetensors: "U8")
        case .uint16: DTypeTraits(bits: 16, family: .unsigned, safetensors: "U16")
        case .uint32: DTypeTraits(bits: 32, family: .unsigned, safetensors: "U32")
        case .uint64: DTypeTraits(bits: 64, family: .unsigned, safetensors: "U64")
        case .float16: DTypeTraits(bits: 16, family: .float, exponent: 5, mantissa: 10, safetensors: "F16")
        case .bfloat16: DTypeTraits(bits: 16, family: .float, exponent: 8, mantissa: 7, safetensors: "BF16")
        case .float32: DTypeTraits(bits: 32, family: .float, exponent: 8, mantissa: 23, safetensors: "F32")
        case .float64: DTypeTraits(bits: 64, family: .float, exponent: 11, mantissa: 52, safetensors: "F64")
        case .float8_e4m3fn: DTypeTraits(bits: 8, family: .float, exponent: 4, mantissa: 3, safetensors: "F8_E4M3")
        case .float8_e4m3fnuz:
            DTypeTraits(bits: 8, family: .float, exponent: 4, mantissa: 3, safetensors: "F8_E4M3FNUZ")
        case .float8_e5m2: DTypeTraits(bits: 8, family: .float, exponent: 5, mantissa: 2, safetensors: "F8_E5M2")
        case .float8_e5m2fnuz:
            DTypeTraits(bits: 8, family: .float, exponent: 5, mantissa: 2, safetensors: "F8_E5M2FNUZ")
        case .float8_e8m0fnu: DTypeTraits(bits: 8, family: .float, exponent: 8, mantissa: 0, safetensors: "F8_E8M0")
        case .float6_e2m3fn: DTypeTraits(bits: 6, family: .float, exponent: 2, mantissa: 3, safetensors: "F6_E2M3")
        case .float6_e3m2fn: DTypeTraits(bits: 6, family: .float, exponent: 3, mantissa: 2, safetensors: "F6_E3M2")
        case .float4_e2m1fn: DTypeTraits(bits: 4, family: .float, exponent: 2, mantissa: 1, safetensors: "F4")
        case .complex64: DTypeTraits(bits: 64, family: .complex, safetensors: "C64")
        case .complex128: DTypeTraits(bits: 128, family: .complex, safetensors: nil)
        case .string: DTypeTraits(bits: nil, family: .string, safetensors: nil)
        }
    }

    /// Storage width of one element in bits; nil for variable-length strings.
    public var bits: Int? { traits.bits }

    /// The DType whose safetensors spelling is `name` (e.g. "BF16"), derived from ``traits``.
    public static func fromSafetensors(_ name: String) -> DType? { safetensorsNames[name] }

    private static let safetensorsNames: [String: DType] = {
        var table: [String: DType] = [:]
        for type in DType.allCases { if let name = type.traits.safetensors { table[name] = type } }
        return table
    }()
}

/// One row of the DType table.
public struct DTypeTraits: Sendable, Equatable {
    /// The family an element type belongs to.
    public enum Family: String, Sendable { case bool, signed, unsigned, float, complex, string }

    public let bits: Int?
    public let family: Family
    /// Exponent and mantissa widths for floating-point types, 0 otherwise.
    public let exponent: Int
    public let mantissa: Int
    /// The dtype string safetensors writes, if safetensors can store this type.
    public let safetensors: String?

    init(bits: Int?, family: Family, exponent: Int = 0, mantissa: Int = 0, safetensors: String?) {
        self.bits = bits
        self.family = family
        self.exponent = exponent
        self.mantissa = mantissa
        self.safetensors = safetensors
    }
}
