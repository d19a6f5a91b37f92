#if canImport(Glibc)
import Glibc
#endif

/// How far a candidate tensor `b` is from its reference `a`, all in float64 over float32 values.
public struct TensorMetrics: Sendable, Equatable {
    public var count: Int
    /// max |a − b|
    public var maxAbs: Double
    /// mean |a − b|
    public var meanAbs: Double
    /// ‖a − b‖ / ‖a‖ (0 when both are zero; infinity when only `a` is).
    public var relL2: Double
    /// a·b / (‖a‖ ‖b‖) (1 when both are zero, 0 when one is).
    public var cosine: Double
    /// 10 log10(Σa² / Σ(a − b)²); nil when the two are identical.
    public var snrDB: Double?
    /// Fraction of elements whose signs disagree (a·b < 0).
    public var signFlips: Double
    /// Fraction of elements more than `k` quantization steps of the candidate's format apart (nil: no step model).
    public var beyondSteps: Double?
    /// Index of the element with the largest |a − b|.
    public var worstIndex: Int
    /// Least-squares slope of b on a (Σab / Σa²): 1 for a faithful copy, the factor for a rescaled one.
    public var slope: Double

    /// Measures `b` against `a` (same length). `step(i)` gives the candidate format's quantization
    /// step at element `i` (nil: not modelled); `k` is the step multiple counted as "far".
    public static func measure(_ a: [Float], _ b: [Float], k: Double = 1, step: ((Int) -> Double?)? = nil) -> TensorMetrics {
        let n = min(a.count, b.count)
        var maxAbs = 0.0, sumAbs = 0.0, aa = 0.0, bb = 0.0, ab = 0.0, ee = 0.0
        var flips = 0, far = 0, modelled = 0, worst = 0
        for i in 0..<n {
            let x = Double(a[i]), y = Double(b[i]), e = x - y
            let ae = abs(e)
            if ae > maxAbs || ae.isNaN { maxAbs = ae; worst = i }
            sumAbs += ae
            aa += x * x; bb += y * y; ab += x * y; ee += e * e
            if x * y < 0 { flips += 1 }
            if let step, let s = step(i) {
                modelled += 1
                if ae > k * s { far += 1 }
            }
        }
        let na = aa.squareRoot(), nb = bb.squareRoot()
        let cosine = na == 0 && nb == 0 ? 1 : (na == 0 || nb == 0 ? 0 : ab / (na * nb))
        return TensorMetrics(
            count: n, maxAbs: maxAbs, meanAbs: n == 0 ? 0 : sumAbs / Double(n),
            relL2: na == 0 ? (ee == 0 ? 0 : .infinity) : ee.squareRoot() / na, cosine: cosine,
            snrDB: ee == 0 ? nil : 10 * log10(aa / ee), signFlips: n == 0 ? 0 : Double(flips) / Double(n),
            beyondSteps: modelled == 0 ? nil : Double(far) / Double(modelled), worstIndex: worst, slope: aa == 0 ? 1 : ab / aa)
    }
}

