/// A worker's magnitude histogram (``TensorStatistics/magnitudes``: 2,048 buckets of the float32
/// exponent and top 3 mantissa bits) kept as four interleaved copies, so that neighbouring values
/// falling in the same bucket do not wait on each other's increment; ``fold(into:)`` adds them.
struct MagnitudeHistogram {
    static let buckets = 2048
    /// Four copies of 2,048 counters, copy k at `counts + k * 2048`.
    let counts: UnsafeMutablePointer<UInt64>

    init() {
        counts = .allocate(capacity: 4 * Self.buckets)
        counts.initialize(repeating: 0, count: 4 * Self.buckets)
    }

    /// Frees the counters (call once, after ``fold(into:)``).
    func deallocate() { counts.deallocate() }

    /// Counts one float32 bit pattern in copy `k` (0…3).
    @inline(__always) func add(_ bits: UInt32, copy k: Int) {
        counts[k &* 2048 &+ Int((bits &>> 20) & 0x7FF)] &+= 1
    }

    /// The total of buckets `range` over the four copies.
    func total(_ range: Range<Int>) -> UInt64 {
        var sum: UInt64 = 0
        for k in 0..<4 { for b in range { sum &+= counts[k * 2048 + b] } }
        return sum
    }

    /// Adds the four copies into `magnitudes` (2,048 entries).
    func fold(into magnitudes: inout [UInt64]) {
        for b in 0..<Self.buckets {
            magnitudes[b] &+= counts[b] &+ counts[2048 + b] &+ counts[4096 + b] &+ counts[6144 + b]
        }
    }
}
