import ArgumentParser
import FrictionCore
import FrictionExecutor
import FrictionLoaders
import FrictionReport
import FrictionRules
import Foundation

/// `friction replay MODEL`: runs an ONNX model in FP32 on the CPU with the reference executor.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an ONNX model in FP32 with the reference executor and summarise its outputs.",
        discussion: """
            Inputs come from --inputs files (.npz members or .pb TensorProtos named like the graph inputs, or one .npy per \
            input in graph order); the rest are generated from the input shapes with --seed (floats uniform in [-1, 1), \
            integers in [0, 10)), symbolic dimensions set with --dim name=value (1 otherwise). Outputs go to --output as .npz.
            """)

    @Argument(help: "An ONNX model.")
    var model: String

    @Option(name: .long, help: "Input files: .npz, .npy or .pb (repeatable).")
    var inputs: [String] = []

    @Option(name: .shortAndLong, help: "Write the outputs to this .npz file.")
    var output: String?

    @Option(name: .long, help: "A symbolic dimension's value, name=value (repeatable).")
    var dim: [String] = []

    @Option(help: "Seed for generated inputs.")
    var seed: UInt64 = 0

    @Flag(help: "Print a line per executed node: op, output shapes, min / max / mean, non-finite count.")
    var trace = false

    @Flag(help: "Print the time spent per op type.")
    var profile = false

    @Option(help: "Emulate a precision: a preset (\(PrecisionPolicy.presetNames.joined(separator: ", "))) or a policy .yml file.")
    var precision: String?

    @Option(help: "Compare with outputs recorded elsewhere (.npz, members named like the graph outputs) instead of the FP32 reference.")
    var golden: String?

    @Option(help: "local: each node fed reference inputs; propagated: errors accumulate (default).")
    var mode: String = "propagated"

    @Flag(help: "Search for a small set of nodes to keep in FP32 so the outputs meet --rtol / --atol.")
    var localize = false

    @Option(help: "Write the localization's policy file here.")
    var writePolicy: String?

    @Option(help: "Output tolerance for localization: relative.")
    var rtol: Double = 1e-2

    @Option(help: "Output tolerance for localization: absolute.")
    var atol: Double = 1e-3

    @Option(help: "A node breaks when its relative RMS error passes this (or it makes non-finite values).")
    var threshold: Double = 0.05

    @Option(help: "Softmax temperature for the KL divergence of output logits.")
    var temperature: Double = 1

    @Option(help: "Report format for --precision: text, json or html.")
    var format: String = "text"

    @Option(name: .long, help: "Write the --precision report to a file instead of standard output.")
    var report: String?

    func run() throws {
        let loaded: Model
        do throws(LoadError) { loaded = try ModelLoader.load(model) } catch {
            FileHandleOutput.standardError("error: \(error)\n")
            throw ExitCode(2)
        }
        guard let graph = loaded.graph else { throw ValidationError("\(model) has no graph (replay runs ONNX models)") }
        var dims: [String: Int] = [:]
        for d in dim {
            let parts = d.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let v = Int(parts[1]), v >= 0 else { throw ValidationError("--dim expects name=value, got \(d)") }
            dims[String(parts[0])] = v
        }
        var feeds: [String: Tensor] = [:]
        let initializers = Set(graph.initializers.map(\.name))
        let graphInputs = graph.inputs.filter { !initializers.contains($0.name) }
        do {
            for (i, file) in inputs.enumerated() {
                for (name, t) in try ReplayInputs.read(file, position: i, graphInputs: graphInputs.map(\.name)) { feeds[name] = t }
            }
        } catch let e as ExecutionError {
            FileHandleOutput.standardError("error: \(e)\n")
            throw ExitCode(2)
        }
        var rng = ReplayInputs.Generator(seed: seed)
        for input in graphInputs where feeds[input.name] == nil {
            guard case .tensor(let element, let shape)? = input.type, case .dtype(let type)? = element else {
                throw ValidationError("input \(input.name) is not a tensor with a known element type; give it with --inputs")
            }
            let concrete = (shape?.dims ?? []).map { d -> Int in
                switch d {
                case .fixed(let v): Int(clamping: v)
                case .symbolic(let name): dims[name] ?? 1
                }
            }
            guard let feed = rng.tensor(type, concrete) else {
                throw ValidationError("input \(input.name) of shape \(concrete) is too large to generate (more than \(ReplayInputs.Generator.maxElements) elements); give it with --inputs")
            }
            feeds[input.name] = feed
        }
        let executor = Executor(graph: graph, functions: loaded.functions)
        if let precision {
            try runPrecision(precision, executor: executor, feeds: feeds)
            return
        }
        if trace {
            executor.observer = { record in
                let indent = String(repeating: "  ", count: record.depth)
                let outs = zip(record.node.outputs, record.outputs).map { "\($0)=\(ReplaySummary.describe($1))" }.joined(separator: "; ")
                print("\(indent)\(record.node.opType) \(record.node.name): \(outs)")
            }
        }
        let preparing = Date()
        do throws(ExecutionError) { try executor.prepare() } catch {
            FileHandleOutput.standardError("error: \(error)\n")
            throw ExitCode(2)
        }
        let prepared = Date().timeIntervalSince(preparing)
        var opTime: [String: (Double, Int)] = [:]
        var last = Date()
        if profile {
            let previous = executor.observer
            executor.observer = { record in
                previous?(record)
                let now = Date()
                let key = (record.node.domain.isEmpty ? "" : record.node.domain + ".") + record.node.opType
                let (t, n) = opTime[key] ?? (0, 0)
                opTime[key] = (t + now.timeIntervalSince(last), n + 1)
                last = now
            }
        }
        let started = Date()
        last = started
        let outputs: [String: Tensor]
        do throws(ExecutionError) { outputs = try executor.run(feeds) } catch {
            FileHandleOutput.standardError("error: \(error)\n")
            throw ExitCode(2)
        }
        let elapsed = Date().timeIntervalSince(started)
        for o in graph.outputs { if let t = outputs[o.name] { print("\(o.name): \(ReplaySummary.describe(t))") } }
        if profile {
            for (op, (t, n)) in opTime.sorted(by: { $0.value.0 > $1.value.0 }) {
                print(String(format: "  %-32@ %5d nodes %10.2f ms", op as NSString, n, t * 1000))
            }
        }
        print(String(format: "initializers ready in %.1f ms; ran %d nodes in %.1f ms; peak live intermediates %@", prepared * 1000,
                     graph.nodes.count, elapsed * 1000, Units.bytes(UInt64(executor.peakLiveBytes))))
        if let output {
            var members: [(name: String, npy: [UInt8])] = []
            for o in graph.outputs {
                guard let t = outputs[o.name], let npy = ReplaySummary.npy(t) else { continue }
                members.append((o.name, npy))
            }
            try writeFile(output, NpyWriter.npz(members))
            FileHandleOutput.standardError("wrote \(members.count) output(s) to \(output)\n")
        }
    }

    /// `--precision`: the low-precision replay and its report.
    func runPrecision(_ spec: String, executor: Executor, feeds: [String: Tensor]) throws {
        let policy: PrecisionPolicy
        if let preset = PrecisionPolicy.preset(spec) {
            policy = preset
        } else if FileManager.default.fileExists(atPath: spec) {
            do {
                policy = try PrecisionPolicy.parse(try YAMLDocument.load(path: spec).root)
            } catch {
                FileHandleOutput.standardError("error: \(spec): \(error)\n")
                throw ExitCode(2)
            }
        } else {
            throw ValidationError("--precision: '\(spec)' is neither a preset (\(PrecisionPolicy.presetNames.joined(separator: ", "))) nor a policy file")
        }
        guard let m = PrecisionReplay.Mode(rawValue: mode) else { throw ValidationError("--mode must be local or propagated") }
        guard ["text", "json", "html"].contains(format) else { throw ValidationError("--format must be text, json or html") }
        var options = PrecisionReplay.Options()
        options.mode = m
        options.rtol = rtol
        options.atol = atol
        options.threshold = threshold
        options.temperature = temperature
        let replay = PrecisionReplay(executor: executor, policy: policy, options: options)
        if let golden {
            do {
                for (name, t) in try ReplayInputs.read(golden, position: 0, graphInputs: []) { replay.golden[name] = t }
            } catch {
                FileHandleOutput.standardError("error: \(golden): \(error)\n")
                throw ExitCode(2)
            }
        }
        var result: PrecisionReplay.Report
        do throws(ExecutionError) {
            result = try replay.run(feeds)
            if localize { try replay.localize(&result, feeds: feeds) }
        } catch {
            FileHandleOutput.standardError("error: \(error)\n")
            throw ExitCode(2)
        }
        if let writePolicy, let keep = result.keepFP32 {
            try writeFile(writePolicy, Array(policy.yaml(keepingFP32: keep, base: PrecisionPolicy.preset(spec) != nil ? spec : policy.name).utf8))
        }
        let text: String
        switch format {
        case "json": text = ReplayReportRender.json(result, model: model).serialized(indent: 2) + "\n"
        case "html": text = ReplayReportRender.html(result, model: model)
        default: text = ReplayReportRender.text(result, model: model)
        }
        if let report { try writeFile(report, Array(text.utf8)) } else { FileHandleOutput.standardOutput(text) }
        if result.outputs.contains(where: { !$0.passes }) { throw ExitCode(1) }
    }
}
