#if canImport(Glibc)
import Glibc
#endif
import FrictionCore
import FrictionLoaders

/// Activation-level comparison of two `.npz` dumps (the training framework's activations or
/// logits against the inference runtime's): every array with the tensor metrics, and for logits
/// the response-based view of drift — KL divergence at a temperature and top-k agreement.
public struct ActivationComparison {
    public struct Logits: Sendable {
        public var name: String
        public var positions: Int
        /// Mean over positions of KL(softmax(a/T) ‖ softmax(b/T)) in nats, by temperature.
        public var kl: [(temperature: Double, value: Double)]
        /// Fraction of positions whose argmax agrees.
        public var top1: Double
        /// Mean over positions of |topk(a) ∩ topk(b)| / k.
        public var topKOverlap: Double
        public var k: Int
    }

    public var temperatures: [Double] = [1]
    public var k = 5
    /// Arrays treated as logits (last axis = vocabulary); by default names containing "logits".
    public var logitNames: [String] = []

    public init(temperatures: [Double] = [1], k: Int = 5, logitNames: [String] = []) {
        self.temperatures = temperatures
        self.k = k
        self.logitNames = logitNames
    }

    public func compare(_ a: Model, _ b: Model, payloadsA: PayloadMap = PayloadMap(), payloadsB: PayloadMap = PayloadMap()) -> (report: CompareReport, logits: [Logits]) {
        let da = TensorDecoder(model: a, payloads: payloadsA), db = TensorDecoder(model: b, payloads: payloadsB)
        let namesA = Set(a.tensors.map(\.name)), namesB = Set(b.tensors.map(\.name))
        var report = CompareReport(a: a.path, b: b.path, unmatchedA: namesA.subtracting(namesB).sorted(), unmatchedB: namesB.subtracting(namesA).sorted())
        var logits: [Logits] = []
        for name in namesA.intersection(namesB).sorted() {
            guard let ta = da.tensor(name), let tb = db.tensor(name) else { continue }
            var pair = CompareReport.Pair(a: name, b: name, method: .name, transform: .none,
                                          aType: FormatExpectation.name(ta.type), bType: FormatExpectation.name(tb.type))
            guard let va = da.decode(ta), let vb = db.decode(tb) else { pair.problem = "cannot decode"; report.pairs.append(pair); continue }
            pair.aShape = va.shape
            pair.bShape = vb.shape
            guard va.shape == vb.shape else { pair.problem = "shape \(va.shape) vs \(vb.shape)"; report.pairs.append(pair); continue }
            let m = TensorMetrics.measure(va.values, vb.values)
            pair.metrics = m
            pair.flagged = m.cosine < 0.99
            if pair.flagged { pair.diagnosis = ["cosine \(ModelComparison.fixed(m.cosine, 5)) < 0.99: the runtime's values drift from the framework's"] }
            report.pairs.append(pair)
            let isLogits = logitNames.isEmpty ? name.lowercased().contains("logits") : logitNames.contains(name)
            if isLogits, let vocab = va.shape.last.flatMap({ Int(exactly: $0) }), vocab > 0 {
                logits.append(logitStats(name, va.values, vb.values, vocab: vocab))
            }
        }
        return (report, logits)
    }

    func logitStats(_ name: String, _ a: [Float], _ b: [Float], vocab: Int) -> Logits {
        let positions = a.count / vocab
        var kls = [Double](repeating: 0, count: temperatures.count)
        var top1 = 0, overlap = 0
        let kk = min(k, vocab)
        for p in 0..<positions {
            let xa = a[(p * vocab)..<((p + 1) * vocab)].map(Double.init), xb = b[(p * vocab)..<((p + 1) * vocab)].map(Double.init)
            for (ti, t) in temperatures.enumerated() {
                let la = Self.logSoftmax(xa.map { $0 / t }), lb = Self.logSoftmax(xb.map { $0 / t })
                var kl = 0.0
                for i in 0..<vocab { kl += exp(la[i]) * (la[i] - lb[i]) }
                kls[ti] += kl
            }
            let ra = Self.topK(xa, kk), rb = Self.topK(xb, kk)
            if ra.first == rb.first { top1 += 1 }
            overlap += Set(ra).intersection(rb).count
        }
        let n = Double(max(positions, 1))
        return Logits(name: name, positions: positions, kl: zip(temperatures, kls).map { ($0, $1 / n) },
                      top1: Double(top1) / n, topKOverlap: Double(overlap) / (n * Double(kk)), k: kk)
    }

    static func logSoftmax(_ x: [Double]) -> [Double] {
        let m = x.max() ?? 0
        var s = 0.0
        for v in x { s += exp(v - m) }
        let lse = m + log(s)
        return x.map { $0 - lse }
    }

    /// Indices of the k largest values (ties: lower index first), largest first.
    static func topK(_ x: [Double], _ k: Int) -> [Int] {
        Array(x.indices.sorted { x[$0] != x[$1] ? x[$0] > x[$1] : $0 < $1 }.prefix(k))
    }
}
