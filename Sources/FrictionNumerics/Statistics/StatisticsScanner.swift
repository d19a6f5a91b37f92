import FrictionCore

/// Streams a tensor payload (memory-mapped bytes) through ``StatisticsKernel`` in chunks, on
/// every core: values are decoded chunk by chunk into a small buffer, never as a whole tensor;
/// float32 is read in place and 16-bit formats are counted by code (``CodeHistogram16``).
/// Each worker scans a contiguous run of chunks; sums are kept per chunk (or per code) and added
/// in one fixed order, so statistics do not depend on the number of threads.
public enum StatisticsScanner {
    /// Elements per chunk (a multiple of 16 and of every N:M group size).
    static let chunk = 1 << 14

    /// Statistics of `count` little-endian elements of `type` in `bytes`; nil if the type is not
    /// a numeric type this scanner decodes or the bytes are too short.
    /// `lookup` decodes 8-bit (or packed 4-bit, 16 entries) codes for formats without a native
    /// Swift type (float8, float4, int8 …); `sparsity` checks N:M groups along the last axis,
    /// which must then have a length divisible by m. `threads` nil uses every core (``ParallelFor/cores``)
    /// for large tensors; the result is the same, bit for bit, for any number of threads.
    public static func scan(_ bytes: UnsafeRawBufferPointer, type: DType, count: Int, lookup: [Float]? = nil,
                            sparsity: (n: Int, m: Int)? = nil, threads: Int? = nil) -> TensorStatistics? {
        guard count >= 0, let bits = type.bits else { return nil }
        let (need, overflow) = count.multipliedReportingOverflow(by: bits)
        guard !overflow, (need + 7) / 8 <= bytes.count else { return nil }
        /// nil for float32 (read in place) and the 16-bit formats (counted by code).
        let decoder: ((UnsafeRawBufferPointer, Int, Int, UnsafeMutableBufferPointer<Float>) -> Void)?
        /// 16-bit formats are counted by code (``CodeHistogram16``); this widens a code to float32 bits.
        let widen: (@Sendable (UInt16) -> UInt32)? = switch type {
        case .bfloat16: { UInt32($0) &<< 16 }
        case .float16: { Float(Float16(bitPattern: $0)).bitPattern }
        default: nil
        }
        switch (type, bits) {
        case (.float32, _), (.bfloat16, _), (.float16, _):
            decoder = nil
        case (.float64, _):
            decoder = { raw, start, n, out in
                for i in 0..<n { out[i] = Float(raw.loadUnaligned(fromByteOffset: (start + i) * 8, as: Double.self)) }
            }
        case (_, 8):
            guard let lookup, lookup.count == 256 else { return nil }
            decoder = { raw, start, n, out in
                lookup.withUnsafeBufferPointer { table in
                    for i in 0..<n { out[i] = table[Int(raw[start + i])] }
                }
            }
        case (_, 4):
            guard let lookup, lookup.count >= 16 else { return nil }
            decoder = { raw, start, n, out in
                lookup.withUnsafeBufferPointer { table in
                    for i in 0..<n {
                        let e = start + i
                        let byte = raw[e >> 1]
                        out[i] = table[Int(e & 1 == 0 ? byte & 0x0F : byte >> 4)]
                    }
                }
            }
        default:
            return nil
        }
        let kernel = StatisticsKernel(sparsity: sparsity.map { ($0.m, $0.m - $0.n) })
        let chunks = (count + chunk - 1) / chunk
        let workers = ParallelFor.workers(threads: threads, chunks: chunks, elements: count)
        var partials = [TensorStatistics](repeating: TensorStatistics(), count: workers)
        /// The sums of each chunk, added in chunk order at the end (float32 and decoded formats).
        let sums = UnsafeMutableBufferPointer<ChunkSums>.allocate(capacity: widen == nil ? chunks : 0)
        sums.initialize(repeating: ChunkSums())
        defer { sums.deallocate() }
        /// 16-bit formats: every worker's code counts, added before the one fold.
        let codeCounts = UnsafeMutableBufferPointer<CodeHistogram16?>.allocate(capacity: workers)
        codeCounts.initialize(repeating: nil)
        defer { codeCounts.deallocate() }
        /// Shared read-only inputs and disjoint result slots for the workers.
        struct Shared: @unchecked Sendable {
            let bytes: UnsafeRawBufferPointer
            let decoder: ((UnsafeRawBufferPointer, Int, Int, UnsafeMutableBufferPointer<Float>) -> Void)?
            let sixteenBit: Bool
            let results: UnsafeMutableBufferPointer<TensorStatistics>
            let sums: UnsafeMutableBufferPointer<ChunkSums>
            let codeCounts: UnsafeMutableBufferPointer<CodeHistogram16?>
        }
        partials.withUnsafeMutableBufferPointer { results in
            let shared = Shared(bytes: bytes, decoder: decoder, sixteenBit: widen != nil, results: results, sums: sums,
                                codeCounts: codeCounts)
            ParallelFor.run(workers: workers) { w in
                let bytes = shared.bytes, decoder = shared.decoder
                var stats = TensorStatistics()
                let histogram = MagnitudeHistogram()
                defer { histogram.deallocate() }
                let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: decoder == nil ? 0 : chunk)
                defer { buffer.deallocate() }
                var codes = shared.sixteenBit ? CodeHistogram16(sparsity: kernel.sparsity) : nil
                // Each worker takes a contiguous run of chunks: sequential reads, no shared pages.
                for c in ParallelFor.share(chunks, worker: w, of: workers) {
                    let start = c * chunk
                    let n = min(chunk, count - start)
                    if let decoder {
                        decoder(bytes, start, n, buffer)
                        if let b = buffer.baseAddress {
                            shared.sums[c] = kernel.accumulate(UnsafeRawPointer(b), count: n, into: &stats, histogram: histogram)
                        }
                    } else if let b = bytes.baseAddress {
                        if codes != nil {
                            codes?.count(b + start * 2, n)
                        } else {
                            shared.sums[c] = kernel.accumulate(b + start * 4, count: n, into: &stats, histogram: histogram)
                        }
                    }
                }
                if let codes {
                    stats.count = codes.values
                    stats.sparsityGroups = codes.sparsityGroups
                    stats.sparsityConforming = codes.sparsityConforming
                    shared.codeCounts[w] = codes
                }
                histogram.fold(into: &stats.magnitudes)
                shared.results[w] = stats
            }
        }
        var total = TensorStatistics()
        for p in partials { total.merge(p) }
        if let widen {
            let codeTotal = UnsafeMutablePointer<UInt64>.allocate(capacity: 65_536)
            codeTotal.initialize(repeating: 0, count: 65_536)
            defer { codeTotal.deallocate() }
            for case let codes? in codeCounts {
                codes.add(into: codeTotal)
                codes.deallocate()
            }
            CodeHistogram16.fold(codeTotal, widen: widen, into: &total)
        }
        for s in sums {
            total.sum += s.sum
            total.sumOfSquares += s.squares
        }
        return total
    }
}
