import FrictionCore

/// Limits and switches for loading. Defaults follow the reference implementations.
public struct LoadOptions: Sendable {
    /// Cap on the bytes produced by decompressing one input (zstd). Default 4 GiB.
    public var maxDecompressedBytes: UInt64 = 4 << 30
    /// Largest zstd window accepted, as log2 (libzstd's default limit is 27 = 128 MiB).
    public var zstdWindowLogMax: Int32 = 27
    /// Largest safetensors JSON header (the reference caps it at 100,000,000 bytes).
    public var maxSafetensorsHeader: UInt64 = 100_000_000
    /// Largest .npy header text (NumPy's `max_header_size` default is 10,000).
    public var maxNpyHeader: UInt64 = 10_000
    /// Deepest GGUF array nesting accepted.
    public var maxGGUFArrayDepth: Int = 8
    /// Work bounds of the pickle machine (opcodes, stack, memo, values, references).
    public var pickle = PickleLimits()
    /// Deepest ONNX subgraph nesting (If / Loop / Scan bodies) accepted.
    public var maxONNXGraphDepth: Int = 64
    /// Most ONNX nodes accepted, all graphs and functions together.
    public var maxONNXNodes: Int = 10_000_000
    /// Deepest nesting of archives inside archives that is scanned.
    public var maxArchiveDepth: Int = 4
    /// Whether HDF5 content is handed to libhdf5 at all (the fuzzers switch it off: they exercise
    /// friction's own code, and the CLI isolates libhdf5 in a worker process).
    public var readHDF5 = true

    /// The caps `--limit NAME=VALUE` can set, with what each bounds.
    public static let limitNames: [(name: String, help: String)] = [
        ("decompressed-bytes", "bytes produced by decompressing one input"),
        ("zstd-window-log", "largest zstd window, as log2"),
        ("safetensors-header", "bytes of a safetensors JSON header"),
        ("npy-header", "bytes of a .npy header"),
        ("gguf-array-depth", "nesting of GGUF metadata arrays"),
        ("pickle-opcodes", "pickle opcodes executed"),
        ("pickle-stack", "pickle stack depth"),
        ("pickle-memo", "pickle memo entries"),
        ("pickle-values", "values one pickle creates"),
        ("onnx-graph-depth", "nesting of ONNX subgraphs"),
        ("onnx-nodes", "ONNX nodes in one model"),
        ("archive-depth", "archives nested in archives"),
    ]

    /// Sets the cap `name` (one of ``limitNames``); false for an unknown name or a value out of range.
    public mutating func setLimit(_ name: String, _ value: UInt64) -> Bool {
        let int = Int(clamping: value)
        guard value > 0 else { return false }
        switch name {
        case "decompressed-bytes": maxDecompressedBytes = value
        case "zstd-window-log": guard value <= 31 else { return false }; zstdWindowLogMax = Int32(value)
        case "safetensors-header": maxSafetensorsHeader = value
        case "npy-header": maxNpyHeader = value
        case "gguf-array-depth": guard value <= 64 else { return false }; maxGGUFArrayDepth = int
        case "pickle-opcodes": pickle.opcodes = int
        case "pickle-stack": pickle.stackDepth = int
        case "pickle-memo": pickle.memoEntries = int
        case "pickle-values": pickle.nodes = int
        case "onnx-graph-depth": guard value <= 1024 else { return false }; maxONNXGraphDepth = int
        case "onnx-nodes": maxONNXNodes = int
        case "archive-depth": guard value <= 64 else { return false }; maxArchiveDepth = int
        default: return false
        }
        return true
    }

    public init() {}
}

/// What a format loader is told about the bytes it reads.
struct LoadContext {
    /// The file as the user named it.
    var file: String
    /// Size of the file on disk.
    var fileSize: UInt64
    /// Encodings removed before these bytes (e.g. `["zstd"]`); offsets are then relative to
    /// the decoded stream.
    var encodings: [String]
    var options: LoadOptions

    /// The container note for tensor storage ranges.
    var container: String? { encodings.isEmpty ? nil : encodings.joined(separator: "+") }

    /// The name for error locations: the file, with the decoding named when offsets are in a
    /// decoded stream.
    var where_: String { encodings.isEmpty ? file : "\(file) (decoded \(encodings.joined(separator: "+")))" }

    func error(_ code: String, _ message: String, at offset: Int?, path: String? = nil) -> LoadError {
        LoadError(code, message, file: where_, offset: offset.map(UInt64.init), path: path)
    }

    func issue(_ code: String, _ message: String, at offset: Int?, path: String? = nil, level: LoadIssue.Level = .warning) -> LoadIssue {
        LoadIssue(code: code, level: level, message: message, location: Location(file: where_, offset: offset.map(UInt64.init), path: path))
    }

    func source(_ format: ModelFormat, decodedSize: Int) -> SourceFile {
        SourceFile(path: file, format: format, size: fileSize, encodings: encodings,
                   decodedSize: encodings.isEmpty ? nil : UInt64(decodedSize))
    }
}
