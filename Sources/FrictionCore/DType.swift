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
        case .bool: DTypeTraits(bits: 8, family: .bool, safetensors: "BOOL", onnx: 9)
        case .int2: DTypeTraits(bits: 2, family: .signed, safetensors: nil, onnx: 26)
        case .int4: DTypeTraits(bits: 4, family: .signed, safetensors: nil, onnx: 22)
        case .int8: DTypeTraits(bits: 8, family: .signed, safetensors: "I8", onnx: 3)
        case .int16: DTypeTraits(bits: 16, family: .signed, safetensors: "I16", onnx: 5)
        case .int32: DTypeTraits(bits: 32, family: .signed, safetensors: "I32", onnx: 6)
        case .int64: DTypeTraits(bits: 64, family: .signed, safetensors: "I64", onnx: 7)
        case .uint2: DTypeTraits(bits: 2, family: .unsigned, safetensors: nil, onnx: 25)
        case .uint4: DTypeTraits(bits: 4, family: .unsigned, safetensors: nil, onnx: 21)
        case .uint8: DTypeTraits(bits: 8, family: .unsigned, safetensors: "U8", onnx: 2)
        case .uint16: DTypeTraits(bits: 16, family: .unsigned, safetensors: "U16", onnx: 4)
        case .uint32: DTypeTraits(bits: 32, family: .unsigned, safetensors: "U32", onnx: 12)
        case .uint64: DTypeTraits(bits: 64, family: .unsigned, safetensors: "U64", onnx: 13)
        case .float16: DTypeTraits(bits: 16, family: .float, exponent: 5, mantissa: 10, safetensors: "F16", onnx: 10)
        case .bfloat16: DTypeTraits(bits: 16, family: .float, exponent: 8, mantissa: 7, safetensors: "BF16", onnx: 16)
        case .float32: DTypeTraits(bits: 32, family: .float, exponent: 8, mantissa: 23, safetensors: "F32", onnx: 1)
        case .float64: DTypeTraits(bits: 64, family: .float, exponent: 11, mantissa: 52, safetensors: "F64", onnx: 11)
        case .float8_e4m3fn: DTypeTraits(bits: 8, family: .float, exponent: 4, mantissa: 3, safetensors: "F8_E4M3", onnx: 17)
        case .float8_e4m3fnuz: DTypeTraits(bits: 8, family: .float, exponent: 4, mantissa: 3, safetensors: "F8_E4M3FNUZ", onnx: 18)
        case .float8_e5m2: DTypeTraits(bits: 8, family: .float, exponent: 5, mantissa: 2, safetensors: "F8_E5M2", onnx: 19)
        case .float8_e5m2fnuz: DTypeTraits(bits: 8, family: .float, exponent: 5, mantissa: 2, safetensors: "F8_E5M2FNUZ", onnx: 20)
        case .float8_e8m0fnu: DTypeTraits(bits: 8, family: .float, exponent: 8, mantissa: 0, safetensors: "F8_E8M0", onnx: 24)
        case .float6_e2m3fn: DTypeTraits(bits: 6, family: .float, exponent: 2, mantissa: 3, safetensors: "F6_E2M3", onnx: nil)
        case .float6_e3m2fn: DTypeTraits(bits: 6, family: .float, exponent: 3, mantissa: 2, safetensors: "F6_E3M2", onnx: nil)
        case .float4_e2m1fn: DTypeTraits(bits: 4, family: .float, exponent: 2, mantissa: 1, safetensors: "F4", onnx: 23)
        case .complex64: DTypeTraits(bits: 64, family: .complex, safetensors: "C64", onnx: 14)
        case .complex128: DTypeTraits(bits: 128, family: .complex, safetensors: nil, onnx: 15)
        case .string: DTypeTraits(bits: nil, family: .string, safetensors: nil, onnx: 8)
        }
    }

    /// Storage width of one element in bits; nil for variable-length strings.
    public var bits: Int? { traits.bits }

    /// The DType whose safetensors spelling is `name` (e.g. "BF16"), derived from ``traits``.
    public static func fromSafetensors(_ name: String) -> DType? { safetensorsNames[name] }

    /// The DType for an ONNX `TensorProto.DataType` value, derived from ``traits``.
    public static func fromONNX(_ code: Int32) -> DType? { onnxCodes[code] }

    private static let onnxCodes: [Int32: DType] = {
        var table: [Int32: DType] = [:]
        for type in DType.allCases { if let code = type.traits.onnx { table[code] = type } }
        return table
    }()

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
    /// The ONNX `TensorProto.DataType` value, if ONNX has this type.
    public let onnx: Int32?

    init(bits: Int?, family: Family, exponent: Int = 0, mantissa: Int = 0, safetensors: String?, onnx: Int32?) {
        self.bits = bits
        self.family = family
        self.exponent = exponent
        self.mantissa = mantissa
        self.safetensors = safetensors
        self.onnx = onnx
    }
}
