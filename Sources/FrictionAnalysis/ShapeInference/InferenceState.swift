import FrictionCore

/// What inference knows about one tensor while it runs: element type and sizes, each possibly unknown.
struct TensorFacts: Sendable, Hashable {
    var type: ElementType?
    /// The sizes, outermost first; nil when the rank is unknown, a nil element when one size is.
    var dims: [DimExpr?]?

    static let unknown = TensorFacts(type: nil, dims: nil)

    init(type: ElementType?, dims: [DimExpr?]?) {
        self.type = type
        self.dims = dims
    }

    /// The facts a declared type states (graph input, output or value_info); non-tensor types say nothing.
    init(declared: ValueType?) {
        guard case .tensor(let type, let shape)? = declared else {
            self = .unknown
            return
        }
        self.init(type: type, dims: shape.map { $0.dims.map(DimExpr.init) })
    }

    /// The facts of a stored tensor (initializer, Constant value).
    init(tensor: TensorInfo) {
        self.init(type: tensor.type, dims: tensor.shape.dims.map(DimExpr.init))
    }

    /// These facts with gaps filled from `declared`: the element type when unknown, the rank when
    /// unknown, and unknown sizes when the ranks agree. What inference found always wins.
    func filling(from declared: TensorFacts) -> TensorFacts {
        var out = TensorFacts(type: type ?? declared.type, dims: dims ?? declared.dims)
        if let mine = dims, let theirs = declared.dims, mine.count == theirs.count {
            out.dims = zip(mine, theirs).map { $0 ?? $1 }
        }
        return out
    }

    /// The public view.
    var inferred: InferredValue { InferredValue(type: type, shape: dims.map(DimExpr.shape)) }
}

/// Everything inference knows while it walks a graph: each value's facts, the element values of
/// small integer tensors (shape tensors) for data propagation, and the nodes that blocked it.
struct InferenceState {
    /// Facts for every value seen so far.
    var facts: [String: TensorFacts] = [:]
    /// Declared facts (value_info, graph outputs) that fill gaps in what a node's outputs infer to.
    var declared: [String: TensorFacts] = [:]
    /// Partial element values of small integer tensors, row-major; a nil element is unknown.
    var data: [String: [DimExpr?]] = [:]
    /// Element values of small floating-point constants (Resize scales).
    var doubles: [String: [Double]] = [:]
    /// Initializers whose values may be read on demand through ``reader``.
    var constants: [String: TensorInfo] = [:]
    /// Values whose unknown rank is already explained by a recorded blocked node.
    var tainted: Set<String> = []
    var blocked: [BlockedNode] = []
    /// Operator-set versions by domain.
    let opsets: [String: Int64]
    let reader: any TensorValues
    /// The enclosing graph's state when this one infers a subgraph (zero or one element); it shares
    /// the parent's storage, which nothing mutates while the subgraph runs.
    var outer: [InferenceState] = []
    /// Model-local functions by ``FunctionOps/key(domain:name:)``.
    var functions: [String: GraphFunction] = [:]
    /// Subgraph nesting depth, capped at ``maxDepth``.
    var depth = 0
    /// Prepended to blocked reasons inside subgraphs ("in then_branch of If 'x': ").
    var scope = ""

    /// The largest tensor whose element values are tracked or read.
    static let maxDataElements = 1024
    /// The deepest subgraph nesting inference follows.
    static let maxDepth = 16
    /// The default-domain opset assumed when a model declares none.
    static let assumedOpset: Int64 = 21

    init(opsets: [String: Int64], reader: any TensorValues) {
        self.opsets = opsets
        self.reader = reader
    }

    /// The opset version that governs `domain`.
    func opset(for domain: String) -> Int64 {
        if domain.isEmpty || domain == "ai.onnx" { return opsets[""] ?? opsets["ai.onnx"] ?? Self.assumedOpset }
        return opsets[domain] ?? 1
    }

    /// What is known about `name`, here or in an enclosing graph.
    func lookup(_ name: String) -> TensorFacts? { facts[name] ?? outer.first?.lookup(name) }

    /// Whether `name`'s unknown rank has already been reported, here or in an enclosing graph.
    func isTainted(_ name: String) -> Bool {
        facts[name] != nil ? tainted.contains(name) : outer.first?.isTainted(name) ?? false
    }

    /// The partial element values of `name`: tracked data, or a small integer initializer read now,
    /// here or in an enclosing graph.
    func data(of name: String) -> [DimExpr?]? {
        if let values = data[name] { return values }
        if facts[name] == nil, let parent = outer.first { return parent.data(of: name) }
        guard let tensor = constants[name], Self.isInteger(tensor.type),
              let count = tensor.parameterCount, count <= UInt64(Self.maxDataElements),
              let values = reader.int64s(tensor), values.count == Int(count) else { return nil }
        return values.map { DimExpr($0) }
    }

    /// The element values of a small floating-point constant, here or in an enclosing graph.
    func doubles(of name: String) -> [Double]? {
        if let values = doubles[name] { return values }
        if facts[name] == nil, let parent = outer.first { return parent.doubles(of: name) }
        if let values = data[name], let ints = DataValues.constants(values) { return ints.map(Double.init) }
        guard let tensor = constants[name], let count = tensor.parameterCount, count <= UInt64(Self.maxDataElements),
              let values = reader.doubles(tensor), values.count == Int(count) else { return nil }
        return values
    }

    /// Whether `type` holds integers or booleans, whose values data propagation tracks.
    static func isInteger(_ type: ElementType?) -> Bool {
        guard case .dtype(let dtype)? = type else { return false }
        return [.signed, .unsigned, .bool].contains(dtype.traits.family)
    }

    /// Seeds facts from a graph's initializers, inputs, value_info and outputs.
    ///
    /// An initializer that is also a graph input may be fed at run time from IR version 4 on, so its
    /// values are not treated as constants there (a missing IR version counts as older).
    mutating func seed(_ graph: Graph) {
        let inputNames = Set(graph.inputs.map(\.name))
        let overridable = (graph.irVersion ?? 3) >= 4
        for tensor in graph.initializers {
            facts[tensor.name] = TensorFacts(tensor: tensor)
            if !(overridable && inputNames.contains(tensor.name)) { constants[tensor.name] = tensor }
        }
        for sparse in graph.sparseInitializers {
            facts[sparse.values.name] = TensorFacts(type: sparse.values.type, dims: sparse.shape.dims.map(DimExpr.init))
        }
        for input in graph.inputs {
            let stated = TensorFacts(declared: input.type)
            facts[input.name] = facts[input.name].map { $0.filling(from: stated) } ?? stated
        }
        for info in graph.valueInfo + graph.outputs {
            let stated = TensorFacts(declared: info.type)
            declared[info.name] = declared[info.name].map { $0.filling(from: stated) } ?? stated
            if lookup(info.name) == nil { facts[info.name] = stated }
        }
    }
}
