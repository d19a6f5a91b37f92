import FrictionCore
import FrictionExecutor
import Foundation

/// Text, JSON and HTML forms of a low-precision replay report.
enum ReplayReportRender {
    static func num(_ x: Double) -> String {
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x.isNaN { return "nan" }
        return String(format: abs(x) >= 1e-3 && abs(x) < 1e5 || x == 0 ? "%.4g" : "%.3e", x)
    }

    static func text(_ r: PrecisionReplay.Report, model: String) -> String {
        var lines = ["\(model): replay in \(r.policy) (\(r.mode.rawValue)) against the \(r.comparedAgainst)",
                     "  emulation: \(r.semantics)", ""]
        let worst = r.nodes.sorted { $0.metrics.relativeRMS > $1.metrics.relativeRMS }.prefix(10)
        lines.append("  nodes with the largest error (relative RMS)")
        lines.append("    " + ["node", "op", "rule", "rel RMS", "max abs", "SNR dB", "cos", "mean ULP", "non-finite", "overflow", "underflow"].joined(separator: "  "))
        for n in worst {
            let m = n.metrics
            lines.append("    \(n.name)  \(n.op)  \(n.rule)  \(num(m.relativeRMS))  \(num(m.maxAbs))  \(num(m.snrDB))  \(num(m.cosine))  \(num(m.meanULP))  \(m.nonFinite)  \(m.overflow)  \(m.underflow)")
        }
        lines.append("")
        if let b = r.firstBreak {
            lines.append("  first break: \(b.name) (\(b.op), output \(b.output)): relative RMS \(num(b.metrics.relativeRMS)), \(b.metrics.nonFinite) non-finite values")
        } else {
            lines.append("  no node breaks the threshold")
        }
        lines.append("")
        lines.append("  outputs")
        for o in r.outputs {
            var line = "    \(o.name): max abs \(num(o.metrics.maxAbs)), max rel \(num(o.metrics.maxRel)), SNR \(num(o.metrics.snrDB)) dB, cos \(num(o.metrics.cosine)), non-finite \(o.metrics.nonFinite); passes at atol ≥ \(num(o.minAtol)) or rtol ≥ \(num(o.minRtol)); \(o.passes ? "PASS" : "FAIL")"
            if let l = o.logits { line += "; KL \(num(l.kl)), top-1 \(num(l.top1 * 100))%, top-\(l.k) \(num(l.topK * 100))%" }
            lines.append(line)
        }
        if let keep = r.keepFP32 {
            lines.append("")
            lines.append(keep.isEmpty ? "  localization: the outputs already pass" :
                "  localization (\(r.localizeEvaluations) replays): keep in FP32 → \(keep.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func metricsJSON(_ m: ErrorMetrics) -> JSONValue {
        func d(_ x: Double) -> JSONValue { x.isFinite ? .double(x) : .string(num(x)) }
        return .object([
            ("count", .int(Int64(m.count))), ("max_abs", d(m.maxAbs)), ("max_rel", d(m.maxRel)), ("mean_ulp", d(m.meanULP)),
            ("max_ulp", d(m.maxULP)), ("cosine", d(m.cosine)), ("snr_db", d(m.snrDB)), ("relative_rms", d(m.relativeRMS)),
            ("non_finite", .int(Int64(m.nonFinite))), ("reference_non_finite", .int(Int64(m.referenceNonFinite))),
            ("overflow", .int(Int64(m.overflow))), ("underflow", .int(Int64(m.underflow))),
        ])
    }

    static func nodeJSON(_ n: PrecisionReplay.NodeResult) -> JSONValue {
        .object([("index", .int(Int64(n.index))), ("node", .string(n.name)), ("op", .string(n.op)), ("output", .string(n.output)),
                 ("rule", .string(n.rule)), ("breaks", .bool(n.breaks)), ("metrics", metricsJSON(n.metrics))])
    }

    static func json(_ r: PrecisionReplay.Report, model: String) -> JSONValue {
        .object([
            ("schema", .string("friction.replay/1")), ("model", .string(model)), ("policy", .string(r.policy)),
            ("mode", .string(r.mode.rawValue)), ("compared_against", .string(r.comparedAgainst)), ("semantics", .string(r.semantics)),
            ("first_break", r.firstBreak.map(nodeJSON) ?? .null),
            ("nodes", .array(r.nodes.map(nodeJSON))),
            ("outputs", .array(r.outputs.map { o in
                .object([("name", .string(o.name)), ("metrics", metricsJSON(o.metrics)), ("passes", .bool(o.passes)),
                         ("min_atol", .double(o.minAtol.isFinite ? o.minAtol : -1)), ("min_rtol", .double(o.minRtol.isFinite ? o.minRtol : -1)),
                         ("kl", o.logits.map { .double($0.kl) } ?? .null), ("top1", o.logits.map { .double($0.top1) } ?? .null),
                         ("topk", o.logits.map { .double($0.topK) } ?? .null)])
            })),
            ("keep_fp32", r.keepFP32.map { .array($0.map(JSONValue.string)) } ?? .null),
        ])
    }

    /// A self-contained page: the summary and an inline SVG chart of each node's SNR in order.
    static func html(_ r: PrecisionReplay.Report, model: String) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let width = 900.0, height = 240.0
        let snr = r.nodes.map { min(max($0.metrics.snrDB.isFinite ? $0.metrics.snrDB : 140, -20), 140) }
        let step = width / Double(max(snr.count - 1, 1))
        let points = snr.enumerated().map { String(format: "%.1f,%.1f", Double($0.offset) * step, height - ($0.element + 20) / 160 * height) }
        var marks = ""
        for (i, n) in r.nodes.enumerated() where n.breaks {
            marks += String(format: "<circle cx='%.1f' cy='%.1f' r='3' fill='#c0392b'><title>%@</title></circle>", Double(i) * step,
                            height - (snr[i] + 20) / 160 * height, esc("\(n.name) (\(n.op))") as NSString)
        }
        return """
            <!doctype html><html><head><meta charset="utf-8"><title>friction replay: \(esc(model))</title>
            <style>body{font:14px system-ui,sans-serif;margin:2em}pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head><body>
            <h1>Replay of \(esc(model)) in \(esc(r.policy))</h1>
            <p>SNR (dB) per node in execution order; red: nodes past the threshold.</p>
            <svg width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" style="border:1px solid #ccc">
            <polyline fill="none" stroke="#2c3e50" stroke-width="1.5" points="\(points.joined(separator: " "))"/>\(marks)</svg>
            <pre>\(esc(text(r, model: model)))</pre></body></html>

            """
    }
}
