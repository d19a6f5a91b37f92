import ArgumentParser
import FrictionCore
import FrictionExecutor
import Foundation

/// `friction conformance DIR`: runs ONNX backend node tests (the onnx package's own cases,
/// written by `scripts/conformance-data`) through the reference executor.
struct Conformance: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run ONNX backend node tests (model.onnx + test_data_set_*) through the FP32 reference executor.",
        discussion: """
            Prints one line per failure, a per-op table and `N passed, N failed, N skipped`. Tolerances come from \
            DIR/tolerances.json when present (rtol 1e-3, atol 1e-7 otherwise, as onnx's runner). Exit code 1 when a \
            test of an implemented op fails.
            """)

    @Argument(help: "A folder of node test folders (conformance-out/node).")
    var directory: String

    @Option(help: "Only tests whose name contains this text.")
    var filter: String?

    @Flag(help: "Also list skipped tests with the reason.")
    var verbose = false

    func run() throws {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted().filter { name in
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: directory + "/" + name + "/model.onnx", isDirectory: &isDir) && (filter.map { name.contains($0) } ?? true)
        }
        guard !names.isEmpty else { throw ValidationError("no node tests (folders with model.onnx) in \(directory)") }
        var tolerances: [String: (Double, Double)] = [:]
        if let data = fm.contents(atPath: directory + "/tolerances.json"),
           case .object(let members)? = (try? JSONParser.parse(Array(data)))?.value {
            for m in members { tolerances[m.key] = (m.value["rtol"]?.doubleValue ?? 1e-3, m.value["atol"]?.doubleValue ?? 1e-7) }
        }
        var byOp: [String: [NodeTestCase.Outcome: Int]] = [:]
        var totals: [NodeTestCase.Outcome: Int] = [:]
        for name in names {
            let (rtol, atol) = tolerances[name] ?? (1e-3, 1e-7)
            let result = NodeTestCase(directory: directory + "/" + name).run(rtol: rtol, atol: atol)
            byOp[result.op, default: [:]][result.outcome, default: 0] += 1
            totals[result.outcome, default: 0] += 1
            if result.outcome == .failed || (verbose && result.outcome == .skipped) {
                print("\(result.outcome.rawValue.uppercased())  \(name) [\(result.op)]: \(result.detail)")
            }
        }
        print("")
        print(pad("op", 34) + pad("passed", 8, right: true) + pad("failed", 8, right: true) + pad("skipped", 9, right: true))
        for (op, counts) in byOp.sorted(by: { $0.key < $1.key }) {
            print(pad(op, 34) + pad("\(counts[.passed] ?? 0)", 8, right: true) + pad("\(counts[.failed] ?? 0)", 8, right: true)
                  + pad("\(counts[.skipped] ?? 0)", 9, right: true))
        }
        print("")
        print("\(totals[.passed] ?? 0) passed, \(totals[.failed] ?? 0) failed, \(totals[.skipped] ?? 0) skipped")
        if (totals[.failed] ?? 0) > 0 { throw ExitCode(1) }
    }

    func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }
}
