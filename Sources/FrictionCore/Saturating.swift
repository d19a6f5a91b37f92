/// Conversions from `Double` for values computed from file content: out-of-range values
/// saturate at the type's bounds and NaN becomes zero, where Swift's `init(_:)` would trap.
extension Int64 {
    /// `d` truncated toward zero, saturated to `Int64.min...Int64.max`; NaN is 0.
    public init(saturating d: Double) {
        if d.isNaN { self = 0 } else if d >= 0x1p63 { self = .max } else if d <= -0x1p63 { self = .min } else { self = Int64(d) }
    }
}

extension UInt64 {
    /// `d` truncated toward zero, saturated to `0...UInt64.max`; NaN is 0.
    public init(saturating d: Double) {
        if d.isNaN || d <= 0 { self = 0 } else if d >= 0x1p64 { self = .max } else { self = UInt64(d) }
    }
}

extension Int {
    /// `d` truncated toward zero, saturated to `Int.min...Int.max`; NaN is 0.
    public init(saturating d: Double) { self = Int(Int64(saturating: d)) }
}

extension Int64 {
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
