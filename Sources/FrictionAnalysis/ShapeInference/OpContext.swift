import FrictionCore

/// The shape function of one op: reads the node's inputs from the context and sets its outputs.
typealias OpShapeFunction = @Sendable (inout OpContext) -> Void

/// What a shape function sees of one node (its attributes, its inputs' facts and values) and what
/// it produces (its outputs' facts and values, or the reason it could not).
struct OpContext {
    let node: GraphNode
    /// The opset version of the node's domain.
    let opset: Int64
    let state: InferenceState
    /// One entry per node output, unknown until the shape function sets it.
    var outputs: [TensorFacts]
    /// Element values of outputs that are small integer tensors.
    var outputData: [Int: [DimExpr?]] = [:]
    var outputDoubles: [Int: [Double]] = [:]
    /// Why an output could not be inferred; the first reason given wins.
    var reason: String?
    /// Blocked nodes found inside this node's subgraphs.
    var subgraphBlocked: [BlockedNode] = []

    init(node: GraphNode, opset: Int64, state: InferenceState) {
        self.node = node
        self.opset = opset
        self.state = state
        self.outputs = Array(repeating: .unknown, count: node.outputs.count)
    }

    // MARK: Inputs

    /// Whether input `i` is given (present and not the empty name of an omitted optional input).
    func has(_ i: Int) -> Bool { i >= 0 && i < node.inputs.count && !node.inputs[i].isEmpty }

    /// What is known about input `i`.
    func facts(_ i: Int) -> TensorFacts { has(i) ? state.lookup(node.inputs[i]) ?? .unknown : .unknown }

    /// The element type of input `i`.
    func type(_ i: Int) -> ElementType? { facts(i).type }

    /// The sizes of input `i`; when its rank is unknown, records that as the reason.
    mutating func dims(_ i: Int) -> [DimExpr?]? {
        let dims = facts(i).dims
        if dims == nil {
            fail(has(i) ? "input \(i) '\(node.inputs[i])' has unknown shape" : "input \(i) is missing")
        }
        return dims
    }

    /// The partial element values of input `i` (shape tensors, constants).
    func data(_ i: Int) -> [DimExpr?]? { has(i) ? state.data(of: node.inputs[i]) : nil }

    /// The element values of input `i` when all are known constants.
    func ints(_ i: Int) -> [Int64]? { data(i).flatMap(DataValues.constants) }

    /// The element values of a floating-point (or integer) constant input `i`.
    func doubles(_ i: Int) -> [Double]? { has(i) ? state.doubles(of: node.inputs[i]) : nil }

    /// The length of 1-D input `i` when fixed (how many values a shape tensor holds).
    func length(_ i: Int) -> Int? {
        if let values = data(i) { return values.count }
        guard let dims = facts(i).dims, dims.count == 1, let n = dims[0]?.constant, n >= 0,
              n <= InferenceState.maxDataElements else { return nil }
        return Int(n)
    }

    // MARK: Attributes

    /// Integer attribute `name`, or `fallback`.
    func int(_ name: String, _ fallback: Int64) -> Int64 { node.int(name) ?? fallback }

    /// A list of integers given as attribute `name`, or else as constant input `input`.
    func intsAttributeOrInput(_ name: String, input: Int) -> [Int64]? { node.ints(name) ?? ints(input) }

    /// `axis` counted from the front, or nil when outside `-rank..<rank`.
    static func axis(_ axis: Int64, rank: Int) -> Int? {
        let normalized = axis < 0 ? axis + Int64(rank) : axis
        return normalized >= 0 && normalized < Int64(rank) ? Int(normalized) : nil
    }

    /// All `axes` counted from the front, or nil when any is out of range.
    static func axes(_ axes: [Int64], rank: Int) -> [Int]? {
        var out: [Int] = []
        for a in axes {
            guard let n = axis(a, rank: rank) else { return nil }
            out.append(n)
        }
        return out
    }

    // MARK: Outputs

    /// Sets output `o` (ignored when the node has no such output). Negative constant sizes, which no
    /// tensor has, become unknown.
    mutating func set(_ o: Int, _ type: ElementType?, _ dims: [DimExpr?]?) {
        guard o >= 0, o < outputs.count else { return }
        outputs[o] = TensorFacts(type: type, dims: dims?.map { d in d.flatMap { ($0.constant ?? 0) < 0 ? nil : $0 } })
    }

    /// Sets output `o` to an input's facts.
    mutating func set(_ o: Int, like input: Int) {
        let f = facts(input)
        set(o, f.type, f.dims)
        if f.dims == nil { _ = dims(input) }
    }

    /// Records the element values of output `o` when it is small enough to track.
    mutating func setData(_ o: Int, _ values: [DimExpr?]?) {
        guard let values, values.count <= InferenceState.maxDataElements else { return }
        outputData[o] = values
    }

    /// Gives the reason outputs stay unknown (the first reason wins).
    mutating func fail(_ why: String) { if reason == nil { reason = why } }

    /// A node's name for messages, or its op type and first output when unnamed.
    static func label(_ node: GraphNode) -> String {
        node.name.isEmpty ? "\(node.opType)(\(node.outputs.first ?? ""))" : node.name
    }

    /// An element type stated by ONNX `TensorProto.DataType` code `code`.
    static func elementType(code: Int64) -> ElementType? {
        guard let small = Int32(exactly: code), let dtype = DType.fromONNX(small) else { return nil }
        return .dtype(dtype)
    }

    static let bool = ElementType.dtype(.bool)
    static let int64 = ElementType.dtype(.int64)
    static let int32 = ElementType.dtype(.int32)
    static let float32 = ElementType.dtype(.float32)
}
