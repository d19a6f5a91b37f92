import ArgumentParser
import FrictionCore
import FrictionExecutor
import FrictionLoaders
import FrictionRules
import Foundation

/// `friction lint --replay PRECISION`: a short low-precision replay of an ONNX model whose
/// results become load issues the PREC replay rules report (`replay-non-finite`,
/// `replay-error`, `replay-output`).
enum LintReplay {
    /// The policy `--replay` names: a preset or a policy file.
    static func policy(_ precision: String) throws -> PrecisionPolicy {
        if let p = PrecisionPolicy.preset(precision) { return p }
        do { return try PrecisionPolicy.parse(try YAMLDocument.load(path: precision).root) } catch {
            throw ValidationError("--replay: '\(precision)' is neither a preset nor a readable policy file: \(error)")
        }
    }

    static func issues(_ model: Model, policy: PrecisionPolicy, inputs files: [String]) -> [LoadIssue] {
        guard let graph = model.graph else { return [] }
        let initializers = Set(graph.initializers.map(\.name))
        let graphInputs = graph.inputs.filter { !initializers.contains($0.name) }
        var feeds: [String: Tensor] = [:]
        do {
            for (i, f) in files.enumerated() { for (n, t) in try ReplayInputs.read(f, position: i, graphInputs: graphInputs.map(\.name)) { feeds[n] = t } }
        } catch {
            return [LoadIssue(code: "replay-failed", level: .info, message: "replay inputs could not be read: \(error)", location: Location(file: model.path))]
        }
        var rng = ReplayInputs.Generator(seed: 0)
        for input in graphInputs where feeds[input.name] == nil {
            guard case .tensor(.dtype(let type)?, let shape)? = input.type else { return [] }
            let dims = (shape?.dims ?? []).map { d -> Int in if case .fixed(let v) = d { Int(clamping: v) } else { 1 } }
            guard let feed = rng.tensor(type, dims) else {
                return [LoadIssue(code: "replay-failed", level: .info,
                                  message: "input \(input.name) of shape \(dims) is too large to generate (more than \(ReplayInputs.Generator.maxElements) elements)",
                                  location: Location(file: model.path))]
            }
            feeds[input.name] = feed
        }
        let replay = PrecisionReplay(executor: Executor(graph: graph, functions: model.functions), policy: policy)
        let report: PrecisionReplay.Report
        do throws(ExecutionError) { report = try replay.run(feeds) } catch {
            return [LoadIssue(code: "replay-failed", level: .info, message: "replay in \(policy.name) could not run: \(error)",
                              location: Location(file: model.path))]
        }
        var issues: [LoadIssue] = []
        let at = { (node: String) in Location(file: model.path, path: node) }
        if let first = report.nodes.first(where: { $0.metrics.nonFinite > 0 }) {
            issues.append(LoadIssue(code: "replay-non-finite",
                message: "\(first.name) (\(first.op)) produces \(first.metrics.nonFinite) non-finite values in \(policy.name) where FP32 is finite (rule: \(first.rule))",
                location: at(first.name)))
        }
        if let b = report.firstBreak, b.metrics.nonFinite == 0 {
            issues.append(LoadIssue(code: "replay-error",
                message: String(format: "%@ (%@) is the first node whose %@ error passes 5%%: relative RMS %.3g, SNR %.1f dB", b.name, b.op, policy.name, b.metrics.relativeRMS, b.metrics.snrDB),
                location: at(b.name)))
        }
        for o in report.outputs where !o.passes {
            issues.append(LoadIssue(code: "replay-output", level: .info,
                message: String(format: "output %@ in %@: %d non-finite values; over the finite ones max abs error %.3g, max rel %.3g, SNR %.1f dB%@",
                                o.name, policy.name, o.metrics.nonFinite, o.minAtol, o.minRtol, o.metrics.snrDB,
                                o.logits.map { String(format: ", top-1 agreement %.1f%%", $0.top1 * 100) } ?? ""),
                location: at(o.name)))
        }
        return issues
    }
}
