import FrictionCore

/// A dimension size as a canonical polynomial over named symbols with integer coefficients.
///
/// Covers the arithmetic ONNX shape functions do on sizes: sums (`past + seq`), integer multiples
/// (`2*n`), offsets (`seq - 1`) and products of symbols (`batch*seq`, from Reshape and Flatten).
/// Terms live in a dictionary keyed by monomial, so equal expressions compare equal, and
/// ``description`` prints them in one canonical order: monomials by their text, ascending, then the
/// constant. Arithmetic returns nil (an unknown size) on Int64 overflow, when an expression grows past
/// ``maxTerms`` terms or ``maxDegree`` factors, and for a division that is not exact.
public struct DimExpr: Sendable, Hashable, CustomStringConvertible {
    /// The coefficient of each monomial; a monomial lists its symbols in ascending order, `[]` is
    /// the constant term. Zero coefficients are never stored.
    public private(set) var terms: [[String]: Int64]

    /// The largest number of terms an expression may have before it becomes unknown.
    public static let maxTerms = 8
    /// The largest number of symbol factors in one monomial before the expression becomes unknown.
    public static let maxDegree = 4

    /// A constant size.
    public init(_ constant: Int64) { terms = constant == 0 ? [:] : [[]: constant] }

    /// A size named by one symbol (an ONNX `dim_param`).
    public init(symbol: String) { terms = [[symbol]: 1] }

    init?(terms: [[String]: Int64]) {
        let kept = terms.filter { $0.value != 0 }
        guard kept.count <= Self.maxTerms, kept.keys.allSatisfy({ $0.count <= Self.maxDegree }) else { return nil }
        self.terms = kept
    }

    /// The value when the expression has no symbols.
    public var constant: Int64? {
        terms.keys.allSatisfy(\.isEmpty) ? terms[[], default: 0] : nil
    }

    /// Whether every coefficient and the constant are non-negative, so the size is never below zero
    /// (symbols are sizes, hence non-negative).
    public var isNonNegative: Bool { terms.values.allSatisfy { $0 >= 0 } }

    /// The canonical text: `past + seq`, `2*n - 1`, `batch*seq`, `-n + 4`.
    public var description: String {
        let order = terms.keys.sorted { lhs, rhs in
            if lhs.isEmpty != rhs.isEmpty { return rhs.isEmpty }
            return Self.render(lhs) < Self.render(rhs)
        }
        guard !order.isEmpty else { return "0" }
        var text = ""
        for (index, monomial) in order.enumerated() {
            let coefficient = terms[monomial, default: 0]
            let magnitude = coefficient.magnitude
            let body = monomial.isEmpty ? String(magnitude)
                : (magnitude == 1 ? "" : "\(magnitude)*") + Self.render(monomial)
            if index == 0 { text = (coefficient < 0 ? "-" : "") + body } else { text += (coefficient < 0 ? " - " : " + ") + body }
        }
        return text
    }

    private static func render(_ monomial: [String]) -> String {
        monomial.map { symbol in
            symbol.contains(" ") || symbol.contains("*") || symbol.contains("+") ? "(\(symbol))" : symbol
        }.joined(separator: "*")
    }
}

// MARK: - Arithmetic on possibly unknown sizes

extension DimExpr {
    /// `a + b`, nil when either is unknown or the result overflows.
    public static func sum(_ a: DimExpr?, _ b: DimExpr?) -> DimExpr? {
        guard let a, let b else { return nil }
        var terms = a.terms
        for (monomial, coefficient) in b.terms {
            let (total, overflow) = terms[monomial, default: 0].addingReportingOverflow(coefficient)
            if overflow { return nil }
            terms[monomial] = total
        }
        return DimExpr(terms: terms)
    }

    /// `a - b`, nil when either is unknown or the result overflows.
    public static func difference(_ a: DimExpr?, _ b: DimExpr?) -> DimExpr? {
        sum(a, b.flatMap { scaled($0, by: -1) })
    }

    /// `a * b`, nil when either is unknown or the result overflows or grows too large.
    public static func product(_ a: DimExpr?, _ b: DimExpr?) -> DimExpr? {
        guard let a, let b else { return nil }
        var terms: [[String]: Int64] = [:]
        for (lhs, lc) in a.terms {
            for (rhs, rc) in b.terms {
                let (coefficient, o1) = lc.multipliedReportingOverflow(by: rc)
                let monomial = (lhs + rhs).sorted()
                let (total, o2) = terms[monomial, default: 0].addingReportingOverflow(coefficient)
                if o1 || o2 { return nil }
                terms[monomial] = total
            }
        }
        return DimExpr(terms: terms)
    }

    /// The sum of all `parts` (0 for none).
    public static func sum(of parts: [DimExpr?]) -> DimExpr? { parts.reduce(DimExpr(0)) { sum($0, $1) } }

    /// The product of all `parts` (1 for none).
    public static func product(of parts: [DimExpr?]) -> DimExpr? { parts.reduce(DimExpr(1)) { product($0, $1) } }

    /// `a * k` for an integer `k`.
    public static func scaled(_ a: DimExpr, by k: Int64) -> DimExpr? { product(a, DimExpr(k)) }

    /// `a / b` when the division is exact: every term of `a` divisible by a single-term `b`, or `a`
    /// an integer multiple of `b`. Constants divide only when the remainder is zero.
    public static func quotient(_ a: DimExpr?, _ b: DimExpr?) -> DimExpr? {
        guard let a, let b, !b.terms.isEmpty else { return nil }
        if a.terms.isEmpty { return a }
        if b.terms.count == 1, let (monomial, coefficient) = b.terms.first {
            var terms: [[String]: Int64] = [:]
            for (term, value) in a.terms {
                guard !(value == .min && coefficient == -1), value % coefficient == 0,
                      let rest = remove(monomial, from: term) else { return nil }
                terms[rest] = value / coefficient
            }
            return DimExpr(terms: terms)
        }
        // A multi-term divisor: only an integer multiple of it divides exactly here.
        guard let (monomial, coefficient) = b.terms.min(by: { $0.key.lexicographicallyPrecedes($1.key) }),
              let top = a.terms[monomial], !(top == .min && coefficient == -1), top % coefficient == 0,
              let multiple = scaled(b, by: top / coefficient), multiple == a else { return nil }
        return DimExpr(top / coefficient)
    }

    /// `ceil(a / b)` for constants, or the exact quotient for expressions.
    public static func ceilQuotient(_ a: DimExpr?, _ b: DimExpr?) -> DimExpr? {
        if let x = a?.constant, let y = b?.constant {
            guard y != 0, !(x == .min && y == -1) else { return nil }
            let (q, r) = x.quotientAndRemainder(dividingBy: y)
            return DimExpr(r != 0 && (r > 0) == (y > 0) ? q + 1 : q)
        }
        return quotient(a, b)
    }

    /// `floor(a / b)` for constants, or the exact quotient for expressions.
    public static func floorQuotient(_ a: DimExpr?, _ b: DimExpr?) -> DimExpr? {
        if let x = a?.constant, let y = b?.constant {
            guard y != 0, !(x == .min && y == -1) else { return nil }
            let (q, r) = x.quotientAndRemainder(dividingBy: y)
            return DimExpr(r != 0 && (r > 0) != (y > 0) ? q - 1 : q)
        }
        return quotient(a, b)
    }

    /// The larger of two sizes when it is decidable: equal expressions, two constants, or one whose
    /// difference from the other is a constant.
    public static func max(_ a: DimExpr?, _ b: DimExpr?) -> DimExpr? {
        guard let gap = difference(a, b)?.constant else { return nil }
        return gap >= 0 ? a : b
    }

    /// The smaller of two sizes when it is decidable (see ``max(_:_:)``).
    public static func min(_ a: DimExpr?, _ b: DimExpr?) -> DimExpr? {
        guard let gap = difference(a, b)?.constant else { return nil }
        return gap <= 0 ? a : b
    }

    /// `term` with the factors of `monomial` removed, or nil when it does not contain them all.
    private static func remove(_ monomial: [String], from term: [String]) -> [String]? {
        var rest = term
        for symbol in monomial {
            guard let index = rest.firstIndex(of: symbol) else { return nil }
            rest.remove(at: index)
        }
        return rest
    }
}
