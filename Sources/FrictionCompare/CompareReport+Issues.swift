import FrictionCore

extension CompareReport {
    /// The comparison as loader issues on the candidate, for `friction lint --reference`:
    /// `compare-mismatch` (a tensor that is not the reference's: swapped, transposed, rescaled,
    /// a wrong block, cosine < 0.99), `compare-beyond-format` (worse than the candidate's format
    /// should be), `compare-structure` (unmatched tensors, shape / layer / config differences).
    public func issues(candidateFile: String) -> [LoadIssue] {
        func at(_ path: String?) -> Location { Location(file: candidateFile, path: path) }
        var out: [LoadIssue] = []
        for p in pairs {
            if let problem = p.problem {
                out.append(LoadIssue(code: "compare-structure", message: "\(p.b) against reference \(p.a): \(problem)", location: at(p.b)))
                continue
            }
            guard p.flagged, let m = p.metrics else { continue }
            let specific = p.diagnosis.contains { $0.contains("swapped") || $0.contains("transposed") || $0.contains("scaled") || $0.contains("block") }
            let summary = "cosine \(ModelComparison.fixed(m.cosine, 5)), SNR \(m.snrDB.map { ModelComparison.fixed($0, 1) } ?? "∞") dB"
                + (p.floor.map { " (floor for \(p.bType): \(ModelComparison.fixed($0, 0)) dB)" } ?? "")
            let code = specific || m.cosine < 0.99 ? "compare-mismatch" : "compare-beyond-format"
            out.append(LoadIssue(code: code, level: .warning,
                                 message: "\(p.b) against reference \(p.a): \(summary); \(p.diagnosis.joined(separator: "; "))", location: at(p.b)))
        }
        for line in structureLines() where !line.contains("(width pruning or a wrong export)") {
            out.append(LoadIssue(code: "compare-structure", message: line, location: at(nil)))
        }
        return out
    }
}
