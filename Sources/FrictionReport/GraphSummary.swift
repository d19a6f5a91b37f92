import FrictionAnalysis
import FrictionCore

/// What `friction inspect` shows about a model's graph: I/O with symbolic shapes, the op
/// histogram, external data files, the largest constants, and how much shape inference knew.
public struct GraphSummary: Sendable {
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    /// `domain::op` (default domain without prefix) → count, most frequent first.
    public var ops: [(String, Int)]
    public var nodeCount: Int
    public var externalFiles: [(String, UInt64)]
    public var largestConstants: [TensorInfo]
    public var inference: ShapeInferenceResult?

    public init(model: Model, graph: Graph, inference: ShapeInferenceResult?) {
        let initializers = Set(graph.initializers.map(\.name))
        inputs = graph.inputs.filter { !initializers.contains($0.name) }
        outputs = graph.outputs
        var histogram: [String: Int] = [:]
        var count = 0
        func walk(_ g: Graph) {
            for node in g.nodes {
                count += 1
                let key = node.domain.isEmpty || node.domain == "ai.onnx" ? node.opType : "\(node.domain)::\(node.opType)"
                histogram[key, default: 0] += 1
                for a in node.attributes { for sub in a.value.subgraphs { walk(sub) } }
            }
        }
        walk(graph)
        ops = histogram.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        nodeCount = count
        let main = model.sources.first?.path
        externalFiles = model.sources.filter { $0.path != main }.map { ($0.path, $0.size) }
        largestConstants = Array(graph.initializers.sorted { ($1.storage.byteCount, $0.name) < ($0.storage.byteCount, $1.name) }.prefix(5))
        self.inference = inference
    }

    static func describe(_ v: ValueInfo) -> String {
        switch v.type {
        case .tensor(let e, let s)?: "\(v.name)  \(e?.description ?? "?") \(s?.description ?? "unranked")"
        case let other?: "\(v.name)  \(other)"
        case nil: "\(v.name)  (no type)"
        }
    }

    /// Text lines for the inspect report.
    public func lines(style: Style) -> [String] {
        var out = ["", style.bold("  graph") + "  \(nodeCount) nodes"]
        out += inputs.map { "    input   " + Self.describe($0) }
        out += outputs.map { v in
            var line = "    output  " + Self.describe(v)
            if let inferred = inference?.values[v.name], let shape = inferred.shape, case .tensor(_, nil)? = v.type {
                line += "  (inferred \(shape))"
            }
            return line
        }
        out.append("    ops     " + ops.map { "\($0.0) ×\($0.1)" }.joined(separator: ", "))
        for (file, size) in externalFiles { out.append("    external data  \(file)  \(Units.bytes(size))") }
        if !largestConstants.isEmpty {
            out.append("    largest constants  " + largestConstants.map { "\($0.name) \($0.type) \($0.shape) \(Units.bytes($0.storage.byteCount))" }.joined(separator: "; "))
        }
        if let inference {
            out.append("    shapes  \(inference.knownCount) of \(inference.totalCount) values known")
            for b in inference.blocked.prefix(10) { out.append("    blocked " + style.yellow("\(b.node) (\(b.opType))") + ": \(b.reason)") }
            if inference.blocked.count > 10 { out.append("    … \(inference.blocked.count - 10) more blocked nodes") }
        }
        return out
    }

    /// The JSON object for `inspect --format json`.
    public var json: JSONValue {
        func value(_ v: ValueInfo) -> JSONValue {
            var members: [(String, JSONValue)] = [("name", .string(v.name))]
            if case .tensor(let e, let s)? = v.type {
                members.append(("dtype", e.map { .string($0.description) } ?? .null))
                members.append(("shape", s.map { .array($0.dims.map(InspectJSON.dim)) } ?? .null))
            } else {
                members.append(("type", v.type.map { .string($0.description) } ?? .null))
            }
            return .object(members)
        }
        var members: [(String, JSONValue)] = [
            ("inputs", .array(inputs.map(value))), ("outputs", .array(outputs.map(value))), ("node_count", .int(Int64(nodeCount))),
            ("ops", .object(ops.map { ($0.0, JSONValue.int(Int64($0.1))) })),
            ("external_data", .array(externalFiles.map { .object([("file", .string($0.0)), ("size", .uint($0.1))]) })),
            ("largest_constants", .array(largestConstants.map { .object([("name", .string($0.name)), ("bytes", .uint($0.storage.byteCount))]) })),
        ]
        if let inference {
            members.append(("shape_inference", .object([
                ("known", .int(Int64(inference.knownCount))), ("total", .int(Int64(inference.totalCount))),
                ("blocked", .array(inference.blocked.map { .object([("node", .string($0.node)), ("op", .string($0.opType)), ("reason", .string($0.reason))]) })),
                ("values", .object(inference.values.sorted { $0.key < $1.key }.map { key, v in
                    (key, JSONValue.object([("dtype", v.type.map { .string($0.description) } ?? .null),
                                            ("shape", v.shape.map { .array($0.dims.map(InspectJSON.dim)) } ?? .null)]))
                })),
            ])))
        }
        return .object(members)
    }
}
