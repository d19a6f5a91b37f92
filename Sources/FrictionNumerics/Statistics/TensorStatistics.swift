import FrictionCore

/// Streaming statistics of one tensor's values, mergeable across chunks and threads.
public struct TensorStatistics: Sendable, Equatable {
    public var count: UInt64 = 0
    public var nan: UInt64 = 0
    public var positiveInfinity: UInt64 = 0
    public var negativeInfinity: UInt64 = 0
    public var zeros: UInt64 = 0
    public var subnormals: UInt64 = 0
    public var min: Float = .infinity
    public var max: Float = -.infinity
    /// Sum and sum of squares of the finite values.
    public var sum: Double = 0
    public var sumOfSquares: Double = 0
    /// Counts by magnitude bucket: the float32 exponent field and the top 3 mantissa bits
    /// (`bits >> 20 & 0x7FF`), eight buckets per binade; buckets 0…7 hold zeros and subnormals,
    /// 2040…2047 infinities and NaNs.
    public var magnitudes: [UInt64] = Array(repeating: 0, count: 2048)

    /// Counts per binade (float32 exponent field), derived from ``magnitudes``.
    public var exponents: [UInt64] {
        (0..<256).map { e in magnitudes[(e * 8)..<(e * 8 + 8)].reduce(0, +) }
    }
    /// N:M sparsity along the last (reduction) axis: groups checked and groups conforming.
    public var sparsityGroups: UInt64 = 0
    public var sparsityConforming: UInt64 = 0

    public init() {}

    public var finite: UInt64 { count - nan - positiveInfinity - negativeInfinity }
    public var absMax: Float { finite == 0 ? 0 : Swift.max(abs(min), abs(max)) }
    public var mean: Double { finite == 0 ? 0 : sum / Double(finite) }
    public var rms: Double { finite == 0 ? 0 : (sumOfSquares / Double(finite)).squareRoot() }
    /// Fraction of N:M groups that conform (nil when no group was checked).
    public var sparsityConformance: Double? { sparsityGroups == 0 ? nil : Double(sparsityConforming) / Double(sparsityGroups) }

    /// Combines statistics of two disjoint parts of a tensor.
    public mutating func merge(_ o: TensorStatistics) {
        count += o.count
        nan += o.nan
        positiveInfinity += o.positiveInfinity
        negativeInfinity += o.negativeInfinity
        zeros += o.zeros
        subnormals += o.subnormals
        min = Swift.min(min, o.min)
        max = Swift.max(max, o.max)
        sum += o.sum
        sumOfSquares += o.sumOfSquares
        for i in 0..<2048 { magnitudes[i] += o.magnitudes[i] }
        sparsityGroups += o.sparsityGroups
        sparsityConforming += o.sparsityConforming
    }

    /// The bucket of a positive float32 magnitude.
    static func bucket(_ v: Float) -> Int { Int((v.bitPattern >> 20) & 0x7FF) }

    /// Fraction of finite values whose magnitude × `scale` is at least `limit` (would overflow a
    /// format whose largest finite value is `limit`), from the magnitude histogram: values in
    /// buckets wholly above the threshold's bucket, plus that bucket when the threshold starts it —
    /// a lower bound, exact when the threshold is a bucket boundary.
    public func fractionAtOrAbove(_ limit: Float, scale: Float = 1) -> Double {
        guard finite > 0, limit > 0, scale > 0 else { return 0 }
        let threshold = limit / scale
        guard threshold.isFinite else { return 0 }
        let b = Self.bucket(threshold)
        let from = threshold.bitPattern & 0xF_FFFF == 0 ? b : b + 1
        let n = magnitudes[Swift.min(from, 2040)..<2040].reduce(0, +)
        return Double(n) / Double(finite)
    }

    /// Fraction of finite values whose magnitude × `scale` lies below `smallest` (flush to zero
    /// in a format whose smallest subnormal is `smallest`), zeros excluded; a lower bound as above.
    public func fractionBelow(_ smallest: Float, scale: Float = 1) -> Double {
        guard finite > 0, smallest > 0, scale > 0 else { return 0 }
        let threshold = smallest / scale
        guard threshold.isFinite else { return 0 }
        let below = magnitudes[0..<Swift.min(Swift.max(Self.bucket(threshold), 0), 2040)].reduce(0, +) - zeros
        return Double(below) / Double(finite)
    }

    /// The median magnitude of the finite values, as the lower edge of its histogram bucket
    /// (within 1/8 of a binade).
    public var medianMagnitude: Float {
        guard finite > 0 else { return 0 }
        var seen: UInt64 = 0
        for b in 0..<2040 {
            seen += magnitudes[b]
            if seen * 2 >= finite { return Float(bitPattern: UInt32(b) << 20) }
        }
        return absMax
    }
}
