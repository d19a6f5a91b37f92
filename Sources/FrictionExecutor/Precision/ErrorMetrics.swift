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

    /// Partial sums of one chunk.
    struct Partial {
        var maxAbs = 0.0, maxRel = 0.0, maxULP = 0.0
        var dot = 0.0, rr = 0.0, ee = 0.0, err2 = 0.0, ulpSum = 0.0
        var finite = 0, nonFinite = 0, referenceNonFinite = 0, overflow = 0, underflow = 0
    }

    public static func compare(_ reference: [Float], _ emulated: [Float], format: EmulatedFormat) -> ErrorMetrics {
        var m = ErrorMetrics()
        m.count = reference.count
        let n = min(reference.count, emulated.count)
        let maxFinite = format.maxFinite.map(Double.init)
        let minPositive = format.minPositive.map(Double.init)
        let mantissa = format.mantissaBits
        var partials = [Partial](repeating: Partial(), count: Parallel.cores * 2)
        let used = reference.withUnsafeBufferPointer { rp in emulated.withUnsafeBufferPointer { ep in
            partials.withUnsafeMutableBufferPointer { pp in
                Parallel.chunks(n) { chunk, range in
                    var p = Partial()
                    for i in range {
                        let r = Double(rp[i]), e = Double(ep[i])
                        guard r.isFinite else { p.referenceNonFinite += 1; continue }
                        guard e.isFinite else { p.nonFinite += 1; continue }
                        p.finite += 1
                        let d = abs(r - e)
                        p.maxAbs = max(p.maxAbs, d)
                        if r != 0 { p.maxRel = max(p.maxRel, d / abs(r)) }
                        p.dot += r * e; p.rr += r * r; p.ee += e * e; p.err2 += d * d
                        // One ULP of the format's grid at the reference value (exponent read from the bits).
                        let exponent = r == 0 ? -126 : Int(r.exponent)
                        let u = d / Double(sign: .plus, exponent: max(exponent, -126) - mantissa, significand: 1)
                        p.ulpSum += u
                        p.maxULP = max(p.maxULP, u)
                        if let maxFinite, abs(r) > maxFinite { p.overflow += 1 }
                        if let minPositive, r != 0, abs(r) < minPositive / 2 || e == 0 { p.underflow += 1 }
                    }
                    if chunk < pp.count { pp[chunk] = p }
                }
            }
        } }
        var t = Partial()
        for p in partials.prefix(used) {
            t.maxAbs = max(t.maxAbs, p.maxAbs); t.maxRel = max(t.maxRel, p.maxRel); t.maxULP = max(t.maxULP, p.maxULP)
            t.dot += p.dot; t.rr += p.rr; t.ee += p.ee; t.err2 += p.err2; t.ulpSum += p.ulpSum
            t.finite += p.finite; t.nonFinite += p.nonFinite; t.referenceNonFinite += p.referenceNonFinite
            t.overflow += p.overflow; t.underflow += p.underflow
        }
        m.maxAbs = t.maxAbs; m.maxRel = t.maxRel; m.maxULP = t.maxULP
        m.nonFinite = t.nonFinite; m.referenceNonFinite = t.referenceNonFinite; m.overflow = t.overflow; m.underflow = t.underflow
        m.meanULP = t.finite > 0 ? t.ulpSum / Double(t.finite) : 0
        m.cosine = t.rr > 0 && t.ee > 0 ? t.dot / (t.rr.squareRoot() * t.ee.squareRoot()) : (t.rr == t.ee ? 1 : 0)
        m.snrDB = t.err2 == 0 ? .infinity : (t.rr > 0 ? 10 * log10(t.rr / t.err2) : -.infinity)
        m.relativeRMS = t.rr > 0 ? (t.err2 / t.rr).squareRoot() : (t.err2 > 0 ? .infinity : 0)
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
