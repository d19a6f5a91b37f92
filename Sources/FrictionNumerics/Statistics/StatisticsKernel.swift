/// The inner loop: statistics of little-endian float32 values. Integer work on the bit pattern
/// classifies each value (NaN, ±Inf, zero, subnormal) and picks its magnitude bucket; finite
/// values feed min/max and Float partial sums that are folded into Double every chunk.
struct StatisticsKernel {
    /// Group size and minimum zeros per group for N:M sparsity (2:4 → m 4, zeros 2), if checked.
    var sparsity: (m: Int, zeros: Int)?

    /// Accumulates `n` values starting at `raw` (no alignment needed); `h` has 2048 buckets.
    func accumulate(_ raw: UnsafeRawPointer, count n: Int, into s: inout TensorStatistics, histogram h: UnsafeMutablePointer<UInt64>) {
        guard n > 0 else { return }
        var nan: UInt64 = 0, posInf: UInt64 = 0, negInf: UInt64 = 0, zeros: UInt64 = 0, subnormals: UInt64 = 0
        var lo = Float.infinity, hi = -Float.infinity
        var sum = 0.0, sq = 0.0
        var start = 0
        while start < n {
            let end = min(n, start + 4096)
            var fsum0: Float = 0, fsum1: Float = 0, fsq0: Float = 0, fsq1: Float = 0
            var i = start
            while i < end {
                let b = raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)
                h[Int((b &>> 20) & 0x7FF)] &+= 1
                let mag = b & 0x7FFF_FFFF
                if mag >= 0x7F80_0000 {
                    if mag > 0x7F80_0000 { nan &+= 1 } else if b >> 31 == 1 { negInf &+= 1 } else { posInf &+= 1 }
                } else {
                    let f = Float(bitPattern: b)
                    zeros &+= mag == 0 ? 1 : 0
                    subnormals &+= (mag != 0 && mag < 0x0080_0000) ? 1 : 0
                    lo = f < lo ? f : lo
                    hi = f > hi ? f : hi
                    if i & 1 == 0 { fsum0 += f; fsq0 += f * f } else { fsum1 += f; fsq1 += f * f }
                }
                i &+= 1
            }
            sum += Double(fsum0) + Double(fsum1)
            sq += Double(fsq0) + Double(fsq1)
            start = end
        }
        s.count &+= UInt64(n)
        s.nan &+= nan
        s.positiveInfinity &+= posInf
        s.negativeInfinity &+= negInf
        s.zeros &+= zeros
        s.subnormals &+= subnormals
        s.min = Swift.min(s.min, lo)
        s.max = Swift.max(s.max, hi)
        s.sum += sum
        s.sumOfSquares += sq
        if let sparsity {
            var g = 0
            while g + sparsity.m <= n {
                var z = 0
                for k in 0..<sparsity.m where raw.loadUnaligned(fromByteOffset: (g + k) * 4, as: UInt32.self) & 0x7FFF_FFFF == 0 { z += 1 }
                s.sparsityGroups &+= 1
                if z >= sparsity.zeros { s.sparsityConforming &+= 1 }
                g += sparsity.m
            }
        }
    }
}
