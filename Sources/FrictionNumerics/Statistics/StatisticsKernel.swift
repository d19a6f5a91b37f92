/// The SIMD inner loop: statistics of a buffer of Float values (a decoded chunk, or float32
/// data in place). Works 16 lanes at a time; the exponent histogram uses four interleaved
/// sub-histograms to keep the increments independent.
struct StatisticsKernel {
    /// Group size and minimum zeros per group for N:M sparsity (2:4 → m 4, zeros 2), if checked.
    var sparsity: (m: Int, zeros: Int)?

    /// Accumulates `n` little-endian float32 values starting at `raw` (no alignment needed).
    func accumulate(_ raw: UnsafeRawPointer, count n: Int, into s: inout TensorStatistics, histogram h: inout [UInt64]) {
        guard n > 0 else { return }
        func value(_ i: Int) -> Float { raw.loadUnaligned(fromByteOffset: i * 4, as: Float.self) }
        var nan: UInt64 = 0, posInf: UInt64 = 0, negInf: UInt64 = 0, zeros: UInt64 = 0, subnormals: UInt64 = 0
        let one = SIMD16<UInt32>(repeating: 1), none = SIMD16<UInt32>(repeating: 0)
        var cNaN = none, cZero = none, cSub = none
        var vmin = SIMD16<Float>(repeating: .infinity), vmax = SIMD16<Float>(repeating: -.infinity)
        var vsum = SIMD16<Float>(), vsq = SIMD16<Float>()
        var i = 0
        while i + 16 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            let bits = unsafeBitCast(v, to: SIMD16<UInt32>.self)
            let exp = (bits &>> 23) & 0xFF
            let mag = bits & 0x7FFF_FFFF
            let special = exp .== 255
            let finite = .!special
            if any(special) {
                let isNaN = special .& (mag .> 0x7F80_0000)
                let isInf = special .& (mag .== 0x7F80_0000)
                cNaN &+= none.replacing(with: one, where: isNaN)
                for lane in 0..<16 where isInf[lane] { if bits[lane] >> 31 == 1 { negInf &+= 1 } else { posInf &+= 1 } }
            }
            let isZero = mag .== 0
            cZero &+= none.replacing(with: one, where: isZero)
            let isSub: SIMDMask<SIMD16<Int32>> = (exp .== 0) .& .!isZero
            cSub &+= none.replacing(with: one, where: isSub)
            let f = v.replacing(with: 0, where: .!finite)
            vmin = pointwiseMin(vmin, v.replacing(with: .infinity, where: .!finite))
            vmax = pointwiseMax(vmax, v.replacing(with: -.infinity, where: .!finite))
            vsum += f
            vsq += f * f
            let buckets = (bits &>> 20) & 0x7FF
            for lane in 0..<16 { h[Int(buckets[lane]) &* 4 &+ (lane & 3)] &+= 1 }
            i += 16
        }
        nan &+= UInt64(cNaN.wrappedSum())
        zeros &+= UInt64(cZero.wrappedSum())
        subnormals &+= UInt64(cSub.wrappedSum())
        var tailMin = vmin.min(), tailMax = vmax.max()
        var sum = Double(vsum.sum()), sq = Double(vsq.sum())
        while i < n {
            let v = value(i)
            let bits = v.bitPattern
            h[Int((bits >> 20) & 0x7FF) * 4] &+= 1
            if v.isNaN { nan &+= 1 } else if v.isInfinite { if v < 0 { negInf &+= 1 } else { posInf &+= 1 } } else {
                if v == 0 { zeros &+= 1 } else if v.isSubnormal { subnormals &+= 1 }
                tailMin = Swift.min(tailMin, v)
                tailMax = Swift.max(tailMax, v)
                sum += Double(v)
                sq += Double(v) * Double(v)
            }
            i += 1
        }
        s.count &+= UInt64(n)
        s.nan &+= nan
        s.positiveInfinity &+= posInf
        s.negativeInfinity &+= negInf
        s.zeros &+= zeros
        s.subnormals &+= subnormals
        s.min = Swift.min(s.min, tailMin)
        s.max = Swift.max(s.max, tailMax)
        s.sum += sum
        s.sumOfSquares += sq
        if let sparsity {
            var g = 0
            while g + sparsity.m <= n {
                var z = 0
                for k in 0..<sparsity.m where value(g + k) == 0 { z += 1 }
                s.sparsityGroups &+= 1
                if z >= sparsity.zeros { s.sparsityConforming &+= 1 }
                g += sparsity.m
            }
        }
    }
}
