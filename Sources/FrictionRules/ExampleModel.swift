import FrictionAnalysis
import FrictionCore
import FrictionNumerics

/// Builds models from the compact descriptions in rule examples, so every rule's examples run
/// as tests without binary fixtures:
///
/// ```yaml
/// model:
///   format: hf-folder            # safetensors (default), gguf, npy, npz, hf-folder, pickle, pytorch, zip
///   config: {torch_dtype: bfloat16}
///   metadata: {general.architecture: llama}
///   tensors: [{name: w, dtype: F32, shape: [4, 4], file: model.safetensors}]
///   issues: [{code: st-unaligned-header}]
///   load_error: {code: gguf-block-size, offset: 200}
///   graph: {opset: {"": 17}, nodes: [{op: Gelu, name: n0}]}
/// ```
public enum ExampleModel {
    public struct Built: Sendable {
        public var model: Model?
        public var error: LoadError?
        /// Values given inline for example tensors (`values: [...]`), by tensor name.
        public var values = ExampleValues(byName: [:])

        /// Statistics of the tensors with inline values, as a weight scan would compute them.
        public var statistics: [String: TensorStatistics] {
            var out: [String: TensorStatistics] = [:]
            for t in model?.tensors ?? [] {
                guard let numbers = values.doubles(t) else { continue }
                let floats = numbers.map(Float.init)
                let last = t.shape.fixedDims?.last ?? 0
                let sparsity: (n: Int, m: Int)? = t.shape.rank >= 2 && last % 4 == 0 ? (2, 4) : nil
                out[CheckContext.key(t)] = floats.withUnsafeBytes {
                    StatisticsScanner.scan($0, type: .float32, count: floats.count, sparsity: sparsity, threads: 1)
                }
            }
            return out
        }
    }

    /// The inline values of an example's tensors.
    public struct ExampleValues: TensorValues {
        public var byName: [String: [JSONValue]]
        /// Integer views of integer tensors only (float tensors give nil, as ``TensorReader`` does).
        public func int64s(_ tensor: TensorInfo) -> [Int64]? {
            if case .dtype(let d) = tensor.type, d.traits.family == .float { return nil }
            return byName[tensor.name]?.map { $0.int64Value ?? Int64(exactly: ($0.doubleValue ?? 0).rounded()) ?? 0 }
        }
        public func doubles(_ tensor: TensorInfo) -> [Double]? {
            byName[tensor.name]?.map { v in v.doubleValue ?? (v.stringValue == "nan" ? .nan : v.stringValue == "inf" ? .infinity : v.stringValue == "-inf" ? -.infinity : 0) }
        }
    }

    public static func build(_ spec: JSONValue, path: String = "example") throws(ParamError) -> Built {
        let formatName = spec["format"]?.stringValue ?? "safetensors"
        guard let format = ModelFormat(rawValue: formatName) else { throw ParamError("unknown example format '\(formatName)'") }
        let defaultFile = format == .folder ? "\(path)/model.safetensors" : path
        if let e = spec["load_error"] {
            let code = e["code"]?.stringValue ?? "io-error"
            return Built(model: nil, error: LoadError(code, e["message"]?.stringValue ?? "synthesized load error", file: path,
                                                      offset: e["offset"]?.int64Value.map { UInt64(clamping: $0) }, path: e["path"]?.stringValue))
        }
        var model = Model(path: path, format: format)
        if let config = spec["config"] {
            model.metadata.append(MetadataEntry(key: "config.json", value: .json(config), location: Location(file: "\(path)/config.json")))
        }
        if case .object(let entries)? = spec["metadata"] {
            for e in entries {
                model.metadata.append(MetadataEntry(key: e.key, value: metadataValue(e.value, gguf: format == .gguf),
                                                    location: Location(file: defaultFile)))
            }
        }
        var offsets: [String: UInt64] = [:]
        var built = Built(model: nil, error: nil)
        var tensorSpecs: [JSONValue] = []
        if case .array(let tensors)? = spec["tensors"] { tensorSpecs += tensors }
        if case .array(let inits)? = spec["graph"]?["initializers"] { tensorSpecs += inits }
        do {
            for t in tensorSpecs {
                guard let name = t["name"]?.stringValue, let typeName = t["dtype"]?.stringValue else {
                    throw ParamError("an example tensor needs name and dtype")
                }
                guard let type = elementType(typeName) else { throw ParamError("unknown dtype '\(typeName)' in example tensor \(name)") }
                var dims: [UInt64] = []
                if case .array(let ds)? = t["shape"] { dims = ds.compactMap { $0.int64Value.map { UInt64(max(0, $0)) } } }
                let file = t["file"]?.stringValue.map { format == .folder ? "\(path)/\($0)" : $0 } ?? defaultFile
                guard let count = Shape.checkedProduct(dims), let bytes = type.byteCount(elements: count),
                      case let (end, overflow) = offsets[file, default: 0].addingReportingOverflow(bytes), !overflow else {
                    throw ParamError("example tensor \(name): shape \(dims) is too large")
                }
                let begin = offsets[file, default: 0]
                offsets[file] = end
                let stored: String = switch type {
                case .dtype(let d): d.traits.safetensors ?? d.rawValue
                case .ggml(let g): g.name
                case .unknown(let u): u
                }
                model.tensors.append(TensorInfo(name: name, type: type, storedType: stored, shape: Shape(fixed: dims),
                                                storage: TensorStorage(file: file, range: begin..<end)))
                if case .array(let vs)? = t["values"] { built.values.byName[name] = vs }
            }
        }
        for file in offsets.keys.sorted() {
            model.sources.append(SourceFile(path: file, format: format == .folder ? .safetensors : format, size: offsets[file] ?? 0))
        }
        if case .array(let issues)? = spec["issues"] {
            for i in issues {
                model.issues.append(LoadIssue(code: i["code"]?.stringValue ?? "issue", message: i["message"]?.stringValue ?? "synthesized issue",
                                              location: Location(file: defaultFile, offset: i["offset"]?.int64Value.map { UInt64(clamping: $0) }, path: i["path"]?.stringValue)))
            }
        }
        if case .array(let globals)? = spec["pickle_globals"] {
            for g in globals {
                model.pickleGlobals.append(PickleGlobalRef(
                    module: g["module"]?.stringValue ?? "", name: g["name"]?.stringValue ?? "", opcode: g["opcode"]?.stringValue ?? "GLOBAL",
                    location: Location(file: defaultFile, offset: g["offset"]?.int64Value.map { UInt64(clamping: $0) })))
            }
        }
        // A torch checkpoint's pickle: one stream torch.load reads, holding the globals above and
        // the opcodes listed (in order of first use).
        if format == .pytorch {
            let ops = Knowledge.strings(spec["pickle_opcodes"]).enumerated().map { PickleStream.OpcodeUse(name: $0.element, offset: UInt64($0.offset)) }
            model.pickleStreams.append(PickleStream(location: Location(file: defaultFile, offset: 0), protocolVersion: 2, opcodes: ops,
                                                    readByTorchLoad: true, globals: 0..<model.pickleGlobals.count))
        }
        if case .object(let properties)? = spec["properties"] {
            for p in properties { model.properties[p.key] = p.value.stringValue ?? "" }
        }
        if let g = spec["graph"] {
            var graph = Graph()
            if case .object(let opsets)? = g["opset"] { for o in opsets { graph.opsetImports[o.key] = o.value.int64Value ?? 0 } }
            graph.irVersion = g["ir_version"]?.int64Value
            var initializerNames = Set<String>()
            if case .array(let inits)? = g["initializers"] { initializerNames = Set(inits.compactMap { $0["name"]?.stringValue }) }
            graph.initializers = model.tensors.filter { initializerNames.contains($0.name) }
            graph.inputs = valueInfos(g["inputs"])
            graph.outputs = valueInfos(g["outputs"])
            if case .array(let nodes)? = g["nodes"] {
                for (i, n) in nodes.enumerated() {
                    var attributes: [NodeAttribute] = []
                    if case .object(let attrs)? = n["attributes"] {
                        for a in attrs { attributes.append(NodeAttribute(name: a.key, value: attributeValue(a.value))) }
                    }
                    graph.nodes.append(GraphNode(name: n["name"]?.stringValue ?? "node_\(i)", opType: n["op"]?.stringValue ?? "",
                                                 domain: n["domain"]?.stringValue ?? "", inputs: Knowledge.strings(n["inputs"]),
                                                 outputs: Knowledge.strings(n["outputs"]), attributes: attributes))
                }
            }
            model.graph = graph
        }
        built.model = model
        return built
    }

    /// Graph inputs/outputs: `{name, dtype, shape}` with string dims as symbols.
    static func valueInfos(_ v: JSONValue?) -> [ValueInfo] {
        guard case .array(let items)? = v else { return [] }
        return items.map { item in
            var dims: [Dim] = []
            if case .array(let ds)? = item["shape"] {
                dims = ds.map { d in d.int64Value.map { Dim.fixed(UInt64(max(0, $0))) } ?? .symbolic(d.stringValue ?? "?") }
            }
            let type = item["dtype"]?.stringValue.flatMap(elementType)
            return ValueInfo(name: item["name"]?.stringValue ?? "", type: .tensor(type, item["shape"] == nil ? nil : Shape(dims)))
        }
    }

    /// ONNX attribute values from plain YAML: ints, floats, strings and lists of them.
    static func attributeValue(_ v: JSONValue) -> AttributeValue {
        switch v {
        case .int(let i): return .int(i)
        case .uint(let u): return .int(Int64(clamping: u))
        case .double(let d): return .float(Float(d))
        case .bool(let b): return .int(b ? 1 : 0)
        case .array(let items):
            if items.allSatisfy({ if case .int = $0 { true } else { false } }) { return .ints(items.compactMap(\.int64Value)) }
            if items.allSatisfy({ $0.doubleValue != nil }) { return .floats(items.compactMap { $0.doubleValue.map(Float.init) }) }
            return .strings(items.map { Array(($0.stringValue ?? $0.serialized()).utf8) })
        default: return .string(Array((v.stringValue ?? v.serialized()).utf8))
        }
    }

    /// A dtype by canonical name, safetensors name or ggml name.
    public static func elementType(_ name: String) -> ElementType? {
        if let d = DType(rawValue: name) { return .dtype(d) }
        if let d = DType.fromSafetensors(name) { return .dtype(d) }
        if let g = GGMLType.named(name) { return g.element.map { _ in .ggml(g) } ?? .ggml(g) }
        return nil
    }

    /// GGUF-typed values from plain YAML: ints → UINT32 (INT32 if negative, 64-bit if large),
    /// floats → FLOAT32, arrays by their first element; `{type: UINT64, value: 5}` is explicit.
    static func metadataValue(_ v: JSONValue, gguf: Bool) -> MetadataValue {
        if let type = v["type"]?.stringValue, let value = v["value"] {
            switch type {
            case "UINT64": return .uint64(UInt64(clamping: value.int64Value ?? 0))
            case "INT64": return .int64(value.int64Value ?? 0)
            case "FLOAT64": return .float64(value.doubleValue ?? 0)
            case "UINT8": return .uint8(UInt8(clamping: value.int64Value ?? 0))
            case "INT32": return .int32(Int32(clamping: value.int64Value ?? 0))
            default: return metadataValue(value, gguf: gguf)
            }
        }
        guard gguf else { return v.stringValue.map(MetadataValue.string) ?? .json(v) }
        switch v {
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .int(let i): return i < 0 ? (i >= Int64(Int32.min) ? .int32(Int32(i)) : .int64(i)) : (i <= Int64(UInt32.max) ? .uint32(UInt32(i)) : .uint64(UInt64(i)))
        case .uint(let u): return .uint64(u)
        case .double(let d): return .float32(Float(d))
        case .array(let items):
            let values = items.map { metadataValue($0, gguf: true) }
            let type = values.first.map(metadataType) ?? .uint32
            return .array(type, values)
        default: return .json(v)
        }
    }

    static func metadataType(_ v: MetadataValue) -> MetadataType {
        switch v {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .uint64: .uint64
        case .int64: .int64
        case .float32: .float32
        case .float64: .float64
        case .bool: .bool
        case .string, .json: .string
        case .array: .array
        }
    }
}
