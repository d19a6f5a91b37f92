/// A computation graph (ONNX and friends): nodes in topological order and the operator sets
/// they import. Loaders of weight-only formats leave it empty.
public struct Graph: Sendable, Hashable {
    public var name: String
    public var nodes: [GraphNode]
    /// Operator-set versions by domain (`""` is the default ONNX domain).
    public var opsetImports: [String: Int64]
    public var irVersion: Int64?

    public init(name: String = "", nodes: [GraphNode] = [], opsetImports: [String: Int64] = [:], irVersion: Int64? = nil) {
        self.name = name
        self.nodes = nodes
        self.opsetImports = opsetImports
        self.irVersion = irVersion
    }
}

/// One operator application in a graph.
public struct GraphNode: Sendable, Hashable {
    public var name: String
    public var opType: String
    public var domain: String
    public var inputs: [String]
    public var outputs: [String]
    /// Attributes by name, as JSON values (ints, floats, strings, lists).
    public var attributes: [String: JSONValue]

    public init(name: String, opType: String, domain: String = "", inputs: [String] = [], outputs: [String] = [], attributes: [String: JSONValue] = [:]) {
        self.name = name
        self.opType = opType
        self.domain = domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }
}
