/// SplitMix64, a small seedable 64-bit generator (Steele, Lea & Flood 2014; the seeding generator
/// of Java's `SplittableRandom` and of xoshiro).
///
/// Deterministic for a given seed on every platform, so stochastic rounding is reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The internal state; the next output is a function of it alone.
    public private(set) var state: UInt64

    /// A generator whose first output depends only on `seed`.
    ///
    /// - Parameter seed: Any 64-bit value, zero included.
    public init(seed: UInt64) { state = seed }

    /// The next 64 uniformly distributed bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Rounds up with probability exactly equal to the discarded fraction, drawing as many random
/// words as that takes (one, except for values far below the smallest subnormal).
struct StochasticRounder<G: RandomNumberGenerator>: MagnitudeRounder {
    var generator: G

    mutating func round(_ significand: UInt64, shift: Int) -> UInt64 {
        guard shift >= 64 else { return add(significand, below: shift) }
        return roundsUp(significand, shift: shift) ? 1 : 0
    }

    /// `(significand + r) >> shift` for `r` uniform in `[0, 2^shift)`; `shift` is 0…63.
    private mutating func add(_ significand: UInt64, below shift: Int) -> UInt64 {
        guard shift > 0 else { return significand }
        let random = generator.next() & ((1 << UInt64(shift)) - 1)
        return (significand + random) >> UInt64(shift)
    }

    /// Whether a uniform U in [0, 1) is below `significand · 2^-shift`, for `shift ≥ 64`, reading
    /// U 64 bits at a time.
    private mutating func roundsUp(_ significand: UInt64, shift: Int) -> Bool {
        var shift = shift
        // While the threshold is below 2^-64, U is below it only if its next 64 bits are all zero.
        while shift >= 64 + 53 {
            if generator.next() != 0 { return false }
            shift -= 64
        }
        if shift < 64 { return add(significand, below: shift) != 0 }
        let extra = shift - 64
        let whole = significand >> UInt64(extra)
        let word = generator.next()
        if word != whole { return word < whole }
        let remainder = significand & ((1 << UInt64(extra)) - 1)
        return add(remainder, below: extra) != 0
    }
}

extension ScalarFormat {
    /// Encodes a `Float` with stochastic rounding: the result is one of the two representable
    /// neighbours of `value`, the upper one (in magnitude) with probability equal to the fractional
    /// distance `(|value| − lower) / (upper − lower)`, exactly.
    ///
    /// Representable values are returned unchanged without consuming randomness beyond one draw.
    /// Values beyond the range, infinities and NaNs follow `overflow`; the default `.saturate`
    /// matches PTX `cvt.rs.satfinite`.
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - overflow: What to do with values the format cannot represent.
    ///   - generator: The source of randomness, e.g. ``SplitMix64``.
    /// - Returns: The code, in the low ``bits`` bits.
    public func encodeStochastic<G: RandomNumberGenerator>(
        _ value: Float, overflow: OverflowMode = .saturate, using generator: inout G
    ) -> UInt32 {
        var rounder = StochasticRounder(generator: generator)
        defer { generator = rounder.generator }
        return encode(value, overflow: overflow, rounder: &rounder)
    }

    /// Encodes a `Double` with stochastic rounding, exactly as the `Float` overload
    /// does for `Float` (the probability uses the double's exact value).
    ///
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - overflow: What to do with values the format cannot represent.
    ///   - generator: The source of randomness.
    /// - Returns: The code, in the low ``bits`` bits.
    public func encodeStochastic<G: RandomNumberGenerator>(
        _ value: Double, overflow: OverflowMode = .saturate, using generator: inout G
    ) -> UInt32 {
        var rounder = StochasticRounder(generator: generator)
        defer { generator = rounder.generator }
        return encode(value, overflow: overflow, rounder: &rounder)
    }
}
