import FrictionCore
import FrictionNumerics
import Testing

/// The statistics scan against values computed directly in the test (plain loops in Double).
@Suite struct StatisticsTests {
    func scan(_ values: [Float], sparsity: (Int, Int)? = nil, threads: Int = 2) -> TensorStatistics? {
        values.withUnsafeBytes { StatisticsScanner.scan($0, type: .float32, count: values.count, sparsity: sparsity, threads: threads) }
    }

    @Test func countsSpecialsAndMoments() throws {
        var values: [Float] = (0..<100_003).map { Float(($0 % 97) - 48) * 0.25 }
        values[5] = .nan
        values[17] = .infinity
        values[99_999] = -.infinity
        values[1000] = .leastNonzeroMagnitude
        let s = try #require(scan(values))
        let finite = values.filter(\.isFinite)
        #expect(s.count == 100_003)
        #expect(s.nan == 1 && s.positiveInfinity == 1 && s.negativeInfinity == 1)
        #expect(s.zeros == UInt64(finite.filter { $0 == 0 }.count))
        #expect(s.subnormals == 1)
        #expect(s.min == finite.min() && s.max == finite.max())
        let sum = finite.reduce(0.0) { $0 + Double($1) }
        #expect(abs(s.sum - sum) <= 1e-6 * max(1, abs(sum)) + 1e-3)
        #expect(s.exponents.reduce(0, +) == s.count)
        #expect(s.magnitudes.reduce(0, +) == s.count)
        #expect(s.exponents[255] == 3)
    }

    /// The float32 fast pass (no NaN/Inf in a chunk: counts from the buckets, zeros counted only
    /// when the zero bucket moved) against a direct loop, with tails that are not a multiple of 8
    /// and one chunk that holds NaN/Inf (the exact path).
    @Test(arguments: [0, 1])
    func float32FastPathMatchesADirectLoop(specialChunk: Int) throws {
        var x: UInt32 = 99
        var values: [Float] = (0..<(3 * 16_384 + 13)).map { i in
            x = x &* 1_664_525 &+ 1_013_904_223
            switch x >> 28 {
            case 0: return 0
            case 1: return -0.0
            case 2: return Float(bitPattern: x & 0x807F_FFFF | 1)          // subnormal
            default: return Float(Int32(bitPattern: x) >> 8) * 1e-6
            }
        }
        for g in stride(from: 16_384 * 2, to: 16_384 * 2 + 4000, by: 4) { values[g] = 0; values[g + 1] = 0 }
        // Chunk 1 holds no zero (the no-zero paths, fast or, with NaN/Inf, exact).
        for i in 16_384..<(2 * 16_384) where values[i] == 0 { values[i] = 1 }
        if specialChunk == 1 { values[20_000] = .nan; values[20_001] = -.infinity }
        for threads in [1, 2] {
            let s = try #require(scan(values, sparsity: (2, 4), threads: threads))
            let finite = values.filter(\.isFinite)
            #expect(s.count == UInt64(values.count))
            #expect(s.nan == UInt64(specialChunk) && s.negativeInfinity == UInt64(specialChunk))
            #expect(s.zeros == UInt64(finite.filter { $0 == 0 }.count))
            #expect(s.subnormals == UInt64(finite.filter(\.isSubnormal).count))
            #expect(s.min == finite.min() && s.max == finite.max())
            var magnitudes = [UInt64](repeating: 0, count: 2048)
            for v in values { magnitudes[Int((v.bitPattern >> 20) & 0x7FF)] += 1 }
            #expect(s.magnitudes == magnitudes)
            let groups = values.count / 4
            let conforming = (0..<groups).filter { g in (0..<4).filter { values[g * 4 + $0] == 0 }.count >= 2 }.count
            #expect(s.sparsityGroups == UInt64(groups) && s.sparsityConforming == UInt64(conforming))
            let sum = finite.reduce(0.0) { $0 + Double($1) }, absSum = finite.reduce(0.0) { $0 + abs(Double($1)) }
            let sq = finite.reduce(0.0) { $0 + Double($1) * Double($1) }
            #expect(abs(s.sum - sum) <= 1e-6 * absSum)
            #expect(abs(s.sumOfSquares - sq) <= 1e-6 * sq)
        }
    }

    @Test func hugeFiniteValuesKeepFiniteMoments() throws {
        // 3e30² overflows float32; the scan must not report rms = inf for finite weights.
        let values: [Float] = (0..<10_000).map { $0 % 3 == 0 ? 3e30 : ($0 % 3 == 1 ? -3e30 : 1) }
        let s = try #require(scan(values))
        let finite = values.map(Double.init)
        let sum = finite.reduce(0, +), sq = finite.reduce(0) { $0 + $1 * $1 }
        #expect(s.rms.isFinite && s.mean.isFinite)
        #expect(abs(s.sumOfSquares - sq) <= 1e-9 * sq)
        #expect(abs(s.sum - sum) <= 1e-9 * sq.squareRoot())
    }

    /// Workers take contiguous runs of chunks and sums are added per chunk (or per code) in one
    /// order: every statistic, sums included, is bit-identical for any number of threads.
    @Test(arguments: [DType.float32, .bfloat16, .float16])
    func threadsDoNotChangeTheResult(type: DType) throws {
        let values: [Float] = (0..<200_001).map { Float(($0 * 7919) % 20011) * 1.37 - 10005.5 }
        let bytes: [UInt8] = switch type {
        case .bfloat16: values.flatMap { v -> [UInt8] in let b = UInt16(v.bitPattern >> 16); return [UInt8(b & 0xFF), UInt8(b >> 8)] }
        case .float16: values.flatMap { v -> [UInt8] in let b = Float16(v).bitPattern; return [UInt8(b & 0xFF), UInt8(b >> 8)] }
        default: values.withUnsafeBytes { Array($0) }
        }
        let results = try [1, 2, 3, 5, 13].map { threads in
            try #require(bytes.withUnsafeBytes { StatisticsScanner.scan($0, type: type, count: values.count, sparsity: (2, 4), threads: threads) })
        }
        for r in results.dropFirst() {
            #expect(r == results[0])
            #expect(r.sum.bitPattern == results[0].sum.bitPattern && r.sumOfSquares.bitPattern == results[0].sumOfSquares.bitPattern)
        }
        #expect(results[0].count == 200_001)
        // No value is zero: every 2:4 group is counted, none conforms (the no-zero chunk path).
        #expect(results[0].zeros == 0 && results[0].sparsityGroups == 50_000 && results[0].sparsityConforming == 0)
    }

    @Test func blockScanDoesNotDependOnThreads() throws {
        // Blocks of 32 int8 codes with a float32 scale (36 bytes): decode is code × scale.
        let blocks = 5_000
        var bytes = [UInt8](repeating: 0, count: blocks * 36)
        for b in 0..<blocks {
            withUnsafeBytes(of: Float(b % 17 + 1) * 0.013) { for k in 0..<4 { bytes[b * 36 + k] = $0[k] } }
            for k in 0..<32 { bytes[b * 36 + 4 + k] = UInt8(truncatingIfNeeded: (b * 31 + k * 7) % 255) }
        }
        let decode: @Sendable (UnsafeRawBufferPointer, inout [Float]) -> Bool = { slice, out in
            for b in 0..<(slice.count / 36) {
                let scale = slice.loadUnaligned(fromByteOffset: b * 36, as: Float.self)
                for k in 0..<32 { out.append(Float(Int8(bitPattern: slice[b * 36 + 4 + k])) * scale) }
            }
            return true
        }
        let results = try [1, 2, 4, 7].map { threads in
            try #require(bytes.withUnsafeBytes { StatisticsScanner.scanBlocks($0, blockBytes: 36, blockElements: 32, threads: threads, decode: decode) })
        }
        for r in results.dropFirst() { #expect(r == results[0] && r.sum.bitPattern == results[0].sum.bitPattern) }
        #expect(results[0].count == UInt64(blocks * 32))
    }

    /// 16-bit chunks without a zero code skip the N:M group check; chunks with zeros count groups exactly.
    @Test func sixteenBitSparsityWithAndWithoutZeros() throws {
        let n = 3 * 16_384
        var codes = [UInt16](repeating: 0x3F80, count: n)  // bfloat16 1.0
        for g in 0..<(n / 4) where g / 4096 != 1 {        // chunks 0 and 2 are 2:4 sparse, chunk 1 dense
            if g % 5 != 0 { codes[g * 4] = 0; codes[g * 4 + 3] = 0x8000 } else { codes[g * 4] = 0 }
        }
        let expected = (0..<(n / 4)).filter { g in (0..<4).filter { codes[g * 4 + $0] & 0x7FFF == 0 }.count >= 2 }.count
        for threads in [1, 2, 3] {
            let s = try #require(codes.withUnsafeBytes { StatisticsScanner.scan($0, type: .bfloat16, count: n, sparsity: (2, 4), threads: threads) })
            #expect(s.sparsityGroups == UInt64(n / 4))
            #expect(s.sparsityConforming == UInt64(expected))
        }
        #expect(expected > 0 && expected < n / 4)
    }

    @Test func bfloat16AndFloat16DecodeLikeFloat32() throws {
        let values: [Float] = (0..<5000).map { Float($0 - 2500) / 7 }
        let bf16: [UInt16] = values.map { UInt16($0.bitPattern >> 16) }
        let f16: [UInt16] = values.map { Float16($0).bitPattern }
        let b = try #require(bf16.withUnsafeBytes { StatisticsScanner.scan($0, type: .bfloat16, count: bf16.count) })
        let h = try #require(f16.withUnsafeBytes { StatisticsScanner.scan($0, type: .float16, count: f16.count) })
        #expect(b.min == Float(bitPattern: values.min()!.bitPattern & 0xFFFF_0000))
        #expect(h.max == Float(Float16(values.max()!)))
        #expect(b.count == 5000 && h.count == 5000)
    }

    /// 16-bit formats are counted by code; every statistic must equal the float32 scan of the
    /// widened values (sums: within Double rounding of a direct Double loop).
    @Test(arguments: [DType.bfloat16, .float16], [(2, 4), (3, 8)])
    func sixteenBitCodesMatchTheFloat32Scan(type: DType, sparsity: (Int, Int)) throws {
        var x: UInt32 = 12345
        var codes: [UInt16] = (0..<(3 * 16_384 + 8)).map { i in
            x = x &* 1_664_525 &+ 1_013_904_223
            return i < 65_536 ? UInt16(truncatingIfNeeded: i &* 40_503) : UInt16(truncatingIfNeeded: x >> 16)
        }
        for g in stride(from: 0, to: codes.count - 8, by: 24) { codes[g] = 0; codes[g + 1] = 0x8000; codes[g + 2] = 0 }
        let widened: [Float] = codes.map { type == .bfloat16 ? Float(bitPattern: UInt32($0) << 16) : Float(Float16(bitPattern: $0)) }
        for threads in [1, 2] {
            let a = try #require(codes.withUnsafeBytes { StatisticsScanner.scan($0, type: type, count: codes.count, sparsity: sparsity, threads: threads) })
            let b = try #require(scan(widened, sparsity: sparsity, threads: threads))
            #expect(a.count == b.count && a.nan == b.nan && a.positiveInfinity == b.positiveInfinity && a.negativeInfinity == b.negativeInfinity)
            #expect(a.zeros == b.zeros && a.subnormals == b.subnormals)
            #expect(a.min == b.min && a.max == b.max)
            #expect(a.magnitudes == b.magnitudes)
            #expect(a.sparsityGroups == b.sparsityGroups && a.sparsityConforming == b.sparsityConforming && a.sparsityGroups > 0)
            let finite = widened.filter(\.isFinite).map(Double.init)
            let sum = finite.reduce(0, +), absSum = finite.reduce(0) { $0 + abs($1) }, sq = finite.reduce(0) { $0 + $1 * $1 }
            #expect(abs(a.sum - sum) <= 1e-12 * absSum)
            #expect(abs(a.sumOfSquares - sq) <= 1e-12 * sq)
        }
    }

    @Test func twoFourSparsityAlongRows() throws {
        var values = [Float](repeating: 1, count: 64)
        for g in 0..<16 where g != 3 { values[g * 4] = 0; values[g * 4 + 2] = 0 }
        let s = try #require(scan(values, sparsity: (2, 4)))
        #expect(s.sparsityGroups == 16)
        #expect(s.sparsityConforming == 15)
    }

    @Test func overflowFractionsFromTheExponentHistogram() throws {
        let values: [Float] = [1, 2, 70000, -100000, 0.5, 1e-8, 60000]
        let s = try #require(scan(values))
        #expect(s.fractionAtOrAbove(65504) == 2.0 / 7, "60000 is below the FP16 limit and not counted")
        #expect(s.fractionAtOrAbove(448, scale: 0.01) == 3.0 / 7)
        #expect(s.fractionBelow(Float(Float16.leastNonzeroMagnitude)) == 1.0 / 7)
        #expect(s.medianMagnitude >= 1 && s.medianMagnitude <= 2)
    }

    @Test func refusesShortBuffersAndUnknownTypes() {
        let bytes: [UInt8] = [0, 0, 0]
        #expect(bytes.withUnsafeBytes { StatisticsScanner.scan($0, type: .float32, count: 1) } == nil)
        #expect(bytes.withUnsafeBytes { StatisticsScanner.scan($0, type: .float8_e4m3fn, count: 3) } == nil, "8-bit types need a lookup table")
    }
}
