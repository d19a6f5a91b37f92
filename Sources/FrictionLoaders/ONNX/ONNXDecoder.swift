import FrictionCore

/// Decodes ONNX protobuf messages into friction's graph IR. Field numbers are those of
/// onnx/onnx.proto3 (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, …).
/// Tensor payloads are never copied: tensors keep their file and byte range.
struct ONNXDecoder {
    let bytes: UnsafeRawBufferPointer
    let ctx: LoadContext
    /// Folder that external data locations are resolved in.
    let modelDirectory: String
    var issues: [LoadIssue] = []
    var externalFiles: Set<String> = []
    /// Deepest subgraph nesting accepted (`--limit onnx-graph-depth`).
    var maxGraphDepth: Int { ctx.options.maxONNXGraphDepth }
    /// Nodes decoded so far, against `--limit onnx-nodes`.
    var nodeCount = 0
    /// Deepest TypeProto nesting accepted.
    static let maxTypeDepth = 32

    init(bytes: UnsafeRawBufferPointer, ctx: LoadContext, modelDirectory: String) {
        self.bytes = bytes
        self.ctx = ctx
        self.modelDirectory = modelDirectory
    }

    struct ModelParts {
        var irVersion: Int64?
        var opsets: [String: Int64] = [:]
        var producer = ""
        var producerVersion = ""
        var domain = ""
        var modelVersion: Int64?
        var doc = ""
        var metadata: [(String, String, Int)] = []
        var graph: Graph?
        var functions: [GraphFunction] = []
        var trainingInfo = false
    }

    mutating func model() throws(ProtoError) -> ModelParts {
        var parts = ModelParts()
        var reader = ProtoReader(bytes, range: 0..<bytes.count)
        let m = "ModelProto"
        while let f = try reader.next() {
            switch f.number {
            case 1: parts.irVersion = Int64(bitPattern: try f.integer(m))
            case 2: parts.producer = try f.string(bytes, m)
            case 3: parts.producerVersion = try f.string(bytes, m)
            case 4: parts.domain = try f.string(bytes, m)
            case 5: parts.modelVersion = Int64(bitPattern: try f.integer(m))
            case 6: parts.doc = try f.string(bytes, m)
            case 7: parts.graph = try graph(try f.payload(m), depth: 0)
            case 8:
                let (domain, version) = try opset(try f.payload(m))
                parts.opsets[domain] = version
            case 14:
                let (k, v) = try entry(try f.payload(m))
                parts.metadata.append((k, v, f.tagOffset))
            case 20:
                _ = try f.payload(m)
                parts.trainingInfo = true
            case 25: parts.functions.append(try function(try f.payload(m)))
            default: break
            }
        }
        return parts
    }

    func opset(_ range: Range<Int>) throws(ProtoError) -> (String, Int64) {
        var reader = ProtoReader(bytes, range: range)
        var domain = ""
        var version: Int64 = 0
        while let f = try reader.next() {
            switch f.number {
            case 1: domain = try f.string(bytes, "OperatorSetIdProto")
            case 2: version = Int64(bitPattern: try f.integer("OperatorSetIdProto"))
            default: break
            }
        }
        return (domain, version)
    }

    func entry(_ range: Range<Int>) throws(ProtoError) -> (String, String) {
        var reader = ProtoReader(bytes, range: range)
        var key = "", value = ""
        while let f = try reader.next() {
            switch f.number {
            case 1: key = try f.string(bytes, "StringStringEntryProto")
            case 2: value = try f.string(bytes, "StringStringEntryProto")
            default: break
            }
        }
        return (key, value)
    }

    mutating func graph(_ range: Range<Int>, depth: Int) throws(ProtoError) -> Graph {
        var g = Graph()
        var reader = ProtoReader(bytes, range: range)
        let m = "GraphProto"
        while let f = try reader.next() {
            switch f.number {
            case 1:
                nodeCount += 1
                guard nodeCount <= ctx.options.maxONNXNodes else {
                    throw ProtoError(code: "onnx-graph-size", offset: f.tagOffset,
                                     message: "more than \(ctx.options.maxONNXNodes) nodes (raise with --limit onnx-nodes=N)")
                }
                g.nodes.append(try node(try f.payload(m), tag: f.tagOffset, depth: depth))
            case 2: g.name = try f.string(bytes, m)
            case 5: g.initializers.append(try tensor(try f.payload(m), tag: f.tagOffset))
            case 10: g.doc = try f.string(bytes, m)
            case 11: g.inputs.append(try valueInfo(try f.payload(m)))
            case 12: g.outputs.append(try valueInfo(try f.payload(m)))
            case 13: g.valueInfo.append(try valueInfo(try f.payload(m)))
            case 15: g.sparseInitializers.append(try sparseTensor(try f.payload(m), tag: f.tagOffset))
            default: break
            }
        }
        return g
    }

    mutating func node(_ range: Range<Int>, tag: Int, depth: Int) throws(ProtoError) -> GraphNode {
        var n = GraphNode(name: "", opType: "", offset: UInt64(tag))
        var reader = ProtoReader(bytes, range: range)
        let m = "NodeProto"
        while let f = try reader.next() {
            switch f.number {
            case 1: n.inputs.append(try f.string(bytes, m))
            case 2: n.outputs.append(try f.string(bytes, m))
            case 3: n.name = try f.string(bytes, m)
            case 4: n.opType = try f.string(bytes, m)
            case 5: n.attributes.append(try attribute(try f.payload(m), depth: depth))
            case 6: n.doc = try f.string(bytes, m)
            case 7: n.domain = try f.string(bytes, m)
            default: break
            }
        }
        return n
    }

    mutating func attribute(_ range: Range<Int>, depth: Int) throws(ProtoError) -> NodeAttribute {
        var reader = ProtoReader(bytes, range: range)
        let m = "AttributeProto"
        var name = ""
        var declared: UInt64?
        var ref: String?
        var f32: Float?, i64: Int64?, s: [UInt8]?, t: TensorInfo?, g: Graph?, sp: SparseTensorInfo?, tp: ValueType?
        var floats: [Float] = [], ints: [Int64] = [], strings: [[UInt8]] = [], tensors: [TensorInfo] = []
        var graphs: [Graph] = [], sparses: [SparseTensorInfo] = [], types: [ValueType] = []
        while let f = try reader.next() {
            switch f.number {
            case 1: name = try f.string(bytes, m)
            case 20: declared = try f.integer(m)
            case 21: ref = try f.string(bytes, m)
            case 2:
                guard case .fixed32(let v) = f.value else { throw f.wrongType("a 32-bit float", in: m) }
                f32 = Float(bitPattern: v)
            case 3: i64 = Int64(bitPattern: try f.integer(m))
            case 4: s = Array(UnsafeRawBufferPointer(rebasing: bytes[try f.payload(m)]))
            case 5: t = try tensor(try f.payload(m), tag: f.tagOffset)
            case 6, 11:
                guard depth + 1 <= maxGraphDepth else {
                    throw ProtoError(code: "onnx-nesting", offset: f.tagOffset, message: "subgraphs nest deeper than \(maxGraphDepth) levels (raise with --limit onnx-graph-depth=N)")
                }
                let sub = try graph(try f.payload(m), depth: depth + 1)
                if f.number == 6 { g = sub } else { graphs.append(sub) }
            case 22: sp = try sparseTensor(try f.payload(m), tag: f.tagOffset)
            case 14: tp = try type(try f.payload(m), depth: 0)
            case 7: floats += try f.floats(bytes, m)
            case 8: ints += try f.varints(bytes, m).map { Int64(bitPattern: $0) }
            case 9: strings.append(Array(UnsafeRawBufferPointer(rebasing: bytes[try f.payload(m)])))
            case 10: tensors.append(try tensor(try f.payload(m), tag: f.tagOffset))
            case 23: sparses.append(try sparseTensor(try f.payload(m), tag: f.tagOffset))
            case 15: if let t = try type(try f.payload(m), depth: 0) { types.append(t) }
            default: break
            }
        }
        let value: AttributeValue
        if let ref {
            value = .reference(ref)
        } else {
            switch declared ?? 0 {
            case 1: value = .float(f32 ?? 0)
            case 2: value = .int(i64 ?? 0)
            case 3: value = .string(s ?? [])
            case 4: value = t.map(AttributeValue.tensor) ?? .tensors([])
            case 5: value = g.map(AttributeValue.graph) ?? .graphs([])
            case 11: value = sp.map(AttributeValue.sparseTensor) ?? .sparseTensors([])
            case 13: value = tp.map(AttributeValue.type) ?? .types([])
            case 6: value = .floats(floats)
            case 7: value = .ints(ints)
            case 8: value = .strings(strings)
            case 9: value = .tensors(tensors)
            case 10: value = .graphs(graphs)
            case 12: value = .sparseTensors(sparses)
            case 14: value = .types(types)
            default:
                // IR < 3 files may omit `type`: infer it from the field that is set.
                if let f32 { value = .float(f32) } else if let i64 { value = .int(i64) } else if let s { value = .string(s) }
                else if let t { value = .tensor(t) } else if let g { value = .graph(g) } else if !floats.isEmpty { value = .floats(floats) }
                else if !ints.isEmpty { value = .ints(ints) } else if !strings.isEmpty { value = .strings(strings) }
                else if !graphs.isEmpty { value = .graphs(graphs) } else { value = .tensors(tensors) }
            }
        }
        return NodeAttribute(name: name, value: value)
    }

    mutating func function(_ range: Range<Int>) throws(ProtoError) -> GraphFunction {
        var fn = GraphFunction(name: "", domain: "", inputs: [], outputs: [], attributes: [], nodes: [], opsetImports: [:])
        var reader = ProtoReader(bytes, range: range)
        let m = "FunctionProto"
        while let f = try reader.next() {
            switch f.number {
            case 1: fn.name = try f.string(bytes, m)
            case 4: fn.inputs.append(try f.string(bytes, m))
            case 5: fn.outputs.append(try f.string(bytes, m))
            case 6: fn.attributes.append(try f.string(bytes, m))
            case 11: fn.attributes.append(try attribute(try f.payload(m), depth: 0).name)
            case 7: fn.nodes.append(try node(try f.payload(m), tag: f.tagOffset, depth: 0))
            case 9:
                let (d, v) = try opset(try f.payload(m))
                fn.opsetImports[d] = v
            case 10: fn.domain = try f.string(bytes, m)
            case 13: fn.overload = try f.string(bytes, m)
            default: break
            }
        }
        return fn
    }

    func valueInfo(_ range: Range<Int>) throws(ProtoError) -> ValueInfo {
        var info = ValueInfo(name: "", type: nil)
        var reader = ProtoReader(bytes, range: range)
        while let f = try reader.next() {
            switch f.number {
            case 1: info.name = try f.string(bytes, "ValueInfoProto")
            case 2: info.type = try type(try f.payload("ValueInfoProto"), depth: 0)
            case 3: info.doc = try f.string(bytes, "ValueInfoProto")
            default: break
            }
        }
        return info
    }

    /// TypeProto: tensor (1), sequence (4), map (5), sparse tensor (8), optional (9).
    func type(_ range: Range<Int>, depth: Int) throws(ProtoError) -> ValueType? {
        guard depth <= Self.maxTypeDepth else {
            throw ProtoError(code: "onnx-nesting", offset: range.lowerBound, message: "types nest deeper than \(Self.maxTypeDepth) levels")
        }
        var reader = ProtoReader(bytes, range: range)
        var result: ValueType?
        while let f = try reader.next() {
            let m = "TypeProto"
            switch f.number {
            case 1, 8:
                let (elem, shape) = try tensorType(try f.payload(m))
                result = f.number == 1 ? .tensor(elem, shape) : .sparseTensor(elem, shape)
            case 4, 9:
                var inner = ProtoReader(bytes, range: try f.payload(m))
                var element: ValueType?
                while let g = try inner.next() { if g.number == 1 { element = try type(try g.payload(m), depth: depth + 1) } }
                result = f.number == 4 ? .sequence(element) : .optional(element)
            case 5:
                var inner = ProtoReader(bytes, range: try f.payload(m))
                var key: ElementType?, value: ValueType?
                while let g = try inner.next() {
                    if g.number == 1 { key = elementType(Int32(truncatingIfNeeded: try g.integer(m))) }
                    if g.number == 2 { value = try type(try g.payload(m), depth: depth + 1) }
                }
                result = .map(key: key, value: value)
            default: break
            }
        }
        return result
    }

    func tensorType(_ range: Range<Int>) throws(ProtoError) -> (ElementType?, Shape?) {
        var reader = ProtoReader(bytes, range: range)
        var elem: ElementType?
        var shape: Shape?
        while let f = try reader.next() {
            switch f.number {
            case 1: elem = elementType(Int32(truncatingIfNeeded: try f.integer("TypeProto.Tensor")))
            case 2: shape = try self.shape(try f.payload("TypeProto.Tensor"))
            default: break
            }
        }
        return (elem, shape)
    }

    /// TensorShapeProto: each dim is a value, a named parameter, or unknown (`?`).
    func shape(_ range: Range<Int>) throws(ProtoError) -> Shape {
        var reader = ProtoReader(bytes, range: range)
        var dims: [Dim] = []
        while let f = try reader.next() {
            guard f.number == 1 else { continue }
            var inner = ProtoReader(bytes, range: try f.payload("TensorShapeProto"))
            var dim = Dim.symbolic("?")
            while let g = try inner.next() {
                switch g.number {
                case 1:
                    let v = Int64(bitPattern: try g.integer("Dimension"))
                    dim = v >= 0 ? .fixed(UInt64(v)) : .symbolic("?")
                case 2: dim = .symbolic(try g.string(bytes, "Dimension"))
                default: break
                }
            }
            dims.append(dim)
        }
        return Shape(dims)
    }

    func elementType(_ code: Int32) -> ElementType? {
        guard code != 0 else { return nil }
        return DType.fromONNX(code).map(ElementType.dtype) ?? .unknown("onnx \(code)")
    }
}
