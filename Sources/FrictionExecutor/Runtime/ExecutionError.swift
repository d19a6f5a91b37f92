/// Why a graph could not be run: a stable code, a message, and the node it happened at.
public struct ExecutionError: Error, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    /// The node's name and op, when the error belongs to one.
    public var node: String?

    public init(_ code: String, _ message: String, node: String? = nil) {
        self.code = code
        self.message = message
        self.node = node
    }

    public var description: String { (node.map { "\($0): " } ?? "") + message + " [\(code)]" }
}
