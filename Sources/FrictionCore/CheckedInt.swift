/// A 64-bit integer for sizes computed from file content (config dimensions, metadata counts):
/// an overflow or a division by zero makes the result `nil` instead of trapping, and every
/// later operation keeps it `nil`, so a formula reads as written and is checked once at the end.
public struct CheckedInt: Sendable, Hashable, ExpressibleByIntegerLiteral {
    /// The value, or nil after an overflow or a division by zero.
    public let value: Int64?

    public init(_ value: Int64?) { self.value = value }
    public init(integerLiteral value: Int64) { self.value = value }

    static func lift(_ a: CheckedInt, _ b: CheckedInt, _ op: (Int64, Int64) -> (partialValue: Int64, overflow: Bool)) -> CheckedInt {
        guard let x = a.value, let y = b.value else { return CheckedInt(nil) }
        let r = op(x, y)
        return CheckedInt(r.overflow ? nil : r.partialValue)
    }

    public static func + (a: CheckedInt, b: CheckedInt) -> CheckedInt { lift(a, b) { $0.addingReportingOverflow($1) } }
    public static func - (a: CheckedInt, b: CheckedInt) -> CheckedInt { lift(a, b) { $0.subtractingReportingOverflow($1) } }
    public static func * (a: CheckedInt, b: CheckedInt) -> CheckedInt { lift(a, b) { $0.multipliedReportingOverflow(by: $1) } }
    /// Division; by zero (or `Int64.min / -1`) gives nil.
    public static func / (a: CheckedInt, b: CheckedInt) -> CheckedInt { lift(a, b) { $0.dividedReportingOverflow(by: $1) } }
}
