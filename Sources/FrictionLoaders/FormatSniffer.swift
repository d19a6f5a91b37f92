import FrictionCore

/// The file-level formats recognised by content.
enum FileKind: String, CaseIterable {
    case zstd, gguf, npy, zip, safetensors, onnx, hdf5, torchLegacy, pickle
}

/// Chooses a loader by the first bytes of a file. When the content is not conclusive (a
/// damaged file), the extension picks the loader whose error explains the damage best; the
/// extension alone never makes a healthy-looking file of another format load as this one.
enum FormatSniffer {
    /// Magic-number checks in priority order: one row per kind.
    static let magic: [(FileKind, @Sendable (UnsafeRawBufferPointer) -> Bool)] = [
        (.zstd, ZstdLayer.matches),
        (.gguf, GGUFLoader.matches),
        (.npy, NpyHeader.matches),
        (.zip, ZipArchive.matches),
        (.hdf5, HDF5Loader.matches),
        (.safetensors, SafetensorsLoader.matches),
        (.onnx, ONNXLoader.matches),
        (.torchLegacy, TorchLegacyLoader.matches),
        (.pickle, PickleLoader.matches),
        (.pickle, PickleLoader.matchesHeaderless),
    ]

    /// Extension fallbacks for content that matched no magic.
    static let extensions: [String: FileKind] = [
        "safetensors": .safetensors, "gguf": .gguf, "npy": .npy, "npz": .zip, "zst": .zstd, "onnx": .onnx,
        "pkl": .pickle, "pickle": .pickle, "joblib": .pickle,
        "zip": .zip, "pt": .zip, "pth": .zip, "ckpt": .zip, "keras": .zip, "h5": .hdf5, "hdf5": .hdf5,
    ]

    /// The name of the stream inside `name.zst`, for the extension fallback.
    static func innerName(_ name: String) -> String {
        for suffix in [".zst", ".zstd"] where name.lowercased().hasSuffix(suffix) { return String(name.dropLast(suffix.count)) }
        return name
    }

    static func kind(of bytes: UnsafeRawBufferPointer, name: String) -> FileKind? {
        for (kind, test) in magic where test(bytes) { return kind }
        let lowered = name.lowercased()
        guard let dot = lowered.lastIndex(of: "."), !lowered[dot...].contains("/") else { return nil }
        return extensions[String(lowered[lowered.index(after: dot)...])]
    }
}
