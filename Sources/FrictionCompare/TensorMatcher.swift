import FrictionAnalysis
import FrictionCore

/// One reference tensor paired with its counterpart in the candidate.
public struct TensorPair: Sendable {
    /// How the pair was found.
    public enum Method: String, Sendable { case userMap = "user-map", name, gguf = "gguf-map", fingerprint }

    public var a: String
    public var b: String
    public var method: Method
    /// The converter's rearrangement, applied to the Hugging Face side (`onA`) before comparing.
    public var transform: PairTransform
    public var transformOnA: Bool
}

/// Pairs the weight tensors of two models: a user map first, then equal names (with or without
/// a leading `model.`), then the GGUF family map when exactly one side is GGUF, then — for what
/// is left, e.g. ONNX initializers with generated names — equal element counts and a value
/// fingerprint confirmed on the full tensors.
public struct TensorMatcher {
    public var userMap: [String: String] = [:]
    /// Rearrangements for user-mapped pairs (reference name → transform applied to the reference).
    public var userTransforms: [String: PairTransform] = [:]
    public var fingerprints = true
    /// Cosine a fingerprint match must reach on the full tensors (directly or transposed).
    public var fingerprintCosine = 0.9

    public init(userMap: [String: String] = [:], fingerprints: Bool = true) {
        self.userMap = userMap
        self.fingerprints = fingerprints
    }

    /// The tensors a comparison looks at: weights, not their scale / zero-point companions,
    /// GPTQ / AWQ / compressed-tensors packed weights under their module's `.weight` name.
    public static func weights(_ model: Model) -> [String: String] {
        var out: [String: String] = [:]
        for t in model.tensors where !TensorNames.isAuxiliary(t.name) && t.parameterCount != nil {
            let leaf = TensorNames.leaf(of: t.name)
            let key = ["qweight", "weight_packed"].contains(leaf) ? TensorNames.module(of: t.name) + ".weight"
                : leaf.hasSuffix("_blocks") ? String(t.name.dropLast("_blocks".count)) : t.name
            out[key] = t.name
        }
        return out
    }

    public func match(_ a: Model, _ b: Model, decodeA: (String) -> TensorDecoder.Decoded?, decodeB: (String) -> TensorDecoder.Decoded?)
        -> (pairs: [TensorPair], unmatchedA: [String], unmatchedB: [String]) {
        var left = Self.weights(a), right = Self.weights(b)
        var pairs: [TensorPair] = []
        func take(_ ka: String, _ kb: String, _ method: TensorPair.Method, _ transform: PairTransform = .none, onA: Bool = true) {
            guard let na = left[ka], let nb = right[kb] else { return }
            left.removeValue(forKey: ka)
            right.removeValue(forKey: kb)
            pairs.append(TensorPair(a: na, b: nb, method: method, transform: transform, transformOnA: onA))
        }
        // 1. The user's map ({n} stands for a block index on both sides).
        for ka in left.keys.sorted() {
            if let kb = userMap[ka] { take(ka, kb, .userMap, userTransforms[ka] ?? .none); continue }
            for (pa, pb) in userMap where pa.contains("{n}") {
                if let n = GGUFNameMap.match(pa, ka) { take(ka, pb.replacingOccurrences(of: "{n}", with: n), .userMap); break }
            }
        }
        // 2. Equal names, then without a leading "model.".
        for ka in left.keys.sorted() where right[ka] != nil { take(ka, ka, .name) }
        let strip = { (s: String) in s.hasPrefix("model.") ? String(s.dropFirst(6)) : s }
        var stripped: [String: String] = [:]
        for kb in right.keys { stripped[strip(kb)] = kb }
        for ka in left.keys.sorted() { if let kb = stripped[strip(ka)], right[kb] != nil { take(ka, kb, .name) } }
        // 3. GGUF names through the family map.
        let factsA = ArchitectureFacts(a), factsB = ArchitectureFacts(b)
        if factsA.isGGUF != factsB.isGGUF, let map = GGUFNameMap.family((factsA.isGGUF ? factsA : factsB).family ?? "") {
            let hfSideIsA = !factsA.isGGUF
            let hfKeys = (hfSideIsA ? left : right).keys.sorted()
            for k in hfKeys {
                guard let (g, transform) = map.gguf(for: k) else { continue }
                if hfSideIsA { take(k, g, .gguf, transform, onA: true) } else { take(g, k, .gguf, transform, onA: false) }
            }
        }
        // 4. Fingerprints for the rest.
        if fingerprints, !left.isEmpty, !right.isEmpty {
            pairs += fingerprintPairs(&left, &right, decodeA: decodeA, decodeB: decodeB)
        }
        return (pairs.sorted { $0.a < $1.a }, left.values.sorted(), right.values.sorted())
    }

    /// Quantiles of the values (order-free, so equal for a tensor and its transpose).
    static func signature(_ values: [Float]) -> [Double] {
        guard !values.isEmpty else { return [] }
        let sorted = values.map(Double.init).sorted()
        return (0...16).map { sorted[min(sorted.count - 1, $0 * (sorted.count - 1) / 16)] }
    }

    func fingerprintPairs(_ left: inout [String: String], _ right: inout [String: String],
                          decodeA: (String) -> TensorDecoder.Decoded?, decodeB: (String) -> TensorDecoder.Decoded?) -> [TensorPair] {
        struct Entry { var key: String; var name: String; var count: Int; var shape: [UInt64]; var signature: [Double]; var scale: Double }
        func entries(_ side: [String: String], _ decode: (String) -> TensorDecoder.Decoded?) -> [Entry] {
            side.sorted { $0.key < $1.key }.compactMap { key, name in
                guard let d = decode(name) else { return nil }
                let sig = Self.signature(d.values)
                let scale = max(sig.map(abs).max() ?? 0, 1e-30)
                return Entry(key: key, name: name, count: d.values.count, shape: d.shape, signature: sig, scale: scale)
            }
        }
        let ea = entries(left, decodeA), eb = entries(right, decodeB)
        // The three closest signatures per reference tensor are confirmed on the full values.
        var candidates: [(Double, Int, Int)] = []
        for (i, x) in ea.enumerated() {
            var mine: [(Double, Int, Int)] = []
            for (j, y) in eb.enumerated() where x.count == y.count && x.count > 1 {
                let d = zip(x.signature, y.signature).map { abs($0 - $1) }.reduce(0, +) / (Double(x.signature.count) * max(x.scale, y.scale))
                mine.append((d, i, j))
            }
            candidates += mine.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.2 < $1.2 }.prefix(3)
        }
        candidates.sort { $0.0 != $1.0 ? $0.0 < $1.0 : ($0.1, $0.2) < ($1.1, $1.2) }
        var usedA = Set<Int>(), usedB = Set<Int>(), out: [TensorPair] = []
        for (_, i, j) in candidates where !usedA.contains(i) && !usedB.contains(j) {
            guard let va = decodeA(ea[i].name), let vb = decodeB(eb[j].name) else { continue }
            var cos = TensorMetrics.measure(va.values, vb.values).cosine
            var transform = PairTransform.none
            if va.shape.count == 2, vb.shape == [va.shape[1], va.shape[0]], let t = PairTransform.transpose.apply(va.values, shape: va.shape, heads: nil) {
                let ct = TensorMetrics.measure(t.values, vb.values).cosine
                if ct > cos || va.shape != vb.shape { cos = ct; transform = .transpose }
            }
            guard cos >= fingerprintCosine else { continue }
            usedA.insert(i); usedB.insert(j)
            left.removeValue(forKey: ea[i].key); right.removeValue(forKey: eb[j].key)
            out.append(TensorPair(a: ea[i].name, b: eb[j].name, method: .fingerprint, transform: transform, transformOnA: true))
        }
        return out
    }
}
