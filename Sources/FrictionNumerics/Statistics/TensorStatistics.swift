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
    /// Counts by float32 exponent field (0 = zero/subnormal, 255 = inf/NaN): binary magnitude 2^(e-127).
    public var exponents: [UInt64] = Array(repeating: 0, count: 256)
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
        for i in 0..<256 { exponents[i] += o.exponents[i] }
        sparsityGroups += o.sparsityGroups
        sparsityConforming += o.sparsityConforming
    }

    /// Fraction of finite non-zero values whose magnitude × `scale` is at least `limit`
    /// (would overflow a format whose largest finite value is below `limit`), from the exponent
    /// histogram: exact at powers of two, conservative (counts the whole binade) between them.
    public func fractionAtOrAbove(_ limit: Float, scale: Float = 1) -> Double {
        guard finite > 0, limit > 0, scale > 0 else { return 0 }
        let threshold = limit / scale
        let from = Int(threshold.exponentBitPattern)
        let n = exponents[Swift.min(Swift.max(from, 1), 255)..<255].reduce(0, +)
        return Double(n) / Double(finite)
    }

    /// Fraction of finite values whose magnitude × `scale` falls below `smallest` (flush to zero
    /// in a format whose smallest subnormal is `smallest`), zeros excluded.
    public func fractionBelow(_ smallest: Float, scale: Float = 1) -> Double {
        guard finite > 0, smallest > 0, scale > 0 else { return 0 }
        let threshold = smallest / scale
        let e = Int(threshold.exponentBitPattern)
        let below = exponents[1..<Swift.min(Swift.max(e, 1), 255)].reduce(0, +) + subnormals
        return Double(below) / Double(finite)
    }
}
