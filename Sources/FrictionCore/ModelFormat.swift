/// The container formats friction reads.
public enum ModelFormat: String, Sendable, CaseIterable, Codable {
    case safetensors, gguf, npy, npz, onnx, folder = "hf-folder", pickle
    /// A `torch.save` checkpoint (zip or legacy stacked pickles) or a TorchScript archive.
    case pytorch
    /// A zip archive of no model format, read only to scan its members.
    case zip
    /// A Keras model (`.h5` written by Keras 2 / tf.keras, or a Keras 3 `.keras` archive).
    case keras
    /// Any other HDF5 file.
    case hdf5
}

/// One file that contributed to a model.
public struct SourceFile: Sendable, Hashable {
    public var path: String
    public var format: ModelFormat
    public var size: UInt64
    /// Outer encodings that were removed to read it, outermost first (e.g. `["zstd"]`).
    public var encodings: [String]
    /// Bytes after decoding the encodings, when there were any.
    public var decodedSize: UInt64?

    public init(path: String, format: ModelFormat, size: UInt64, encodings: [String] = [], decodedSize: UInt64? = nil) {
        self.path = path
        self.format = format
        self.size = size
        self.encodings = encodings
        self.decodedSize = decodedSize
    }
}
