/// Reads the float32 bit pattern of element `i` in place.
protocol BitLoader {
    static func load(_ raw: UnsafeRawPointer, _ i: Int) -> UInt32
}

enum Float32Bits: BitLoader {
    @inline(__always) static func load(_ raw: UnsafeRawPointer, _ i: Int) -> UInt32 { raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self) }
}

/// The inner loop: statistics from float32 bit patterns. Integer work on the bits classifies each
/// value (NaN, ±Inf, zero, subnormal) and picks its magnitude bucket; finite values feed
/// min/max and two Float partial sums each of the values and their squares, folded into Double every 4,096 values
/// (a chunk whose Float sums overflow is redone in Double). The sums of a call are returned, not
/// added to the statistics, so that callers can add the sums of fixed chunks in chunk order and
/// get the same result whatever the number of threads.
struct StatisticsKernel {
    /// Group size and minimum zeros per group for N:M sparsity (2:4 → m 4, zeros 2), if checked.
    var sparsity: (m: Int, zeros: Int)?

    /// Accumulates `n` float32 values at `raw` (no alignment needed) into everything but the sums,
    /// which it returns; `h` has 2048 buckets.
    func accumulate(_ raw: UnsafeRawPointer, count n: Int, into s: inout TensorStatistics,
                    histogram h: UnsafeMutablePointer<UInt64>) -> ChunkSums {
        run(Float32Bits.self, raw, n, &s, h)
    }

    @inline(__always)
    private func run<L: BitLoader>(_: L.Type, _ raw: UnsafeRawPointer, _ n: Int, _ s: inout TensorStatistics,
                                   _ h: UnsafeMutablePointer<UInt64>) -> ChunkSums {
        guard n > 0 else { return ChunkSums() }
        var special: UInt64 = 0, zeros: UInt64 = 0, subnormals: UInt64 = 0
        var lo = Float.infinity, hi = -Float.infinity
        var sum = 0.0, sq = 0.0
        var start = 0
        while start < n {
            let end = min(n, start + 4096)
            var a0: Float = 0, a1: Float = 0, q0: Float = 0, q1: Float = 0
            var i = start
            while i < end {
                let b = L.load(raw, i)
                h[Int((b &>> 20) & 0x7FF)] &+= 1
                let mag = b & 0x7FFF_FFFF
                if mag >= 0x7F80_0000 {
                    special &+= 1
                } else {
                    let f = Float(bitPattern: b)
                    zeros &+= mag == 0 ? 1 : 0
                    subnormals &+= (mag &- 1) < 0x007F_FFFF ? 1 : 0
                    lo = f < lo ? f : lo
                    hi = f > hi ? f : hi
                    if i & 1 == 0 { a0 += f; q0 += f * f } else { a1 += f; q1 += f * f }
                }
                i &+= 1
            }
            if (a0 + a1).isFinite && (q0 + q1).isFinite {
                sum += Double(a0) + Double(a1)
                sq += Double(q0) + Double(q1)
            } else {
                // Float partial sums overflowed (|x| above ~1.8e19): redo this chunk in Double.
                for k in start..<end {
                    let b = L.load(raw, k)
                    guard b & 0x7FFF_FFFF < 0x7F80_0000 else { continue }
                    let d = Double(Float(bitPattern: b))
                    sum += d
                    sq += d * d
                }
            }
            start = end
        }
        // Specials are rare: classify them in a second look only when there are any.
        if special > 0 {
            for i in 0..<n {
                let b = L.load(raw, i)
                let mag = b & 0x7FFF_FFFF
                guard mag >= 0x7F80_0000 else { continue }
                if mag > 0x7F80_0000 { s.nan &+= 1 } else if b >> 31 == 1 { s.negativeInfinity &+= 1 } else { s.positiveInfinity &+= 1 }
            }
        }
        s.count &+= UInt64(n)
        s.zeros &+= zeros
        s.subnormals &+= subnormals
        s.min = Swift.min(s.min, lo)
        s.max = Swift.max(s.max, hi)
        if let sparsity, zeros == 0, sparsity.zeros > 0 {
            // No zero in these values: no group can conform.
            s.sparsityGroups &+= UInt64(n / sparsity.m)
        } else if let sparsity {
            var g = 0
            while g + sparsity.m <= n {
                var z = 0
                for k in 0..<sparsity.m where L.load(raw, g + k) & 0x7FFF_FFFF == 0 { z += 1 }
                s.sparsityGroups &+= 1
                if z >= sparsity.zeros { s.sparsityConforming &+= 1 }
                g += sparsity.m
            }
        }
        return ChunkSums(sum: sum, squares: sq)
    }
}

/// The sum and sum of squares of one chunk's finite values.
struct ChunkSums {
    var sum = 0.0
    var squares = 0.0
}
