/// Everything a loader learned about one input: its files, tensors, metadata and the issues met.
public struct Model: Sendable {
    /// The input as the user named it.
    public var path: String
    public var format: ModelFormat
    public var sources: [SourceFile]
    public var tensors: [TensorInfo]
    /// Metadata in file order (GGUF KV, safetensors `__metadata__`, config documents).
    public var metadata: [MetadataEntry]
    public var issues: [LoadIssue]
    /// Format-level facts worth showing, e.g. `gguf.version`, `gguf.alignment`.
    public var properties: [String: String]
    /// The computation graph, for formats that carry one.
    public var graph: Graph?
    /// Model-local functions (ONNX).
    public var functions: [GraphFunction] = []
    /// Globals named by the pickles in the input, in stream order.
    public var pickleGlobals: [PickleGlobalRef] = []
    /// The pickle streams read to find them, in the order they were read.
    public var pickleStreams: [PickleStream] = []

    public init(
        path: String, format: ModelFormat, sources: [SourceFile] = [], tensors: [TensorInfo] = [],
        metadata: [MetadataEntry] = [], issues: [LoadIssue] = [], properties: [String: String] = [:], graph: Graph? = nil
    ) {
        self.path = path
        self.format = format
        self.sources = sources
        self.tensors = tensors
        self.metadata = metadata
        self.issues = issues
        self.properties = properties
        self.graph = graph
    }

    /// Total parameter count over tensors with a known shape.
    public var parameterCount: UInt64 { tensors.reduce(0) { $0 &+ ($1.parameterCount ?? 0) } }

    /// Total stored bytes of all tensors.
    public var tensorBytes: UInt64 { tensors.reduce(0) { $0 &+ $1.storage.byteCount } }

    /// The parsed config.json of a model folder, if there is one.
    public var config: JSONValue? {
        if case .json(let json)? = metadata("config.json") { json } else { nil }
    }

    /// The metadata value for `key`, if present.
    public func metadata(_ key: String) -> MetadataValue? { metadata.first { $0.key == key }?.value }
}
