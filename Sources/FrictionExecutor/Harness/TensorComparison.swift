import FrictionCore

/// Whether an output matches its expected value the way ONNX's backend test runner checks it:
/// same shape, then `|actual - expected| <= atol + rtol·|expected|` for floats (NaN matches NaN,
/// infinities must be equal) and exact equality for integers, bool and strings.
public struct TensorComparison: Sendable {
    public var matches: Bool
    /// Largest absolute difference over finite elements.
    public var maxAbsoluteError: Double
    /// Elements outside the tolerance.
    public var mismatches: Int
    public var detail: String

    public static func compare(_ actual: Tensor, _ expected: Tensor, rtol: Double, atol: Double) -> TensorComparison {
        guard actual.shape == expected.shape else {
            return TensorComparison(matches: false, maxAbsoluteError: .infinity, mismatches: expected.count,
                                    detail: "shape \(actual.shape), expected \(expected.shape)")
        }
        if expected.type == .string || actual.type == .string {
            let bad = zip(actual.strings, expected.strings).filter { $0 != $1 }.count
            return TensorComparison(matches: bad == 0, maxAbsoluteError: 0, mismatches: bad, detail: bad == 0 ? "" : "\(bad) strings differ")
        }
        let floating = expected.type.traits.family == .float || actual.type.traits.family == .float
        if !floating {
            let a = actual.int64s(), e = expected.int64s()
            var bad = 0, worst = 0.0, first = -1
            for i in 0..<e.count where a[i] != e[i] {
                bad += 1
                worst = max(worst, abs(Double(a[i]) - Double(e[i])))
                if first < 0 { first = i }
            }
            return TensorComparison(matches: bad == 0, maxAbsoluteError: worst, mismatches: bad,
                                    detail: bad == 0 ? "" : "\(bad) of \(e.count) differ; first at \(first): \(a[first]) vs \(e[first])")
        }
        // onnx's runner widens rtol for bfloat16 outputs to at least 2^-6 (one unit in the 7-bit mantissa).
        let rtol = expected.type == .bfloat16 ? Swift.max(rtol, 1.0 / 64) : rtol
        let a = actual.doubles(), e = expected.doubles()
        var bad = 0, worst = 0.0, first = -1
        for i in 0..<e.count {
            let x = a[i], y = e[i]
            if x.isNaN && y.isNaN { continue }
            if x.isInfinite || y.isInfinite {
                if x != y { bad += 1; if first < 0 { first = i } }
                continue
            }
            let d = abs(x - y)
            worst = max(worst, d.isNaN ? .infinity : d)
            if !(d <= atol + rtol * abs(y)) { bad += 1; if first < 0 { first = i } }
        }
        return TensorComparison(matches: bad == 0, maxAbsoluteError: worst, mismatches: bad,
                                detail: bad == 0 ? "" : "\(bad) of \(e.count) outside rtol \(rtol), atol \(atol); max abs error \(worst); first at \(first): \(a[first]) vs \(e[first])")
    }
}
