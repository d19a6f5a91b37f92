/// Arithmetic for values computed from file content: conversions from `Double` and sums that
/// saturate at the type's bounds (NaN becomes zero) where Swift's operators would trap.
extension Int64 {
    /// `d` truncated toward zero, saturated to `Int64.min...Int64.max`; NaN is 0.
    public init(saturating d: Double) {
        if d.isNaN { self = 0 } else if d >= 0x1p63 { self = .max } else if d <= -0x1p63 { self = .min } else { self = Int64(d) }
    }

    /// `self + other`, saturated at the type's bounds instead of trapping.
    public func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self - other`, saturated at the type's bounds instead of trapping.
    public func saturatingSubtract(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : difference
    }
}

extension UInt64 {
    /// `d` truncated toward zero, saturated to `0...UInt64.max`; NaN is 0.
    public init(saturating d: Double) {
        if d.isNaN || d <= 0 { self = 0 } else if d >= 0x1p64 { self = .max } else { self = UInt64(d) }
    }

    /// `self + other`, saturated at `UInt64.max` instead of trapping.
    public func saturatingAdd(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// `self * other`, saturated at `UInt64.max` instead of trapping.
    public func saturatingMultiply(_ other: UInt64) -> UInt64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}

extension Int {
    /// `d` truncated toward zero, saturated to `Int.min...Int.max`; NaN is 0.
    public init(saturating d: Double) { self = Int(Int64(saturating: d)) }
}

extension BinaryInteger {
    /// ceil(self / divisor) for `self` ≥ 0 and `divisor` > 0, without the `self + divisor - 1`
    /// that overflows near the type's maximum.
    public func ceilingDivided(by divisor: Self) -> Self { self / divisor + (self % divisor == 0 ? 0 : 1) }
}
