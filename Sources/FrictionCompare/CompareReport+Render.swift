import Foundation
extension CompareReport {
    static func f(_ d: Double?, _ digits: Int = 4) -> String { d.map { ModelComparison.fixed($0, digits) } ?? "∞" }

    /// Rows of the pair table: name(s), types, cosine, SNR, floor, rel L2, max abs, beyond-steps, status.
    func rows() -> [[String]] {
        pairs.map { p in
            let m = p.metrics
            let names = p.a == p.b ? p.a : "\(p.a) → \(p.b)"
            let status = p.problem ?? (p.flagged ? "FLAG " + p.diagnosis.joined(separator: "; ") : "ok")
            return [names + (p.storedTransposed ? " (T)" : "") + (p.transform == .none ? "" : " [\(p.transform.rawValue)]"),
                    "\(p.aType)→\(p.bFormat ?? p.bType)", m.map { Self.f($0.cosine, 5) } ?? "-", m.map { Self.f($0.snrDB, 1) } ?? "-",
                    p.floor.map { Self.f($0, 0) } ?? "-", m.map { Self.f($0.relL2, 5) } ?? "-", m.map { Self.f($0.maxAbs, 5) } ?? "-",
                    m.flatMap(\.beyondSteps).map { Self.f($0 * 100, 2) + "%" } ?? "-", status]
        }
    }

    static let headers = ["tensor", "types", "cosine", "SNR dB", "floor", "rel L2", "max abs", ">k steps", "status"]

    func structureLines() -> [String] {
        var out: [String] = []
        if !missingLayers.isEmpty { out.append("blocks missing from the candidate (depth pruning?): \(missingLayers.map(String.init).joined(separator: ", "))") }
        if !extraLayers.isEmpty { out.append("blocks only in the candidate: \(extraLayers.map(String.init).joined(separator: ", "))") }
        for p in shapeMismatches { out.append("\(p.a) → \(p.b): \(p.problem ?? "") (width pruning or a wrong export)") }
        for d in configDifferences { out.append("config \(d.key): \(d.a.serialized()) → \(d.b.serialized())") }
        if !unmatchedA.isEmpty { out.append("only in the reference (\(unmatchedA.count)): " + unmatchedA.prefix(20).joined(separator: ", ") + (unmatchedA.count > 20 ? ", …" : "")) }
        if !unmatchedB.isEmpty { out.append("only in the candidate (\(unmatchedB.count)): " + unmatchedB.prefix(20).joined(separator: ", ") + (unmatchedB.count > 20 ? ", …" : "")) }
        return out
    }

    static func logitLines(_ logits: [ActivationComparison.Logits]) -> [String] {
        logits.map { l in
            let kl = l.kl.map { "KL@T=\(f($0.temperature, 1)) \(f($0.value, 6)) nats" }.joined(separator: ", ")
            return "\(l.name): \(l.positions) positions, \(kl), top-1 agreement \(f(l.top1 * 100, 1))%, top-\(l.k) overlap \(f(l.topKOverlap * 100, 1))%"
        }
    }

    /// Plain-text report (aligned columns).
    public func text(logits: [ActivationComparison.Logits] = []) -> String {
        let table = [Self.headers] + rows()
        var widths = [Int](repeating: 0, count: Self.headers.count)
        for r in table { for (i, c) in r.enumerated() where i < widths.count - 1 { widths[i] = max(widths[i], c.count) } }
        var out = "reference: \(a)\ncandidate: \(b)\n\(pairs.count) pairs, \(pairs.filter(\.flagged).count) flagged\n\n"
        for r in table {
            out += r.enumerated().map { i, c in i < widths.count - 1 ? c + String(repeating: " ", count: widths[i] - c.count) : c }.joined(separator: "  ") + "\n"
        }
        let structure = structureLines()
        if !structure.isEmpty { out += "\nstructure\n" + structure.map { "  " + $0 }.joined(separator: "\n") + "\n" }
        if !byLayer.isEmpty {
            out += "\nby block (min cosine, min SNR dB, flagged)\n"
            for s in byLayer { out += "  \(s.key): \(Self.f(s.minCosine, 5)), \(Self.f(s.minSNR, 1)), \(s.flagged)/\(s.tensors)\n" }
        }
        let l = Self.logitLines(logits)
        if !l.isEmpty { out += "\nlogits\n" + l.map { "  " + $0 }.joined(separator: "\n") + "\n" }
        return out
    }

    /// Markdown report (a table per section).
    public func markdown(logits: [ActivationComparison.Logits] = []) -> String {
        func esc(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = "# friction compare\n\n- reference: `\(a)`\n- candidate: `\(b)`\n- \(pairs.count) pairs, \(pairs.filter(\.flagged).count) flagged\n\n"
        out += "| " + Self.headers.joined(separator: " | ") + " |\n|" + String(repeating: "---|", count: Self.headers.count) + "\n"
        for r in rows() { out += "| " + r.map(esc).joined(separator: " | ") + " |\n" }
        let structure = structureLines()
        if !structure.isEmpty { out += "\n## Structure\n\n" + structure.map { "- " + esc($0) }.joined(separator: "\n") + "\n" }
        if !byLayer.isEmpty {
            out += "\n## By block\n\n| block | tensors | flagged | min cosine | min SNR dB |\n|---|---|---|---|---|\n"
            for s in byLayer { out += "| \(s.key) | \(s.tensors) | \(s.flagged) | \(Self.f(s.minCosine, 5)) | \(Self.f(s.minSNR, 1)) |\n" }
        }
        if !byRole.isEmpty {
            out += "\n## By role\n\n| role | tensors | flagged | min cosine | min SNR dB |\n|---|---|---|---|---|\n"
            for s in byRole { out += "| \(esc(s.key)) | \(s.tensors) | \(s.flagged) | \(Self.f(s.minCosine, 5)) | \(Self.f(s.minSNR, 1)) |\n" }
        }
        let l = Self.logitLines(logits)
        if !l.isEmpty { out += "\n## Logits\n\n" + l.map { "- " + $0 }.joined(separator: "\n") + "\n" }
        return out
    }

    /// A self-contained HTML page: a bar chart of the minimum SNR per block (flagged blocks red),
    /// then the tables.
    public func html(logits: [ActivationComparison.Logits] = []) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var out = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>friction compare</title><style>"
        out += "body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
        out += ".flag{background:#fde2e2}</style></head><body>\n"
        out += "<h1>friction compare</h1><p>reference: <code>\(esc(a))</code><br>candidate: <code>\(esc(b))</code><br>"
        out += "\(pairs.count) pairs, \(pairs.filter(\.flagged).count) flagged</p>\n"
        let layers = byLayer.filter { Int($0.key) != nil }
        if !layers.isEmpty {
            let top = max(layers.compactMap(\.minSNR).filter(\.isFinite).max() ?? 1, 1)
            let barW = 28, h = 160
            out += "<h2>Minimum SNR per block (dB)</h2>\n<svg width=\"\(layers.count * (barW + 6) + 40)\" height=\"\(h + 40)\" role=\"img\">\n"
            for (i, s) in layers.enumerated() {
                let v = max(0, min(s.minSNR.flatMap { $0.isNaN ? nil : $0 } ?? top, top))
                let bh = Int(Double(h) * v / top)
                let x = 30 + i * (barW + 6)
                out += "<rect x=\"\(x)\" y=\"\(h - bh + 10)\" width=\"\(barW)\" height=\"\(bh)\" fill=\"\(s.flagged > 0 ? "#d9534f" : "#5b8def")\">"
                out += "<title>block \(s.key): min SNR \(Self.f(s.minSNR, 1)) dB, min cosine \(Self.f(s.minCosine, 5)), \(s.flagged) flagged</title></rect>\n"
                out += "<text x=\"\(x + barW / 2)\" y=\"\(h + 28)\" font-size=\"11\" text-anchor=\"middle\">\(s.key)</text>\n"
            }
            out += "</svg>\n"
        }
        out += "<h2>Tensors</h2>\n<table><tr>" + Self.headers.map { "<th>\($0)</th>" }.joined() + "</tr>\n"
        for (p, r) in zip(pairs, rows()) {
            out += "<tr\(p.flagged || p.problem != nil ? " class=\"flag\"" : "")>" + r.map { "<td>\(esc($0))</td>" }.joined() + "</tr>\n"
        }
        out += "</table>\n"
        let structure = structureLines()
        if !structure.isEmpty { out += "<h2>Structure</h2><ul>" + structure.map { "<li>\(esc($0))</li>" }.joined() + "</ul>\n" }
        let l = Self.logitLines(logits)
        if !l.isEmpty { out += "<h2>Logits</h2><ul>" + l.map { "<li>\(esc($0))</li>" }.joined() + "</ul>\n" }
        return out + "</body></html>\n"
    }
}
