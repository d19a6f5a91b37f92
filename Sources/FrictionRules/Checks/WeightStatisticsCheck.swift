import FrictionCore
import FrictionNumerics

/// `weight-statistics`: a statistic of scanned weights compared with a threshold — NaN/Inf
/// counts, all-zero tensors, overflow/flush fractions in a target precision, N:M sparsity
/// conformance, absmax-to-RMS outlier ratios, scale minima. Needs `--scan-weights`.
struct WeightStatisticsCheck: CheckKind {
    static let id = "weight-statistics"
    static let summary = "statistics of scanned weights against thresholds"
    static let parameters = TensorSelector.specs + [
        ParamSpec("statistic", .string, required: true,
                  "nonfinite, nan, zero_fraction, min, absmax_over_rms, absmax_over_median, overflow_fraction, flush_fraction, sparsity_conformance"),
        ParamSpec("op", .string, required: true, "gt, ge, lt, le, eq"),
        ParamSpec("value", .number, required: true, "the threshold"),
        ParamSpec("format_max", .number, "overflow_fraction: largest finite value of the target format (65504 for FP16, 448 for E4M3)"),
        ParamSpec("format_min", .number, "flush_fraction: smallest subnormal of the target format"),
        ParamSpec("when_precision", .string, "only when a target has this precision"),
        ParamSpec("when_config", .object, "only when config.json has {key: dotted.path, value: …}"),
    ]

    static let statistics: Set<String> = ["nonfinite", "nan", "zero_fraction", "min", "absmax_over_rms", "absmax_over_median", "overflow_fraction", "flush_fraction", "sparsity_conformance"]

    let selector: TensorSelector
    let statistic: String
    let op: String
    let threshold: Double
    let formatMax: Float
    let formatMin: Float
    let precision: String?
    let configKey: String?
    let configValue: JSONValue?

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        selector = try TensorSelector(params)
        statistic = params.string("statistic") ?? ""
        guard Self.statistics.contains(statistic) else { throw ParamError("statistic must be one of \(Self.statistics.sorted().joined(separator: ", "))", key: "statistic") }
        op = params.string("op") ?? ""
        guard ["gt", "ge", "lt", "le", "eq"].contains(op) else { throw ParamError("op must be gt, ge, lt, le or eq", key: "op") }
        threshold = params.number("value") ?? 0
        formatMax = Float(params.number("format_max") ?? 65504)
        formatMin = Float(params.number("format_min") ?? 5.960464477539063e-08)
        precision = params.string("when_precision")
        configKey = params["when_config"]?["key"]?.stringValue
        configValue = params["when_config"]?["value"]
    }

    func measure(_ s: TensorStatistics) -> Double? {
        switch statistic {
        case "nonfinite": return Double(s.nan + s.positiveInfinity + s.negativeInfinity)
        case "nan": return Double(s.nan)
        case "zero_fraction": return s.count == 0 ? nil : Double(s.zeros) / Double(s.count)
        case "min": return s.finite == 0 ? nil : Double(s.min)
        case "absmax_over_rms": return s.rms == 0 ? nil : Double(s.absMax) / s.rms
        case "absmax_over_median": return s.medianMagnitude == 0 ? nil : Double(s.absMax) / Double(s.medianMagnitude)
        case "overflow_fraction": return s.fractionAtOrAbove(formatMax)
        case "flush_fraction": return s.fractionBelow(formatMin)
        default: return s.sparsityConformance
        }
    }

    func holds(_ v: Double) -> Bool {
        switch op {
        case "gt": v > threshold
        case "ge": v >= threshold
        case "lt": v < threshold
        case "le": v <= threshold
        default: v == threshold
        }
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        guard !context.statistics.isEmpty else { return [] }
        var target = "any target"
        if let precision {
            guard let t = context.targets.first(where: { $0.precision == precision }) else { return [] }
            target = t.description
        }
        if let configKey {
            var node = context.model.config
            for part in configKey.split(separator: ".") { node = node?[String(part)] }
            guard let node, configValue.map({ node.sameValue($0) }) ?? true else { return [] }
        }
        var hits: [Hit] = []
        for t in context.model.tensors where selector.matches(t) {
            guard let s = context.statistics[CheckContext.key(t)], let v = measure(s), holds(v) else { continue }
            hits.append(.tensor(t, [
                "statistic": statistic, "measured": Self.format(v), "threshold": Self.format(threshold), "target": target,
                "count": String(s.count), "nan": String(s.nan), "inf": String(s.positiveInfinity + s.negativeInfinity),
                "absmax": "\(s.absMax)", "rms": Self.format(s.rms), "median": "\(s.medianMagnitude)", "percent": Self.format(v * 100),
            ]))
        }
        return hits
    }

    static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        let scaled = (v * 10000).rounded() / 10000
        return "\(scaled)"
    }
}
