import FrictionCore

extension StatisticsScanner {
    /// Statistics of a block-quantized payload (ggml types): blocks are dequantized a chunk at a
    /// time into a small buffer by `decode`, on every core. `blockBytes`/`blockElements` give the
    /// block layout; `decode` returns false for malformed data (then the scan returns nil). Like
    /// ``scan(_:type:count:lookup:sparsity:threads:)``, the result does not depend on `threads`.
    public static func scanBlocks(_ bytes: UnsafeRawBufferPointer, blockBytes: Int, blockElements: Int, threads: Int? = nil,
                                  decode: @escaping @Sendable (UnsafeRawBufferPointer, inout [Float]) -> Bool) -> TensorStatistics? {
        guard blockBytes > 0, blockElements > 0, bytes.count % blockBytes == 0 else { return nil }
        let blocks = bytes.count / blockBytes
        let perChunk = max(1, chunk / blockElements)
        let chunks = (blocks + perChunk - 1) / perChunk
        let workers = ParallelFor.workers(threads: threads, chunks: chunks, elements: blocks * blockElements)
        var partials = [TensorStatistics?](repeating: TensorStatistics(), count: workers)
        let sums = UnsafeMutableBufferPointer<ChunkSums>.allocate(capacity: chunks)
        sums.initialize(repeating: ChunkSums())
        defer { sums.deallocate() }
        struct Shared: @unchecked Sendable {
            let bytes: UnsafeRawBufferPointer
            let results: UnsafeMutableBufferPointer<TensorStatistics?>
            let sums: UnsafeMutableBufferPointer<ChunkSums>
        }
        let kernel = StatisticsKernel(sparsity: nil)
        partials.withUnsafeMutableBufferPointer { results in
            let shared = Shared(bytes: bytes, results: results, sums: sums)
            ParallelFor.run(workers: workers) { w in
                var stats = TensorStatistics()
                let histogram = MagnitudeHistogram()
                defer { histogram.deallocate() }
                var buffer: [Float] = []
                buffer.reserveCapacity(perChunk * blockElements)
                for c in ParallelFor.share(chunks, worker: w, of: workers) {
                    let first = c * perChunk
                    let n = min(perChunk, blocks - first)
                    buffer.removeAll(keepingCapacity: true)
                    let slice = UnsafeRawBufferPointer(rebasing: shared.bytes[(first * blockBytes)..<((first + n) * blockBytes)])
                    guard decode(slice, &buffer) else { shared.results[w] = nil; return }
                    buffer.withUnsafeBytes { raw in
                        if let base = raw.baseAddress {
                            shared.sums[c] = kernel.accumulate(base, count: buffer.count, into: &stats, histogram: histogram)
                        }
                    }
                }
                histogram.fold(into: &stats.magnitudes)
                shared.results[w] = stats
            }
        }
        var total = TensorStatistics()
        for p in partials {
            guard let p else { return nil }
            total.merge(p)
        }
        for s in sums {
            total.sum += s.sum
            total.sumOfSquares += s.squares
        }
        return total
    }
}
