import FrictionAnalysis
import FrictionCore

/// The result of comparing a candidate against its reference: every matched pair with its
/// metrics and diagnosis, what is unmatched, structure and config differences, and summaries by
/// block and by tensor role. `json` is the `friction.compare/1` document.
public struct CompareReport: Sendable {
    public struct Pair: Sendable {
        public var a: String
        public var b: String
        public var method: TensorPair.Method
        public var transform: PairTransform
        public var aType: String
        public var bType: String
        /// The candidate's quantization scheme when scales were applied (NVFP4, GPTQ-int4, float8_e4m3fn, int8 …).
        public var bFormat: String?
        public var aShape: [UInt64] = []
        public var bShape: [UInt64] = []
        /// The candidate holds the transpose of the reference layout (compared after transposing).
        public var storedTransposed = false
        public var metrics: TensorMetrics?
        /// The SNR floor of the candidate's format (dB).
        public var floor: Double?
        public var flagged = false
        public var diagnosis: [String] = []
        /// Why no metrics (shape mismatch, undecodable).
        public var problem: String?

        /// The block index (from either name).
        public var layer: Int? { TensorNames.layerIndex(of: b) ?? TensorNames.layerIndex(of: a) }

        /// The tensor's role without its block: `blk.3.attn_q.weight` → `attn_q.weight`.
        public var role: String {
            let name = TensorNames.layerIndex(of: b) != nil ? b : a
            let parts = name.split(separator: ".")
            if let i = parts.indices.dropLast().first(where: { Int(parts[$0 + 1]) != nil && TensorNames.layerIndex(of: name) == Int(parts[$0 + 1]) }) {
                return parts[(i + 2)...].joined(separator: ".")
            }
            return name
        }
    }

    public struct ConfigDifference: Sendable {
        public var key: String
        public var a: JSONValue
        public var b: JSONValue
    }

    /// Worst values over a group of pairs.
    public struct Summary: Sendable {
        public var key: String
        public var tensors = 0
        public var flagged = 0
        public var minCosine = 1.0
        public var minSNR: Double?
        public var maxRelL2 = 0.0
    }

    public var a: String
    public var b: String
    public var pairs: [Pair] = []
    public var unmatchedA: [String]
    public var unmatchedB: [String]
    public var configDifferences: [ConfigDifference] = []
    public var missingLayers: [Int] = []
    public var extraLayers: [Int] = []

    public init(a: String, b: String, unmatchedA: [String] = [], unmatchedB: [String] = []) {
        self.a = a
        self.b = b
        self.unmatchedA = unmatchedA
        self.unmatchedB = unmatchedB
    }

    /// Pairs whose shapes differ other than by a transpose (width pruning, wrong export).
    public var shapeMismatches: [Pair] { pairs.filter { $0.problem?.hasPrefix("shape") == true } }

    /// Whether anything is flagged: a bad pair, unmatched tensors, a shape or config difference.
    public var hasFindings: Bool {
        pairs.contains { $0.flagged || $0.problem != nil } || !unmatchedA.isEmpty || !unmatchedB.isEmpty || !configDifferences.isEmpty
            || !missingLayers.isEmpty || !extraLayers.isEmpty
    }

    func summaries(by key: (Pair) -> String?) -> [Summary] {
        var groups: [String: Summary] = [:]
        for p in pairs {
            guard let k = key(p) else { continue }
            var s = groups[k] ?? Summary(key: k)
            s.tensors += 1
            if p.flagged || p.problem != nil { s.flagged += 1 }
            if let m = p.metrics {
                s.minCosine = min(s.minCosine, m.cosine)
                if let snr = m.snrDB { s.minSNR = min(s.minSNR ?? snr, snr) }
                s.maxRelL2 = max(s.maxRelL2, m.relL2)
            }
            groups[k] = s
        }
        return groups.values.sorted { a, b in
            if let x = Int(a.key), let y = Int(b.key) { return x < y }
            return a.key < b.key
        }
    }

    /// Per block (pairs without a block index are summarised under "-").
    public var byLayer: [Summary] { summaries { $0.layer.map(String.init) ?? "-" } }
    /// Per tensor role (`attn_q.weight`, `ffn_down.weight`, …).
    public var byRole: [Summary] { summaries { $0.role } }
}
