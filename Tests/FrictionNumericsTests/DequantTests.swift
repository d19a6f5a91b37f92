import FrictionCore
import FrictionNumerics
import FrictionTestSupport
import Testing

/// Dequantizers against the reference outputs in fixtures/numerics (gguf.quants for ggml types;
/// documented formulas, cross-checked with ports of the producers' decoders, for GPTQ/AWQ/
/// compressed-tensors/int8). Every float must match bit for bit.
@Suite struct DequantTests {
    static let tables = NumericsTables.shared
    static let ggml = tables.tables(kind: "ggml").compactMap { $0["id"]?.stringValue }
    static let packed = tables.tables(kind: "packed_int").compactMap { $0["id"]?.stringValue }

    func part(_ table: JSONValue, _ role: String) -> (file: String, array: String)? {
        guard let f = table["arrays"]?[role]?["file"]?.stringValue, let a = table["arrays"]?[role]?["array"]?.stringValue else { return nil }
        return (f, a)
    }

    func raw(_ table: JSONValue, _ role: String) -> [UInt8] {
        guard let (f, a) = part(table, role), let (bytes, _) = Self.tables.array(file: f, array: a) else { return [] }
        return Array(bytes)
    }

    func ints(_ table: JSONValue, _ role: String) -> [Int64] {
        guard let (f, a) = part(table, role) else { return [] }
        let side: JSONValue = .array([.object([("file", .string(f)), ("array", .string(a))])])
        return Self.tables.values(side).map { Int64(bitPattern: $0) }
    }

    func floats(_ table: JSONValue, _ role: String) -> [Float] {
        guard let (f, a) = part(table, role) else { return [] }
        return Self.tables.floats(file: f, array: a)
    }

    /// fp16 bit patterns → Float (scales in the packed tables are stored as float16).
    func halves(_ table: JSONValue, _ role: String) -> [Float] {
        ints(table, role).map { Float(Float16(bitPattern: UInt16(truncatingIfNeeded: $0))) }
    }

    func bf16s(_ table: JSONValue, _ role: String) -> [Float] {
        ints(table, role).map { Float(bitPattern: UInt32(UInt16(truncatingIfNeeded: $0)) << 16) }
    }

    static func mismatches(_ a: [Float], _ b: [Float]) -> Int {
        guard a.count == b.count else { return max(a.count, b.count) }
        return zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
    }

    @Test func everyTypeTheFixturesCoverIsSupported() {
        #expect(Self.ggml.count >= 30)
        for id in Self.ggml {
            guard let name = id.split(separator: "/").dropFirst().first.map(String.init), let type = GGMLType.named(name) else {
                Issue.record("\(id): unknown type"); continue
            }
            #expect(GGMLDequant.isSupported(type), "\(name)")
        }
    }

    @Test(arguments: ggml)
    func ggmlMatchesGGUFBitForBit(id: String) throws {
        let table = try #require(Self.tables.table(id))
        let type = try #require(table["format"]?.stringValue.flatMap(GGMLType.named))
        let input = part(table, "quantized") != nil ? raw(table, "quantized") : raw(table, "blocks")
        let expected = floats(table, "dequantized")
        #expect(!input.isEmpty && !expected.isEmpty)
        var out: [Float] = []
        let ok = input.withUnsafeBytes { GGMLDequant.dequantize($0, type: type, into: &out) }
        #expect(ok, "\(id) refused")
        #expect(Self.mismatches(out, expected) == 0, "\(id): \(Self.mismatches(out, expected)) of \(expected.count) differ")
    }

    @Test func truncatedBlocksAreRefused() throws {
        let q40 = try #require(GGMLType.named("Q4_0"))
        var out: [Float] = []
        let bytes = [UInt8](repeating: 0, count: 17)
        #expect(!bytes.withUnsafeBytes { GGMLDequant.dequantize($0, type: q40, into: &out) })
        #expect(out.isEmpty)
    }

    @Test(arguments: packed)
    func packedIntegerFormatsMatch(id: String) throws {
        let table = try #require(Self.tables.table(id))
        let o = table["options"] ?? .null
        let expected = floats(table, "dequant")
        let shape = Self.tables.index["files"]?[part(table, "dequant")?.file ?? ""]?["arrays"]?["dequant"]?["shape"]
        guard case .array(let dims)? = shape, dims.count == 2, let d0 = dims[0].int64Value, let d1 = dims[1].int64Value else {
            Issue.record("\(id): no shape"); return
        }
        let result: [Float]?
        if id.contains("gptq") {
            result = IntPacking.dequantizeGPTQ(
                qweight: ints(table, "qweight").map { Int32(truncatingIfNeeded: $0) }, qzeros: ints(table, "qzeros").map { Int32(truncatingIfNeeded: $0) },
                scales: halves(table, "scales"), gIdx: ints(table, "g_idx").map { Int32(truncatingIfNeeded: $0) },
                bits: Int(o["bits"]?.int64Value ?? 4), groupSize: Int(o["group_size"]?.int64Value ?? 128),
                inFeatures: Int(d0), outFeatures: Int(d1), format: o["version"]?.int64Value == 1 ? .v1 : .v2)
        } else if id.contains("awq") {
            result = IntPacking.dequantizeAWQ(
                qweight: ints(table, "qweight").map { Int32(truncatingIfNeeded: $0) }, qzeros: ints(table, "qzeros").map { Int32(truncatingIfNeeded: $0) },
                scales: halves(table, "scales"), groupSize: Int(o["group_size"]?.int64Value ?? 128), inFeatures: Int(d0), outFeatures: Int(d1))
        } else if id.contains("int8") {
            result = IntPacking.dequantizeInt8PerChannel(ints(table, "weight").map { Int8(truncatingIfNeeded: $0) }, scales: floats(table, "weight_scale"),
                                                         rows: Int(d0), columns: Int(d1))
        } else {
            let zp = part(table, "weight_zero_point") == nil ? nil : ints(table, "weight_zero_point").map { Int32(truncatingIfNeeded: $0) }
            let scaleArray = Self.tables.index["files"]?[part(table, "weight_scale")?.file ?? ""]?["arrays"]?["weight_scale"]?["dtype"]?.stringValue
            let scales = scaleArray == "float32" ? floats(table, "weight_scale") : bf16s(table, "weight_scale")
            result = IntPacking.dequantizeCompressedTensors(
                weightPacked: ints(table, "weight_packed").map { Int32(truncatingIfNeeded: $0) }, weightScale: scales, weightZeroPoint: zp,
                bits: Int(o["num_bits"]?.int64Value ?? 4), rows: Int(d0), columns: Int(d1), groupSize: o["group_size"]?.int64Value.map(Int.init))
        }
        let out = try #require(result, "\(id) refused")
        #expect(Self.mismatches(out, expected) == 0, "\(id): \(Self.mismatches(out, expected)) of \(expected.count) differ")
    }
}
