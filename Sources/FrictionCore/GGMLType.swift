/// A ggml tensor type as stored in GGUF files: its id, name and block layout.
///
/// `blockSize` elements are stored in `typeSize` bytes. Facts from ggml's `type_traits`
/// (ggml-org/ggml src/ggml.c, include/ggml.h), snapshot 2026-08.
public struct GGMLType: Sendable, Hashable, Comparable {
    public let id: UInt32
    public let name: String
    public let blockSize: Int
    public let typeSize: Int
    /// The plain element type for non-block types (F32, F16, BF16, I8 …), nil for quantized blocks.
    public let element: DType?

    public static func < (lhs: GGMLType, rhs: GGMLType) -> Bool { lhs.id < rhs.id }

    /// Bits per weight, e.g. 4.5 for Q4_0.
    public var bitsPerWeight: Double { Double(typeSize * 8) / Double(blockSize) }

    /// Whether this is a block-quantized type.
    public var isQuantized: Bool { element == nil }

    /// The primary table: every type id that current ggml can store in a file.
    public static let all: [GGMLType] = [
        GGMLType(id: 0, name: "F32", blockSize: 1, typeSize: 4, element: .float32),
        GGMLType(id: 1, name: "F16", blockSize: 1, typeSize: 2, element: .float16),
        GGMLType(id: 2, name: "Q4_0", blockSize: 32, typeSize: 18, element: nil),
        GGMLType(id: 3, name: "Q4_1", blockSize: 32, typeSize: 20, element: nil),
        GGMLType(id: 6, name: "Q5_0", blockSize: 32, typeSize: 22, element: nil),
        GGMLType(id: 7, name: "Q5_1", blockSize: 32, typeSize: 24, element: nil),
        GGMLType(id: 8, name: "Q8_0", blockSize: 32, typeSize: 34, element: nil),
        GGMLType(id: 9, name: "Q8_1", blockSize: 32, typeSize: 36, element: nil),
        GGMLType(id: 10, name: "Q2_K", blockSize: 256, typeSize: 84, element: nil),
        GGMLType(id: 11, name: "Q3_K", blockSize: 256, typeSize: 110, element: nil),
        GGMLType(id: 12, name: "Q4_K", blockSize: 256, typeSize: 144, element: nil),
        GGMLType(id: 13, name: "Q5_K", blockSize: 256, typeSize: 176, element: nil),
        GGMLType(id: 14, name: "Q6_K", blockSize: 256, typeSize: 210, element: nil),
        GGMLType(id: 15, name: "Q8_K", blockSize: 256, typeSize: 292, element: nil),
        GGMLType(id: 16, name: "IQ2_XXS", blockSize: 256, typeSize: 66, element: nil),
        GGMLType(id: 17, name: "IQ2_XS", blockSize: 256, typeSize: 74, element: nil),
        GGMLType(id: 18, name: "IQ3_XXS", blockSize: 256, typeSize: 98, element: nil),
        GGMLType(id: 19, name: "IQ1_S", blockSize: 256, typeSize: 50, element: nil),
        GGMLType(id: 20, name: "IQ4_NL", blockSize: 32, typeSize: 18, element: nil),
        GGMLType(id: 21, name: "IQ3_S", blockSize: 256, typeSize: 110, element: nil),
        GGMLType(id: 22, name: "IQ2_S", blockSize: 256, typeSize: 82, element: nil),
        GGMLType(id: 23, name: "IQ4_XS", blockSize: 256, typeSize: 136, element: nil),
        GGMLType(id: 24, name: "I8", blockSize: 1, typeSize: 1, element: .int8),
        GGMLType(id: 25, name: "I16", blockSize: 1, typeSize: 2, element: .int16),
        GGMLType(id: 26, name: "I32", blockSize: 1, typeSize: 4, element: .int32),
        GGMLType(id: 27, name: "I64", blockSize: 1, typeSize: 8, element: .int64),
        GGMLType(id: 28, name: "F64", blockSize: 1, typeSize: 8, element: .float64),
        GGMLType(id: 29, name: "IQ1_M", blockSize: 256, typeSize: 56, element: nil),
        GGMLType(id: 30, name: "BF16", blockSize: 1, typeSize: 2, element: .bfloat16),
        GGMLType(id: 34, name: "TQ1_0", blockSize: 256, typeSize: 54, element: nil),
        GGMLType(id: 35, name: "TQ2_0", blockSize: 256, typeSize: 66, element: nil),
        GGMLType(id: 39, name: "MXFP4", blockSize: 32, typeSize: 17, element: nil),
        GGMLType(id: 40, name: "NVFP4", blockSize: 64, typeSize: 36, element: nil),
        GGMLType(id: 41, name: "Q1_0", blockSize: 128, typeSize: 18, element: nil),
        GGMLType(id: 42, name: "Q2_0", blockSize: 64, typeSize: 18, element: nil),
    ]

    /// Ids that ggml once used and removed; files carrying them cannot be loaded by current
    /// llama.cpp, so they are reported rather than guessed at.
    public static let removed: [UInt32: String] = [
        4: "Q4_2", 5: "Q4_3",
        31: "Q4_0_4_4", 32: "Q4_0_4_8", 33: "Q4_0_8_8",
        36: "IQ4_NL_4_4", 37: "IQ4_NL_4_8", 38: "IQ4_NL_8_8",
    ]

    /// One past the highest id in the table (ggml's GGML_TYPE_COUNT).
    public static let count: UInt32 = 43

    private static let byID: [UInt32: GGMLType] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
    private static let byName: [String: GGMLType] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The type with this id, or nil if the id is unknown or was removed from ggml.
    public static func withID(_ id: UInt32) -> GGMLType? { byID[id] }

    /// The type with this name (e.g. "Q4_K"), or nil.
    public static func named(_ name: String) -> GGMLType? { byName[name] }
}
