import FrictionCore
import FrictionNumerics

/// Per-tensor weight statistics for `friction inspect --stats` (text table and JSON).
public enum StatisticsReport {
    static func number(_ v: Double) -> String {
        if v == 0 { return "0" }
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 {
            var e = 0
            var m = a
            while m >= 10 { m /= 10; e += 1 }
            while m < 1 { m *= 10; e -= 1 }
            let tenths = (m * 100).rounded() / 100
            return (v < 0 ? "-" : "") + "\(tenths)e\(e)"
        }
        return "\((v * 10000).rounded() / 10000)"
    }

    public static func lines(_ model: Model, statistics: [String: TensorStatistics], skipped: [(String, String)], style: Style) -> [String] {
        var table = TextTable(columns: [("tensor", .left), ("nan", .right), ("inf", .right), ("zeros", .right), ("min", .right), ("max", .right),
                                        ("absmax", .right), ("mean", .right), ("rms", .right), ("fp16 ovf", .right), ("2:4", .right)])
        for t in model.tensors {
            guard let s = statistics[t.storage.file + "|" + t.name] else { continue }
            let zeros = s.count == 0 ? 0 : Double(s.zeros) / Double(s.count) * 100
            table.add([t.name, String(s.nan), String(s.positiveInfinity + s.negativeInfinity), number(zeros) + "%",
                       s.finite == 0 ? "-" : number(Double(s.min)), s.finite == 0 ? "-" : number(Double(s.max)), number(Double(s.absMax)), number(s.mean), number(s.rms),
                       number(s.fractionAtOrAbove(65504) * 100) + "%", s.sparsityConformance.map { number($0 * 100) + "%" } ?? "-"])
        }
        var out = ["", style.bold("  weight statistics")] + table.render(indent: "    ", header: style.dim)
        for (name, why) in skipped { out.append("    " + style.dim("not scanned: \(name): \(why)")) }
        return out
    }

    public static func json(_ s: TensorStatistics) -> JSONValue {
        .object([
            ("count", .uint(s.count)), ("nan", .uint(s.nan)), ("pos_inf", .uint(s.positiveInfinity)), ("neg_inf", .uint(s.negativeInfinity)),
            ("zeros", .uint(s.zeros)), ("subnormals", .uint(s.subnormals)),
            ("min", s.finite == 0 ? .null : .double(Double(s.min))), ("max", s.finite == 0 ? .null : .double(Double(s.max))),
            ("absmax", .double(Double(s.absMax))), ("mean", .double(s.mean)), ("rms", .double(s.rms)),
            ("fp16_overflow_fraction", .double(s.fractionAtOrAbove(65504))), ("e4m3_overflow_fraction", .double(s.fractionAtOrAbove(448))),
            ("fp16_flush_fraction", .double(s.fractionBelow(5.960464477539063e-08))),
            ("sparsity_2_4_conformance", s.sparsityConformance.map(JSONValue.double) ?? .null),
            ("exponent_histogram", .object(s.exponents.enumerated().filter { $0.element > 0 }.map { (String($0.offset - 127), JSONValue.uint($0.element)) })),
        ])
    }
}
