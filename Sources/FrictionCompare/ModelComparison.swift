import Foundation
import FrictionAnalysis
import FrictionCore
import FrictionLoaders

/// Compares a candidate model (an export) against its reference (the training checkpoint):
/// pairs the tensors, dequantizes both sides with the exact format rules, applies the
/// converter's rearrangements, measures every pair and diagnoses the bad ones. Tensors are
/// decoded one pair at a time, so memory stays at about two tensors.
public struct ModelComparison {
    public var matcher = TensorMatcher()
    /// Step multiple counted as "far" in ``TensorMetrics/beyondSteps``.
    public var steps = 1.0
    /// A pair is flagged when more than this fraction of elements is `steps` steps apart.
    public var beyondFraction = 0.01

    public init(matcher: TensorMatcher = TensorMatcher(), steps: Double = 1) {
        self.matcher = matcher
        self.steps = steps
    }

    public func compare(_ a: Model, _ b: Model, payloadsA: PayloadMap = PayloadMap(), payloadsB: PayloadMap = PayloadMap()) -> CompareReport {
        let da = TensorDecoder(model: a, payloads: payloadsA), db = TensorDecoder(model: b, payloads: payloadsB)
        let decA = { (n: String) in da.tensor(n).flatMap(da.decode) }, decB = { (n: String) in db.tensor(n).flatMap(db.decode) }
        let (pairs, unmatchedA, unmatchedB) = matcher.match(a, b, decodeA: decA, decodeB: decB)
        let factsA = ArchitectureFacts(a), factsB = ArchitectureFacts(b)
        let hf = factsA.isGGUF ? factsB : factsA
        var report = CompareReport(a: a.path, b: b.path, unmatchedA: unmatchedA, unmatchedB: unmatchedB)
        for pair in pairs {
            report.pairs.append(measure(pair, da: da, db: db, hf: hf, candidates: pairs.map(\.b)))
        }
        report.configDifferences = ArchitectureFacts.differences(factsA, factsB).map { CompareReport.ConfigDifference(key: $0.key, a: $0.a, b: $0.b) }
        let layersA = Set(TensorMatcher.weights(a).keys.compactMap(TensorNames.layerIndex))
        let layersB = Set(TensorMatcher.weights(b).keys.compactMap(TensorNames.layerIndex))
        if !layersA.isEmpty, !layersB.isEmpty {
            report.missingLayers = layersA.subtracting(layersB).sorted()
            report.extraLayers = layersB.subtracting(layersA).sorted()
        }
        return report
    }

    func measure(_ pair: TensorPair, da: TensorDecoder, db: TensorDecoder, hf: ArchitectureFacts, candidates: [String]) -> CompareReport.Pair {
        let ta = da.tensor(pair.a), tb = db.tensor(pair.b)
        var out = CompareReport.Pair(a: pair.a, b: pair.b, method: pair.method, transform: pair.transform,
                                     aType: ta.map { FormatExpectation.name($0.type) } ?? "?", bType: tb.map { FormatExpectation.name($0.type) } ?? "?")
        guard let ta, let tb, var va = da.decode(ta), var vb = db.decode(tb) else {
            out.problem = "cannot decode \(da.tensor(pair.a).flatMap(da.decode) == nil ? pair.a : pair.b)"
            return out
        }
        out.aShape = va.shape
        out.bShape = vb.shape
        let heads = pair.transform == .permuteK ? hf.int("num_key_value_heads") : hf.int("num_attention_heads")
        if pair.transformOnA {
            guard let t = pair.transform.apply(va.values, shape: va.shape, heads: heads) else { out.problem = "cannot apply \(pair.transform.rawValue)"; return out }
            (va.values, va.shape) = t
        } else {
            guard let t = pair.transform.apply(vb.values, shape: vb.shape, heads: heads) else { out.problem = "cannot apply \(pair.transform.rawValue)"; return out }
            (vb.values, vb.shape) = t
        }
        // GPTQ / AWQ decode to [in, out]: back to the module's [out, in] (square matrices too).
        for side in [0, 1] {
            let d = side == 0 ? va : vb
            guard d.inOut, let t = PairTransform.transpose.apply(d.values, shape: d.shape, heads: nil) else { continue }
            if side == 0 { (va.values, va.shape, va.inOut) = (t.values, t.shape, false) } else { (vb.values, vb.shape, vb.inOut) = (t.values, t.shape, false); out.storedTransposed = true }
        }
        // The candidate may store the transpose (ONNX MatMul, GPT-2 Conv1D).
        if va.shape != vb.shape, vb.shape.count == 2, va.shape == [vb.shape[1], vb.shape[0]],
           let t = PairTransform.transpose.apply(vb.values, shape: vb.shape, heads: nil) {
            (vb.values, vb.shape) = t
            out.storedTransposed = true
        }
        guard va.shape == vb.shape, va.values.count == vb.values.count else {
            out.problem = "shape \(va.shape) vs \(vb.shape)"
            return out
        }
        out.bFormat = vb.format
        // Scaled schemes: FP8 steps from the element format; NVFP4 from its block grid; int4/int8 group
        // layouts are not contiguous blocks here, so they get no step model.
        let stepType: ElementType? = vb.format.map { f in f == "NVFP4" ? .unknown("NVFP4") : DType(rawValue: f).map(ElementType.dtype) ?? .unknown(f) } ?? tb.type
        let stepValues = stepType.flatMap { t -> [Double]? in
            if case .dtype(.int8) = t { return nil }
            return FormatExpectation.steps(t, vb.values)
        }
        let metrics = TensorMetrics.measure(va.values, vb.values, k: steps, step: stepValues.map { s in { s[$0] } })
        out.metrics = metrics
        out.floor = vb.format.flatMap { FormatExpectation.expectedSNR[$0].map { $0 - FormatExpectation.margin } } ?? FormatExpectation.floor(tb.type)
        let belowFloor = out.floor.map { f in (metrics.snrDB ?? .infinity) < f } ?? false
        let far = (metrics.beyondSteps ?? 0) > beyondFraction
        out.flagged = belowFloor || far || metrics.cosine < 0.9
        if out.flagged { out.diagnosis = diagnose(pair, va: va, vb: vb, metrics: metrics, db: db, hf: hf, candidates: candidates) }
        return out
    }

    /// Why a pair is off: stored transposed, swapped with another block's tensor, rescaled, or
    /// wrong in one block.
    func diagnose(_ pair: TensorPair, va: TensorDecoder.Decoded, vb: TensorDecoder.Decoded, metrics: TensorMetrics,
                  db: TensorDecoder, hf: ArchitectureFacts, candidates: [String]) -> [String] {
        var out: [String] = []
        if va.shape.count == 2, va.shape[0] == va.shape[1], let t = PairTransform.transpose.apply(vb.values, shape: vb.shape, heads: nil) {
            let c = TensorMetrics.measure(va.values, t.values).cosine
            if c > 0.99, c > metrics.cosine + 0.2 { out.append("stored transposed (cosine \(Self.fixed(c, 4)) against the transpose)") }
        }
        if out.isEmpty, metrics.cosine < 0.9, let layer = TensorNames.layerIndex(of: pair.b) {
            // The same role in another block that matches much better: swapped layers.
            var best: (String, Double)?
            for name in candidates where name != pair.b && TensorNames.layerIndex(of: name) != nil
                && name.replacingOccurrences(of: ".\(TensorNames.layerIndex(of: name)!).", with: ".#.") == pair.b.replacingOccurrences(of: ".\(layer).", with: ".#.") {
                guard let t = db.tensor(name), var v = db.decode(t) else { continue }
                if v.shape != va.shape, v.shape.count == 2, va.shape == [v.shape[1], v.shape[0]],
                   let tr = PairTransform.transpose.apply(v.values, shape: v.shape, heads: nil) { v.values = tr.values; v.shape = tr.shape }
                guard v.shape == va.shape else { continue }
                let c = TensorMetrics.measure(va.values, v.values).cosine
                if c > (best?.1 ?? 0.9) { best = (name, c) }
            }
            if let best { out.append("matches \(best.0) instead (cosine \(Self.fixed(best.1, 4))): tensors swapped between blocks") }
        }
        if out.isEmpty, metrics.cosine > 0.99, abs(metrics.slope - 1) > 0.02 {
            out.append("scaled by \(Self.fixed(metrics.slope, 4)) (least-squares slope of export on reference)")
        }
        if out.isEmpty, let block = Self.worstBlock(va.values, vb.values, size: 32), block.share > 0.5 {
            out.append("error concentrated in block \(block.index) (elements \(block.index * 32)..<\(block.index * 32 + 32), \(Self.fixed(block.share * 100, 1))% of the error), values there scaled by \(Self.fixed(block.slope, 3)): a wrong block scale")
        }
        if out.isEmpty { out.append("cosine \(Self.fixed(metrics.cosine, 4)), SNR \(metrics.snrDB.map { Self.fixed($0, 1) } ?? "∞") dB: worse than the format allows") }
        return out
    }

    /// The block of `size` elements holding the largest share of the squared error, with the
    /// least-squares slope of `b` on `a` inside it.
    static func worstBlock(_ a: [Float], _ b: [Float], size: Int) -> (index: Int, share: Double, slope: Double)? {
        var total = 0.0, best = (0, 0.0)
        var start = 0, index = 0
        while start < a.count {
            let end = min(start + size, a.count)
            var e = 0.0
            for i in start..<end { let d = Double(a[i]) - Double(b[i]); e += d * d }
            total += e
            if e > best.1 { best = (index, e) }
            start = end; index += 1
        }
        guard total > 0 else { return nil }
        var ab = 0.0, aa = 0.0
        for i in (best.0 * size)..<min(best.0 * size + size, a.count) { ab += Double(a[i]) * Double(b[i]); aa += Double(a[i]) * Double(a[i]) }
        return (best.0, best.1 / total, aa == 0 ? 0 : ab / aa)
    }

    /// `value` with `digits` decimals, deterministic and without Foundation.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return value > 0 ? "inf" : value < 0 ? "-inf" : "nan" }
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let scaled = (abs(value) * p).rounded()
        guard scaled < 9e18 else { return String(value) }   // past Int64: Swift's shortest form (1e+20)
        let whole = Int(scaled / p), frac = Int(scaled - Double(whole) * p)
        var f = String(frac)
        while f.count < digits { f = "0" + f }
        return (value < 0 && scaled != 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + f : "")
    }
}
