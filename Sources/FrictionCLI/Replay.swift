import ArgumentParser
import FrictionCore
import FrictionExecutor
import FrictionLoaders
import FrictionReport
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
            feeds[input.name] = rng.tensor(type, concrete)
        }
        let executor = Executor(graph: graph, functions: loaded.functions)
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
}
