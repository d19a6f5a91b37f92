/// A computation graph (ONNX and friends): nodes, the values that flow between them, and
/// initializers. Subgraphs of If / Loop / Scan are graphs in node attributes.
public struct Graph: Sendable, Hashable {
    public var name: String
    public var nodes: [GraphNode]
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    /// Declared types of intermediate values (ONNX `value_info`).
    public var valueInfo: [ValueInfo]
    /// Constant tensors (weights); payloads stay in their file.
    public var initializers: [TensorInfo]
    public var sparseInitializers: [SparseTensorInfo]
    /// Operator-set versions by domain (`""` is the default ONNX domain). Set on the main graph.
    public var opsetImports: [String: Int64]
    public var irVersion: Int64?
    public var doc: String

    public init(name: String = "", nodes: [GraphNode] = [], inputs: [ValueInfo] = [], outputs: [ValueInfo] = [],
                valueInfo: [ValueInfo] = [], initializers: [TensorInfo] = [], sparseInitializers: [SparseTensorInfo] = [],
                opsetImports: [String: Int64] = [:], irVersion: Int64? = nil, doc: String = "") {
        self.name = name
        self.nodes = nodes
        self.inputs = inputs
        self.outputs = outputs
        self.valueInfo = valueInfo
        self.initializers = initializers
        self.sparseInitializers = sparseInitializers
        self.opsetImports = opsetImports
        self.irVersion = irVersion
        self.doc = doc
    }

    /// The default-domain opset (`""` or `ai.onnx`).
    public var defaultOpset: Int64? { opsetImports[""] ?? opsetImports["ai.onnx"] }
}

/// One operator application in a graph.
public struct GraphNode: Sendable, Hashable {
    public var name: String
    public var opType: String
    public var domain: String
    /// Input value names; `""` marks an omitted optional input.
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [NodeAttribute]
    public var doc: String
    /// Where the node's record starts in its file, for findings.
    public var offset: UInt64?

    public init(name: String, opType: String, domain: String = "", inputs: [String] = [], outputs: [String] = [],
                attributes: [NodeAttribute] = [], doc: String = "", offset: UInt64? = nil) {
        self.name = name
        self.opType = opType
        self.domain = domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.doc = doc
        self.offset = offset
    }

    /// The attribute named `name`.
    public func attribute(_ name: String) -> AttributeValue? { attributes.first { $0.name == name }?.value }

    /// An integer attribute.
    public func int(_ name: String) -> Int64? { if case .int(let v)? = attribute(name) { v } else { nil } }
    /// An integer-list attribute.
    public func ints(_ name: String) -> [Int64]? { if case .ints(let v)? = attribute(name) { v } else { nil } }
    /// A float attribute.
    public func float(_ name: String) -> Float? { if case .float(let v)? = attribute(name) { v } else { nil } }
    /// A string attribute, decoded as UTF-8.
    public func string(_ name: String) -> String? {
        if case .string(let v)? = attribute(name) { String(decoding: v, as: UTF8.self) } else { nil }
    }
}

/// A named attribute of a node.
public struct NodeAttribute: Sendable, Hashable {
    public var name: String
    public var value: AttributeValue
    public init(name: String, value: AttributeValue) {
        self.name = name
        self.value = value
    }
}

/// An attribute value of any ONNX attribute type.
public indirect enum AttributeValue: Sendable, Hashable {
    case float(Float), int(Int64), string([UInt8]), tensor(TensorInfo), graph(Graph), sparseTensor(SparseTensorInfo), type(ValueType)
    case floats([Float]), ints([Int64]), strings([[UInt8]]), tensors([TensorInfo]), graphs([Graph])
    case sparseTensors([SparseTensorInfo]), types([ValueType])
    /// A reference to an attribute of the enclosing function (`ref_attr_name`).
    case reference(String)

    /// A JSON view for rules and reports (tensors and graphs are summarised).
    public var json: JSONValue {
        switch self {
        case .float(let v): .double(Double(v))
        case .int(let v): .int(v)
        case .string(let v): .string(String(decoding: v, as: UTF8.self))
        case .tensor(let t): .string("tensor \(t.type) \(t.shape)")
        case .graph(let g): .string("graph \(g.name) (\(g.nodes.count) nodes)")
        case .sparseTensor(let s): .string("sparse tensor \(s.values.type) \(s.shape)")
        case .type(let t): .string(t.description)
        case .floats(let v): .array(v.map { .double(Double($0)) })
        case .ints(let v): .array(v.map(JSONValue.int))
        case .strings(let v): .array(v.map { .string(String(decoding: $0, as: UTF8.self)) })
        case .tensors(let v): .array(v.map { .string("tensor \($0.type) \($0.shape)") })
        case .graphs(let v): .array(v.map { .string("graph \($0.name)") })
        case .sparseTensors(let v): .array(v.map { .string("sparse tensor \($0.shape)") })
        case .types(let v): .array(v.map { .string($0.description) })
        case .reference(let r): .string("@\(r)")
        }
    }

    /// Subgraphs held by this attribute.
    public var subgraphs: [Graph] {
        switch self {
        case .graph(let g): [g]
        case .graphs(let gs): gs
        default: []
        }
    }
}

/// The type of a value in a graph (ONNX `TypeProto`).
public indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    /// A tensor: element type (nil when undefined) and shape (nil when unranked).
    case tensor(ElementType?, Shape?)
    case sparseTensor(ElementType?, Shape?)
    case sequence(ValueType?)
    case map(key: ElementType?, value: ValueType?)
    case optional(ValueType?)

    public var description: String {
        switch self {
        case .tensor(let e, let s): "tensor(\(e?.description ?? "?"), \(s?.description ?? "unranked"))"
        case .sparseTensor(let e, let s): "sparse_tensor(\(e?.description ?? "?"), \(s?.description ?? "unranked"))"
        case .sequence(let t): "seq(\(t?.description ?? "?"))"
        case .map(let k, let v): "map(\(k?.description ?? "?"), \(v?.description ?? "?"))"
        case .optional(let t): "optional(\(t?.description ?? "?"))"
        }
    }

    /// The tensor element type and shape, for tensor types.
    public var tensor: (ElementType?, Shape?)? {
        if case .tensor(let e, let s) = self { (e, s) } else { nil }
    }
}

/// A named, typed value (graph input, output or intermediate).
public struct ValueInfo: Sendable, Hashable {
    public var name: String
    public var type: ValueType?
    public var doc: String

    public init(name: String, type: ValueType?, doc: String = "") {
        self.name = name
        self.type = type
        self.doc = doc
    }
}

/// A sparse tensor: values and indices (each a tensor) and the dense shape.
public struct SparseTensorInfo: Sendable, Hashable {
    public var values: TensorInfo
    public var indices: TensorInfo
    public var shape: Shape

    public init(values: TensorInfo, indices: TensorInfo, shape: Shape) {
        self.values = values
        self.indices = indices
        self.shape = shape
    }
}

/// A model-local function (ONNX `FunctionProto`).
public struct GraphFunction: Sendable, Hashable {
    public var name: String
    public var domain: String
    public var overload: String
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String]
    public var nodes: [GraphNode]
    public var opsetImports: [String: Int64]

    public init(name: String, domain: String, overload: String = "", inputs: [String], outputs: [String],
                attributes: [String], nodes: [GraphNode], opsetImports: [String: Int64]) {
        self.name = name
        self.domain = domain
        self.overload = overload
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.nodes = nodes
        self.opsetImports = opsetImports
    }
}
