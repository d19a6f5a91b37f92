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

/// Encoding from Double (no double rounding through float32) and stochastic rounding.
@Suite struct DoubleAndStochasticTests {
    static let tables = NumericsTables.shared
    static let f64IDs = tables.tables(kind: "encode_f64").compactMap { $0["id"]?.stringValue }

    @Test(arguments: f64IDs)
    func encodeFromDoubleRoundsOnce(id: String) throws {
        let table = try #require(Self.tables.table(id))
        let f = try #require(table["format"]?.stringValue.flatMap(DType.init(rawValue:)).flatMap(ScalarFormat.init))
        let inputs = Self.tables.values(table["input"]).map { Double(bitPattern: $0) }
        let exact = Self.tables.values(table["output"]?["exact_rne"])
        #expect(!inputs.isEmpty && inputs.count == exact.count)
        let mask = UInt64((1 << f.bits) - 1)
        // E8M0 keeps ml_dtypes' rule for (2^-127, 2^-126): everything there goes to 2^-126
        // (documented on ScalarFormat.encode); elsewhere a double rounds once, exactly.
        let e8m0 = f.dtype == .float8_e8m0fnu
        let bad = zip(inputs, exact).filter { x, e in
            !(e8m0 && abs(x) > 0x1p-127 && abs(x) < 0x1p-126) && UInt64(f.encode(x, overflow: .mlDtypes)) & mask != e & mask
        }
        #expect(bad.isEmpty, "\(id): \(bad.count) mismatches vs exact RNE, first \(bad.prefix(3).map { "\($0.0)" })")
    }

    @Test func stochasticRoundingIsUnbiasedAndSeeded() throws {
        let f = try #require(ScalarFormat(.bfloat16))
        // 1 + 2^-9 lies a quarter of the way from 1.0 (0x3F80) to the next bfloat16 (0x3F81).
        let x = Float(1) + Float(sign: .plus, exponent: -9, significand: 1)
        var g = SplitMix64(seed: 7)
        var ups = 0
        let n = 40_000
        for _ in 0..<n { if f.encodeStochastic(x, using: &g) == 0x3F81 { ups += 1 } }
        let p = Double(ups) / Double(n)
        #expect(abs(p - 0.25) < 0.01, "rounded up \(p) of the time, expected 0.25")
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        let first = (0..<64).map { _ in f.encodeStochastic(x, using: &a) }
        let second = (0..<64).map { _ in f.encodeStochastic(x, using: &b) }
        #expect(first == second, "the same seed gives the same codes")
        var c = SplitMix64(seed: 1)
        #expect(f.encodeStochastic(Float(1), using: &c) == 0x3F80, "representable values never move")
    }
}
