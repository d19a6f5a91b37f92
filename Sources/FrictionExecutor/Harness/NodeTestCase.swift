import FrictionCore
import FrictionLoaders
import Foundation

/// An ONNX backend node test in its on-disk layout: `model.onnx` and `test_data_set_N/`
/// holding `input_K.pb` / `output_K.pb` TensorProtos, run and compared with its tolerances.
public struct NodeTestCase: Sendable {
    public enum Outcome: String, Sendable { case passed, failed, skipped }

    public struct Result: Sendable {
        public var name: String
        /// The op under test (the single node's op; `composite` for multi-node graphs).
        public var op: String
        public var outcome: Outcome
        public var detail: String
    }

    public let directory: String
    public let name: String

    public init(directory: String) {
        self.directory = directory
        name = directory.split(separator: "/").last.map(String.init) ?? directory
    }

    /// Error codes that mean "not supported here" rather than "wrong".
    static let skipCodes: Set<String> = ["missing-kernel", "unsupported-dtype", "unsupported-type"]

    public func run(rtol: Double, atol: Double) -> Result {
        let model: Model
        do throws(LoadError) { model = try ModelLoader.load(directory + "/model.onnx") } catch {
            return Result(name: name, op: "?", outcome: .skipped, detail: "model does not load: \(error.message)")
        }
        guard let graph = model.graph else { return Result(name: name, op: "?", outcome: .skipped, detail: "no graph") }
        let op = graph.nodes.count == 1 ? (graph.nodes[0].domain.isEmpty ? "" : graph.nodes[0].domain + ".") + graph.nodes[0].opType : "composite"
        // Sequence / optional / map values are not tensors: not supported by this executor.
        for v in graph.inputs + graph.outputs {
            if let t = v.type, t.tensor == nil {
                return Result(name: name, op: op, outcome: .skipped, detail: "\(v.name) is a \(t) value")
            }
        }
        var sets = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix("test_data_set_") }.sorted()
        // Frozen cases keep their .pb files next to the model.
        if sets.isEmpty, FileManager.default.fileExists(atPath: directory + "/output_0.pb") { sets = ["."] }
        guard !sets.isEmpty else { return Result(name: name, op: op, outcome: .skipped, detail: "no test data sets") }
        let executor = Executor(graph: graph, functions: model.functions)
        let initializers = Set(graph.initializers.map(\.name))
        let inputNames = graph.inputs.map(\.name).filter { !initializers.contains($0) }
        for set in sets {
            let dir = directory + "/" + set
            var feeds: [String: Tensor] = [:]
            var expected: [Tensor] = []
            do throws(ExecutionError) {
                for (k, name) in inputNames.enumerated() {
                    let path = dir + "/input_\(k).pb"
                    guard FileManager.default.fileExists(atPath: path) else { continue }
                    feeds[name] = try Self.tensor(path)
                }
                var k = 0
                while FileManager.default.fileExists(atPath: dir + "/output_\(k).pb") {
                    expected.append(try Self.tensor(dir + "/output_\(k).pb"))
                    k += 1
                }
                let outputs = try executor.run(feeds)
                for (i, e) in expected.enumerated() where i < graph.outputs.count {
                    guard let actual = outputs[graph.outputs[i].name] else {
                        return Result(name: name, op: op, outcome: .failed, detail: "output \(graph.outputs[i].name) missing")
                    }
                    let c = TensorComparison.compare(actual, e, rtol: rtol, atol: atol)
                    if !c.matches {
                        return Result(name: name, op: op, outcome: .failed, detail: "\(set) \(graph.outputs[i].name): \(c.detail)")
                    }
                }
            } catch {
                return Result(name: name, op: op, outcome: Self.skipCodes.contains(error.code) ? .skipped : .failed, detail: error.description)
            }
        }
        return Result(name: name, op: op, outcome: .passed, detail: "")
    }

    /// A `.pb` TensorProto as a tensor.
    public static func tensor(_ path: String) throws(ExecutionError) -> Tensor {
        let info: TensorInfo
        do throws(LoadError) { info = try TensorProtoFile.load(path) } catch {
            throw ExecutionError("unsupported-type", "\(path): \(error.message)")
        }
        if case .dtype(.string) = info.type {
            guard let data = FileManager.default.contents(atPath: path), let values = StringTensorProto.strings(Array(data)),
                  let dims = info.shape.fixedDims else { throw ExecutionError("unsupported-type", "\(path): unreadable string tensor") }
            let shape = dims.map { Int(clamping: $0) }
            guard values.count == shape.reduce(1, *) else { throw ExecutionError("unsupported-type", "\(path): \(values.count) strings for shape \(shape)") }
            var t = Tensor(zeros: .string, shape)
            t.strings = values
            return t
        }
        return try TensorMaterializer().tensor(info)
    }
}
