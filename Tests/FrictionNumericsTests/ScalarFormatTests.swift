import FrictionCore
import FrictionNumerics
import FrictionTestSupport
import Testing

/// Bit-exactness of every scalar format against fixtures/numerics: every code decoded, and
/// float32 inputs (every high-16-bit pattern, ties, their neighbours, near-overflow values,
/// subnormals, NaN payloads, infinities) encoded — zero mismatches required.
@Suite struct ScalarFormatTests {
    static let tables = NumericsTables.shared
    static let decodeIDs = tables.tables(kind: "decode").compactMap { $0["id"]?.stringValue }
    static let encodeIDs = tables.tables(kind: "encode").compactMap { $0["id"]?.stringValue }
    static let onnxIDs = tables.tables(kind: "onnx_cast").compactMap { $0["id"]?.stringValue }
    static let e8m0IDs = tables.tables(kind: "e8m0_rounding").compactMap { $0["id"]?.stringValue }

    func format(_ table: JSONValue) throws -> ScalarFormat {
        let name = try #require(table["format"]?.stringValue)
        let dtype = try #require(DType(rawValue: name), "unknown format \(name)")
        return try #require(ScalarFormat(dtype), "no ScalarFormat for \(name)")
    }

    func io(_ id: String) throws -> (JSONValue, [UInt64], [UInt64]) {
        let table = try #require(Self.tables.table(id))
        let input = Self.tables.values(table["input"]), output = Self.tables.values(table["output"])
        #expect(!input.isEmpty && input.count == output.count, "\(id): \(input.count) inputs, \(output.count) outputs")
        return (table, input, output)
    }

    /// Counts mismatches and remembers the first few for the failure message.
    static func compare(_ pairs: [(UInt64, UInt64, UInt64)]) -> (Int, String) {
        let bad = pairs.filter { $0.1 != $0.2 }
        let sample = bad.prefix(5).map { "in 0x\(String($0.0, radix: 16)) → got 0x\(String($0.1, radix: 16)), want 0x\(String($0.2, radix: 16))" }
        return (bad.count, sample.joined(separator: "; "))
    }

    @Test(arguments: decodeIDs)
    func decodeEveryCode(id: String) throws {
        let (table, input, output) = try io(id)
        let f = try format(table)
        let (n, sample) = Self.compare(zip(input, output).map { ($0, UInt64(f.decode(UInt32(truncatingIfNeeded: $0)).bitPattern), $1 & 0xFFFF_FFFF) })
        #expect(n == 0, "\(id): \(n) mismatches: \(sample)")
    }

    @Test(arguments: encodeIDs)
    func encodeFromFloat32LikeMLDtypes(id: String) throws {
        let (table, input, output) = try io(id)
        let f = try format(table)
        let mask = UInt64((1 << f.bits) - 1)
        let gguf = id.hasSuffix("/gguf")
        let (n, sample) = Self.compare(zip(input, output).map { i, o in
            let x = Float(bitPattern: UInt32(truncatingIfNeeded: i))
            let got = gguf ? UInt64(GGMLBFloat16.encode(x)) : UInt64(f.encode(x, overflow: .mlDtypes)) & mask
            return (i, got, o & mask)
        })
        #expect(n == 0, "\(id): \(n) mismatches: \(sample)")
    }

    @Test(arguments: onnxIDs)
    func encodeLikeONNXCast(id: String) throws {
        let (table, input, output) = try io(id)
        let saturate = table["options"]?["saturate"] == .bool(true) || id.hasSuffix("_saturate")
        let f = try format(table)
        let mask = UInt64((1 << f.bits) - 1)
        let rounding: E8M0Rounding = id.contains("/up") ? .roundUp : id.contains("/down") ? .roundDown : .nearest
        let results: [(UInt64, UInt64, UInt64)] = zip(input, output).map { i, o in
            (i, UInt64(ONNXCast.encode(Float(bitPattern: UInt32(truncatingIfNeeded: i)), to: f, saturate: saturate, e8m0Rounding: rounding)) & mask, o & mask)
        }
        let (n, sample) = Self.compare(results)
        #expect(n == 0, "\(id): \(n) mismatches: \(sample)")
    }

    @Test(arguments: e8m0IDs)
    func e8m0ScaleRules(id: String) throws {
        let (_, input, output) = try io(id)
        let encode: (Float) -> UInt8
        switch id {
        case "e8m0/ml_dtypes_nearest": encode = { UInt8(truncatingIfNeeded: ScalarFormat(.float8_e8m0fnu)?.encode($0, overflow: .mlDtypes) ?? 0) }
        case "e8m0/ocp_mx_floor": encode = { E8M0.encode($0, rule: .floor) }
        case "e8m0/transformer_engine_ceil": encode = { E8M0.encode($0, rule: .transformerEngineCeil) }
        case "e8m0/modelopt_ceil": encode = { E8M0.encode($0, rule: .modelOptCeil) }
        default:
            let rounding: E8M0Rounding = id.contains("_up") ? .roundUp : id.contains("_down") ? .roundDown : .nearest
            let saturate = !id.hasSuffix("nosaturate")
            encode = { E8M0.encode($0, rounding: rounding, saturate: saturate) }
        }
        let (n, sample) = Self.compare(zip(input, output).map { i, o in (i, UInt64(encode(Float(bitPattern: UInt32(truncatingIfNeeded: i)))), o & 0xFF) })
        #expect(n == 0, "\(id): \(n) mismatches: \(sample)")
    }

    @Test func everyDTypeOfEightBitsOrFewerHasADecodeTable() {
        for d in DType.allCases where (d.bits ?? 64) <= 8 && d.traits.family != .bool {
            #expect(ScalarFormat(d)?.decodeTable?.count == 256, "\(d)")
        }
    }
}
