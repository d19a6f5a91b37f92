import Foundation

/// How far emulated values are from reference values: max absolute and relative error, error
/// in units in the last place of the emulated format, cosine similarity, SNR, and counts of
/// non-finite values, overflows (reference beyond the format's range) and underflows
/// (nonzero reference flushed to zero).
public struct ErrorMetrics: Sendable, Hashable {
    public var count = 0
    public var maxAbs = 0.0
    public var maxRel = 0.0
    public var meanULP = 0.0
    public var maxULP = 0.0
    public var cosine = 1.0
    /// 10·log10(Σref² / Σ(ref − emu)²); +inf when the values are equal.
    public var snrDB = Double.infinity
    /// √(Σ(ref − emu)² / Σref²): the relative RMS error.
    public var relativeRMS = 0.0
    /// Non-finite emulated values where the reference is finite.
    public var nonFinite = 0
    /// Non-finite reference values.
    public var referenceNonFinite = 0
    public var overflow = 0
    public var underflow = 0

    public init() {}

    public static func compare(_ reference: [Float], _ emulated: [Float], format: EmulatedFormat) -> ErrorMetrics {
        var m = ErrorMetrics()
        m.count = reference.count
        var dot = 0.0, rr = 0.0, ee = 0.0, err2 = 0.0, ulpSum = 0.0, finite = 0
        let maxFinite = format.maxFinite.map(Double.init)
        let minPositive = format.minPositive.map(Double.init)
        let mantissa = format.mantissaBits
        for i in 0..<min(reference.count, emulated.count) {
            let r = Double(reference[i]), e = Double(emulated[i])
            guard r.isFinite else { m.referenceNonFinite += 1; continue }
            guard e.isFinite else { m.nonFinite += 1; continue }
            finite += 1
            let d = abs(r - e)
            m.maxAbs = max(m.maxAbs, d)
            if r != 0 { m.maxRel = max(m.maxRel, d / abs(r)) }
            dot += r * e; rr += r * r; ee += e * e; err2 += d * d
            // One ULP of the format's grid at the reference value.
            let exponent = r == 0 ? -126 : Int(floor(log2(abs(r))))
            let ulp = Foundation.pow(2.0, Double(max(exponent, -126) - mantissa))
            let u = d / ulp
            ulpSum += u
            m.maxULP = max(m.maxULP, u)
            if let maxFinite, abs(r) > maxFinite { m.overflow += 1 }
            if let minPositive, r != 0, abs(r) < minPositive / 2 || e == 0 { m.underflow += 1 }
        }
        m.meanULP = finite > 0 ? ulpSum / Double(finite) : 0
        m.cosine = rr > 0 && ee > 0 ? dot / (rr.squareRoot() * ee.squareRoot()) : (rr == ee ? 1 : 0)
        m.snrDB = err2 == 0 ? .infinity : (rr > 0 ? 10 * log10(rr / err2) : -.infinity)
        m.relativeRMS = rr > 0 ? (err2 / rr).squareRoot() : (err2 > 0 ? .infinity : 0)
        return m
    }
}

/// Extra agreement measures for a model output read as logits along its last axis.
public struct LogitAgreement: Sendable, Hashable {
    /// Mean KL(softmax(ref / T) ‖ softmax(emu / T)) over rows.
    public var kl: Double
    /// Rows whose arg-max agrees.
    public var top1: Double
    /// Mean overlap of the top-k sets.
    public var topK: Double
    public var k: Int

    public static func compare(_ reference: [Float], _ emulated: [Float], width: Int, temperature: Double, k: Int) -> LogitAgreement? {
        guard width > 1, reference.count == emulated.count, reference.count % width == 0 else { return nil }
        let rows = reference.count / width
        var kl = 0.0, top1 = 0.0, overlap = 0.0
        let kk = min(k, width)
        for r in 0..<rows {
            let a = reference[(r * width)..<((r + 1) * width)].map { Double($0) / temperature }
            let b = emulated[(r * width)..<((r + 1) * width)].map { Double($0) / temperature }
            func softmax(_ x: [Double]) -> [Double] {
                let m = x.filter(\.isFinite).max() ?? 0
                let e = x.map { $0.isFinite ? exp($0 - m) : ($0 > 0 ? 1 : 0) }
                let s = e.reduce(0, +)
                return e.map { s > 0 ? $0 / s : 0 }
            }
            let p = softmax(a), q = softmax(b)
            for i in 0..<width where p[i] > 0 { kl += p[i] * log(p[i] / max(q[i], 1e-300)) }
            let ra = a.indices.sorted { a[$0] > a[$1] }, rb = b.indices.sorted { b[$0] > b[$1] }
            if ra.first == rb.first { top1 += 1 }
            overlap += Double(Set(ra.prefix(kk)).intersection(rb.prefix(kk)).count) / Double(kk)
        }
        return LogitAgreement(kl: kl / Double(rows), top1: top1 / Double(rows), topK: overlap / Double(rows), k: kk)
    }
}
