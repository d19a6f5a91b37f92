import FrictionCore

/// What inference knows about one value.
public struct InferredValue: Sendable, Hashable {
    /// The element type, nil when unknown.
    public var type: ElementType?
    /// The shape, nil when even the rank is unknown. Sizes inference could not determine inside a
    /// known rank are `.symbolic("?")` (``DimExpr/unknownText``); two `?` are never the same size.
    public var shape: Shape?

    public init(type: ElementType?, shape: Shape?) {
        self.type = type
        self.shape = shape
    }

    /// Whether the rank is known and every size is fixed or a named expression (no `?`).
    public var isFullyKnown: Bool {
        guard let shape else { return false }
        return !shape.dims.contains(.symbolic(DimExpr.unknownText))
    }
}

/// A node that stopped inference, and why.
public struct BlockedNode: Sendable, Hashable {
    /// The node's name (or, when it has none, `opType` and its first output).
    public var node: String
    public var opType: String
    public var reason: String

    public init(node: String, opType: String, reason: String) {
        self.node = node
        self.opType = opType
        self.reason = reason
    }
}

/// The outcome of ``ShapeInference/infer(_:values:)``.
public struct ShapeInferenceResult: Sendable {
    /// Every value of the main graph: inputs, initializers, value_info entries and node outputs.
    public var values: [String: InferredValue]
    /// The nodes where inference first lost a value's rank, in node order (subgraph nodes included,
    /// their reason naming the enclosing node). Nodes that only inherit an unknown input are not listed.
    public var blocked: [BlockedNode]
    /// Node outputs of the main graph with fully known shapes (every dim fixed or symbolic)...
    public var knownCount: Int
    /// ...out of all node outputs of the main graph.
    public var totalCount: Int

    public init(values: [String: InferredValue], blocked: [BlockedNode], knownCount: Int, totalCount: Int) {
        self.values = values
        self.blocked = blocked
        self.knownCount = knownCount
        self.totalCount = totalCount
    }
}

/// Reads small constant tensors (initializers, Constant nodes) so Reshape/Slice/… can use their values.
public protocol TensorValues: Sendable {
    /// The elements of an integer or boolean tensor, row-major, or nil when unreadable.
    func int64s(_ tensor: TensorInfo) -> [Int64]?
    /// The elements of a numeric tensor as doubles, row-major, or nil when unreadable.
    func doubles(_ tensor: TensorInfo) -> [Double]?
}

/// A ``TensorValues`` that reads nothing: inference then relies on shapes and Constant attributes only.
public struct NoTensorValues: TensorValues {
    public init() {}
    public func int64s(_ tensor: TensorInfo) -> [Int64]? { nil }
    public func doubles(_ tensor: TensorInfo) -> [Double]? { nil }
}
