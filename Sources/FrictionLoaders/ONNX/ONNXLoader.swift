import FrictionCore

/// Reads ONNX models (ModelProto) with a wire-format reader of its own: offsets on every error,
/// payloads never copied, external data confined to the model's folder, structural facts
/// (cycles, SSA, topological order, unknown domains) reported as issues.
enum ONNXLoader {
    /// ModelProto field tags that may follow `ir_version` at the start of a file.
    static let secondTags: Set<UInt8> = [0x12, 0x1A, 0x22, 0x28, 0x32, 0x3A, 0x42, 0x72, 0xCA]

    /// Content sniff: `ir_version` (field 1, varint 1…20) followed by another ModelProto field.
    static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 3 && bytes[0] == 0x08 && (1...20).contains(bytes[1]) && secondTags.contains(bytes[2])
    }

    static func load(_ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> Model {
        let directory = ctx.file.contains("/") ? String(ctx.file[..<(ctx.file.lastIndex(of: "/") ?? ctx.file.endIndex)]) : "."
        var decoder = ONNXDecoder(bytes: bytes, ctx: ctx, modelDirectory: directory.isEmpty ? "/" : directory)
        let parts: ONNXDecoder.ModelParts
        do throws(ProtoError) {
            parts = try decoder.model()
        } catch {
            throw ctx.error(error.code, error.message, at: error.offset)
        }
        guard var graph = parts.graph else {
            throw ctx.error("onnx-no-graph", "not an ONNX model: no graph (ModelProto field 7)", at: 0)
        }
        if parts.opsets.isEmpty, (parts.irVersion ?? 3) >= 3 {
            throw ctx.error("onnx-no-opset", "ModelProto has no opset_import (required since IR version 3)", at: 0)
        }
        graph.opsetImports = parts.opsets
        graph.irVersion = parts.irVersion
        var model = Model(path: ctx.file, format: .onnx, sources: [ctx.source(.onnx, decodedSize: bytes.count)], issues: decoder.issues)
        model.tensors = graph.initializers
        for file in decoder.externalFiles.sorted() {
            model.sources.append(SourceFile(path: directory + "/" + file, format: .onnx, size: fileSize(directory + "/" + file)))
        }
        if parts.trainingInfo {
            model.issues.append(ctx.issue("onnx-training-info", "the model carries TrainingInfoProto (training algorithms); it is skipped", at: nil, level: .info))
        }
        model.issues += structureIssues(graph, functions: parts.functions, ctx: ctx)
        model.metadata = parts.metadata.map { MetadataEntry(key: $0.0, value: .string($0.1), location: Location(file: ctx.where_, offset: UInt64($0.2))) }
        var properties: [String: String] = [:]
        properties["onnx.ir_version"] = parts.irVersion.map(String.init)
        properties["onnx.producer"] = [parts.producer, parts.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        properties["onnx.opsets"] = parts.opsets.sorted { $0.key < $1.key }.map { "\($0.key.isEmpty ? "ai.onnx" : $0.key)=\($0.value)" }.joined(separator: ", ")
        if !parts.domain.isEmpty { properties["onnx.domain"] = parts.domain }
        if let v = parts.modelVersion { properties["onnx.model_version"] = String(v) }
        if !parts.doc.isEmpty { properties["onnx.doc"] = String(parts.doc.prefix(200)) }
        model.properties = properties.filter { !$0.value.isEmpty }
        model.graph = graph
        model.functions = parts.functions
        model.issues.sort()
        return model
    }

    /// Cycles, non-SSA values, unsorted nodes, unknown domains, undefined values.
    static func structureIssues(_ graph: Graph, functions: [GraphFunction], ctx: LoadContext) -> [LoadIssue] {
        var issues: [LoadIssue] = []
        let topology = GraphTopology(graph)
        func name(_ i: Int) -> String { graph.nodes[i].name.isEmpty ? "#\(i) \(graph.nodes[i].opType)" : graph.nodes[i].name }
        if !topology.cycle.isEmpty {
            issues.append(ctx.issue("onnx-cycle", "nodes form a cycle: " + topology.cycle.map(name).joined(separator: " → "), at: nil))
        } else if !topology.topologicallySorted {
            issues.append(ctx.issue("onnx-unsorted", "nodes are not in topological order (onnx.checker requires it)", at: nil))
        }
        for value in topology.producedTwice {
            issues.append(ctx.issue("onnx-not-ssa", "value \"\(value)\" is produced by more than one node", at: nil, path: value))
        }
        let functionDomains = Set(functions.map(\.domain))
        var reported = Set<String>()
        for node in graph.nodes where !node.domain.isEmpty && node.domain != "ai.onnx" && graph.opsetImports[node.domain] == nil {
            guard reported.insert(node.domain).inserted else { continue }
            let fn = functionDomains.contains(node.domain) ? " (a model-local function's domain still needs an opset import)" : ""
            issues.append(ctx.issue("onnx-unknown-domain", "node \(node.name) uses domain \(node.domain), which has no opset import\(fn)",
                                    at: node.offset.map(Int.init), path: node.name))
        }
        for (i, input) in topology.undefinedInputs {
            issues.append(ctx.issue("onnx-undefined-value", "node \(name(i)) reads \"\(input)\", which no node, input or initializer provides",
                                    at: graph.nodes[i].offset.map(Int.init), path: graph.nodes[i].name))
        }
        for output in topology.undefinedOutputs {
            issues.append(ctx.issue("onnx-undefined-value", "graph output \"\(output)\" is produced by no node", at: nil, path: output))
        }
        return issues
    }
}

#if canImport(Glibc)
import Glibc
#endif

func fileSize(_ path: String) -> UInt64 {
    var info = stat()
    return stat(path, &info) == 0 ? UInt64(info.st_size) : 0
}
