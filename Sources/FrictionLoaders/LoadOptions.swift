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
