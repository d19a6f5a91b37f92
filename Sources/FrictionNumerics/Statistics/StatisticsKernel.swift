/// The inner loop: statistics from float32 values. One pass counts every value's magnitude bucket
/// and keeps SIMD min/max and Float partial sums of the values and their squares (folded into
/// Double every 4,096 values). Everything else comes from the bucket counts of the chunk: with no
/// value in the NaN/Inf buckets the fast results stand, zeros are counted (and N:M groups checked,
/// in the same pass) only when the zero bucket moved, and subnormals are the rest of the exponent-0
/// buckets. A chunk
/// holding NaN or Inf is redone by the exact scalar loop; one whose Float sums overflow has its
/// sums redone in Double. The sums of a call are returned, not added to the statistics, so that
/// callers can add the sums of fixed chunks in chunk order and get the same result whatever the
/// number of threads.
struct StatisticsKernel {
    /// Group size and minimum zeros per group for N:M sparsity (2:4 → m 4, zeros 2), if checked.
    var sparsity: (m: Int, zeros: Int)?

    /// Accumulates `n` float32 values at `raw` (no alignment needed) into `h` and everything in
    /// `s` but the sums, which it returns.
    func accumulate(_ raw: UnsafeRawPointer, count n: Int, into s: inout TensorStatistics, histogram h: MagnitudeHistogram) -> ChunkSums {
        guard n > 0 else { return ChunkSums() }
        let specialBefore = h.total(2040..<2048), zeroBefore = h.total(0..<1), tinyBefore = h.total(0..<8)
        var fast = Self.fastPass(raw, n, h)
        s.count &+= UInt64(n)
        let zeroBucket = h.total(0..<1) &- zeroBefore
        if h.total(2040..<2048) != specialBefore {
            fast = exact(raw, n, &s)
        } else {
            s.min = Swift.min(s.min, fast.min)
            s.max = Swift.max(s.max, fast.max)
            if !(fast.sums.sum.isFinite && fast.sums.squares.isFinite) { fast.sums = Self.doubleSums(raw, n) }
            let zeros = zeroBucket == 0 ? 0 : zerosAndGroups(raw, n, &s)
            if zeroBucket == 0 { countGroups(n, anyZero: false, &s) }
            s.zeros &+= zeros
            s.subnormals &+= (h.total(0..<8) &- tinyBefore) &- zeros
        }
        return fast.sums
    }

    /// Min, max and sums of a chunk without NaN or Inf.
    struct Fast {
        var min = Float.infinity
        var max = -Float.infinity
        var sums = ChunkSums()
    }

    /// Counts every value's bucket and keeps min, max and sums as if all values were finite.
    private static func fastPass(_ raw: UnsafeRawPointer, _ n: Int, _ h: MagnitudeHistogram) -> Fast {
        var lo0 = SIMD4<Float>(repeating: .infinity), lo1 = lo0
        var hi0 = SIMD4<Float>(repeating: -.infinity), hi1 = hi0
        var result = Fast()
        var start = 0
        while start < n {
            let end = Swift.min(n, start + 4096)
            var a0 = SIMD4<Float>(), a1 = a0, q0 = a0, q1 = a0
            var i = start
            while i + 8 <= end {
                let o = i &* 4
                let v0 = raw.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
                let v1 = raw.loadUnaligned(fromByteOffset: o &+ 16, as: SIMD4<Float>.self)
                let w0 = raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)
                let w1 = raw.loadUnaligned(fromByteOffset: o &+ 8, as: UInt64.self)
                let w2 = raw.loadUnaligned(fromByteOffset: o &+ 16, as: UInt64.self)
                let w3 = raw.loadUnaligned(fromByteOffset: o &+ 24, as: UInt64.self)
                h.add(UInt32(truncatingIfNeeded: w0), copy: 0)
                h.add(UInt32(truncatingIfNeeded: w0 &>> 32), copy: 1)
                h.add(UInt32(truncatingIfNeeded: w1), copy: 2)
                h.add(UInt32(truncatingIfNeeded: w1 &>> 32), copy: 3)
                h.add(UInt32(truncatingIfNeeded: w2), copy: 0)
                h.add(UInt32(truncatingIfNeeded: w2 &>> 32), copy: 1)
                h.add(UInt32(truncatingIfNeeded: w3), copy: 2)
                h.add(UInt32(truncatingIfNeeded: w3 &>> 32), copy: 3)
                a0 += v0
                a1 += v1
                q0 += v0 * v0
                q1 += v1 * v1
                // `replace(with:where:)` compiles to compare + blend; pointwiseMin is an outlined call.
                lo0.replace(with: v0, where: v0 .< lo0)
                lo1.replace(with: v1, where: v1 .< lo1)
                hi0.replace(with: v0, where: v0 .> hi0)
                hi1.replace(with: v1, where: v1 .> hi1)
                i &+= 8
            }
            var tail: Float = 0, tailSquares: Float = 0
            while i < end {
                let b = raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)
                h.add(b, copy: 0)
                let f = Float(bitPattern: b)
                tail += f
                tailSquares += f * f
                result.min = f < result.min ? f : result.min
                result.max = f > result.max ? f : result.max
                i &+= 1
            }
            let a = a0 + a1, q = q0 + q1
            result.sums.sum += (Double(a[0]) + Double(a[1])) + (Double(a[2]) + Double(a[3])) + Double(tail)
            result.sums.squares += (Double(q[0]) + Double(q[1])) + (Double(q[2]) + Double(q[3])) + Double(tailSquares)
            start = end
        }
        let lo = lo0.replacing(with: lo1, where: lo1 .< lo0), hi = hi0.replacing(with: hi1, where: hi1 .> hi0)
        for k in 0..<4 {
            result.min = lo[k] < result.min ? lo[k] : result.min
            result.max = hi[k] > result.max ? hi[k] : result.max
        }
        return result
    }

    /// The scalar loop for a chunk holding NaN or Inf: classifies every value (the histogram has
    /// been counted already).
    private func exact(_ raw: UnsafeRawPointer, _ n: Int, _ s: inout TensorStatistics) -> Fast {
        var result = Fast()
        var zeros: UInt64 = 0, subnormals: UInt64 = 0
        for i in 0..<n {
            let b = raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)
            let mag = b & 0x7FFF_FFFF
            if mag > 0x7F80_0000 {
                s.nan &+= 1
            } else if mag == 0x7F80_0000 {
                if b >> 31 == 1 { s.negativeInfinity &+= 1 } else { s.positiveInfinity &+= 1 }
            } else {
                let f = Float(bitPattern: b)
                zeros &+= mag == 0 ? 1 : 0
                subnormals &+= (mag &- 1) < 0x007F_FFFF ? 1 : 0
                result.min = f < result.min ? f : result.min
                result.max = f > result.max ? f : result.max
            }
        }
        s.zeros &+= zeros
        s.subnormals &+= subnormals
        s.min = Swift.min(s.min, result.min)
        s.max = Swift.max(s.max, result.max)
        result.sums = Self.doubleSums(raw, n)
        if zeros > 0 { _ = zerosAndGroups(raw, n, &s) } else { countGroups(n, anyZero: false, &s) }
        return result
    }

    /// Sums of the finite values in Double (chunks with NaN/Inf, or whose Float sums overflowed:
    /// |x| above ~1.8e19).
    private static func doubleSums(_ raw: UnsafeRawPointer, _ n: Int) -> ChunkSums {
        var sums = ChunkSums()
        for i in 0..<n {
            let b = raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)
            guard b & 0x7FFF_FFFF < 0x7F80_0000 else { continue }
            let d = Double(Float(bitPattern: b))
            sums.sum += d
            sums.squares += d * d
        }
        return sums
    }

    /// Nonzero float32 lanes (0, 1 or 2) in a word of two values: after masking the signs, adding
    /// 0x7FFFFFFF to a lane sets its bit 31 exactly when the lane is nonzero, with no carry out.
    @inline(__always) private static func nonzeroLanes(_ word: UInt64) -> Int {
        let magnitudes = word & 0x7FFF_FFFF_7FFF_FFFF
        let flags = ((magnitudes &+ 0x7FFF_FFFF_7FFF_FFFF) & 0x8000_0000_8000_0000) &>> 31
        return Int(truncatingIfNeeded: (flags &+ (flags &>> 32)) & 3)
    }

    /// Counts the values equal to ±0 and, when checked, the N:M groups and those that conform
    /// (a chunk with at least one zero; 2:4 groups two words at a time).
    private func zerosAndGroups(_ raw: UnsafeRawPointer, _ n: Int, _ s: inout TensorStatistics) -> UInt64 {
        var zeros = 0, conforming = 0
        if let sparsity, sparsity.m == 4, sparsity.zeros > 0 {
            let groups = n / 4
            for g in 0..<groups {
                let z = 4 &- Self.nonzeroLanes(raw.loadUnaligned(fromByteOffset: g &* 16, as: UInt64.self))
                           &- Self.nonzeroLanes(raw.loadUnaligned(fromByteOffset: g &* 16 &+ 8, as: UInt64.self))
                zeros &+= z
                conforming &+= z >= sparsity.zeros ? 1 : 0
            }
            for i in (groups * 4)..<n { zeros &+= raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self) & 0x7FFF_FFFF == 0 ? 1 : 0 }
            s.sparsityGroups &+= UInt64(groups)
            s.sparsityConforming &+= UInt64(conforming)
            return UInt64(zeros)
        }
        var i = 0
        while i + 2 <= n {
            zeros &+= 2 &- Self.nonzeroLanes(raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt64.self))
            i &+= 2
        }
        if i < n { zeros &+= raw.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self) & 0x7FFF_FFFF == 0 ? 1 : 0 }
        countGroups(n, anyZero: zeros > 0, &s, raw)
        return UInt64(zeros)
    }

    /// Counts N:M groups; without any zero no group can conform (unless none need to).
    private func countGroups(_ n: Int, anyZero: Bool, _ s: inout TensorStatistics, _ raw: UnsafeRawPointer? = nil) {
        guard let sparsity, sparsity.m > 0 else { return }
        let groups = n / sparsity.m
        s.sparsityGroups &+= UInt64(groups)
        if sparsity.zeros <= 0 {
            s.sparsityConforming &+= UInt64(groups)
            return
        }
        guard anyZero, let raw else { return }
        for g in 0..<groups {
            var z = 0
            for k in 0..<sparsity.m where raw.loadUnaligned(fromByteOffset: (g &* sparsity.m &+ k) &* 4, as: UInt32.self) & 0x7FFF_FFFF == 0 { z += 1 }
            if z >= sparsity.zeros { s.sparsityConforming &+= 1 }
        }
    }
}

/// The sum and sum of squares of one chunk's finite values.
struct ChunkSums {
    var sum = 0.0
    var squares = 0.0
}
