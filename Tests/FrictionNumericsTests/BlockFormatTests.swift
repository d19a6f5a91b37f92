import FrictionCore
import FrictionNumerics
import FrictionTestSupport
import Testing

/// OCP MX (MXFP8/6/4) and NVFP4 block quantization against the reference vectors
/// (fixtures/numerics/blocks: the OCP MX v1.0 rule, and a float32 port of ModelOpt's NVFP4):
/// scales, element codes, packing and dequantized values, bit for bit.
@Suite struct BlockFormatTests {
    static let tables = NumericsTables.shared
    static let mx = tables.tables(kind: "block").compactMap { $0["id"]?.stringValue }.filter { $0.contains("/mx_") }
    static let nvfp4 = tables.tables(kind: "block").compactMap { $0["id"]?.stringValue }.filter { $0.contains("nvfp4") }

    func array(_ table: JSONValue, _ role: String) -> [UInt64] {
        guard let f = table["arrays"]?[role]?["file"], let a = table["arrays"]?[role]?["array"] else { return [] }
        return Self.tables.values(.array([.object([("file", f), ("array", a)])]))
    }

    func floats(_ table: JSONValue, _ role: String) -> [Float] { array(table, role).map { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) } }
    func bytes(_ table: JSONValue, _ role: String) -> [UInt8] { array(table, role).map { UInt8(truncatingIfNeeded: $0) } }

    static let formats: [String: MXFormat] = [
        "blocks/mx_fp8_e4m3": .mxfp8E4M3, "blocks/mx_fp8_e5m2": .mxfp8E5M2, "blocks/mx_fp6_e2m3": .mxfp6E2M3,
        "blocks/mx_fp6_e3m2": .mxfp6E3M2, "blocks/mx_fp4_e2m1": .mxfp4,
    ]

    @Test(arguments: mx)
    func mxQuantizeAndDequantize(id: String) throws {
        let table = try #require(Self.tables.table(id))
        let format = try #require(Self.formats[id])
        let input = floats(table, "input")
        let t = format.quantize(input, layout: .onePerByte)
        #expect(t.scales == bytes(table, "scales"), "\(id) scales")
        #expect(t.data == bytes(table, "codes"), "\(id) codes")
        let dense = format.quantize(input, layout: .dense)
        if table["arrays"]?["packed"] != nil { #expect(dense.data == bytes(table, "packed"), "\(id) packed") }
        let values = try t.scales.withUnsafeBytes { s in try t.data.withUnsafeBytes { d in try format.dequantize(scales: s, data: d, count: input.count, layout: .onePerByte) } }
        let expected = floats(table, "dequant")
        #expect(values.count == expected.count)
        #expect(zip(values, expected).filter { $0.bitPattern != $1.bitPattern && !($0.isNaN && $1.isNaN) }.count == 0, "\(id) dequant")
        let away = format.quantize(input, rounding: .nearestAway, layout: .onePerByte)
        #expect(away.data == bytes(table, "codes_half_away"), "\(id) ties-away codes (microxcaling)")
    }

    @Test(arguments: nvfp4)
    func nvfp4LikeModelOpt(id: String) throws {
        let table = try #require(Self.tables.table(id))
        let input = floats(table, "input")
        let global = try #require(floats(table, "global_scale").first)
        let t = NVFP4.quantize(input, globalScale: global)
        #expect(t.blockScales == bytes(table, "block_scale"), "\(id) block scales")
        #expect(t.data == bytes(table, "packed"), "\(id) packed codes")
        let values = try t.dequantized()
        let expected = floats(table, "dequant")
        #expect(values.count == expected.count)
        #expect(zip(values, expected).filter { $0.bitPattern != $1.bitPattern && !($0.isNaN && $1.isNaN) }.count == 0, "\(id) dequant")
    }
}

/// Bulk conversion agrees with the exact per-element conversions for every format and packing.
@Suite struct BulkConvertTests {
    static let formats = DType.allCases.filter { ($0.bits ?? 64) <= 16 && $0.traits.family != .bool && ScalarFormat($0) != nil }

    @Test(arguments: formats)
    func bulkDecodeAndEncodeMatchScalar(type: DType) throws {
        let f = try #require(ScalarFormat(type))
        var g = SplitMix64(seed: UInt64(f.bits) &* 977)
        let values: [Float] = (0..<1001).map { _ in Float(Int64(bitPattern: g.next() % 20001) - 10000) / 100 }
        for layout in CodeLayout.allCases where !(f.bits == 16 && layout == .onePerByte) {
            let packed = values.withUnsafeBufferPointer { f.encode($0, overflow: .saturate, layout: layout) }
            let decoded = try packed.withUnsafeBytes { try f.decode($0, count: values.count, layout: layout) }
            let scalar = values.map { f.decode(f.encode($0, overflow: .saturate)) }
            let a: [UInt32] = decoded.map { $0.bitPattern }, b: [UInt32] = scalar.map { $0.bitPattern }
            #expect(a == b, "\(type) \(layout)")
        }
    }
}
