import FrictionCore
#if canImport(Glibc)
import Glibc
#endif

/// The entry point: loads a file or a Hugging Face model folder, choosing the loader by content.
public enum ModelLoader {
    /// Loads `path`. Throws a ``LoadError`` naming the file, byte offset and what was expected
    /// when the input cannot be read completely.
    public static func load(_ path: String, options: LoadOptions = LoadOptions()) throws(LoadError) -> Model {
        var info = stat()
        guard stat(path, &info) == 0 else { throw LoadError("io-error", "cannot read: \(errnoText())", file: path) }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            return try FolderLoader.load(path, options: options)
        }
        let source = try ByteSource.map(path: path)
        return try withExtendedLifetime(source) { () throws(LoadError) -> Model in
            let ctx = LoadContext(file: path, fileSize: source.count, encodings: [], options: options)
            return try load(source.bytes, ctx)
        }
    }

    /// Loads an in-memory file image named `name` (fuzzers and tests use this; files are mapped
    /// by ``load(_:options:)``). The bytes are only read.
    public static func load(bytes: UnsafeRawBufferPointer, name: String, options: LoadOptions = LoadOptions()) throws(LoadError) -> Model {
        try load(bytes, LoadContext(file: name, fileSize: UInt64(bytes.count), encodings: [], options: options))
    }

    /// Loads a file's bytes, removing a zstd encoding first if there is one.
    static func load(_ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> Model {
        guard !bytes.isEmpty else { throw ctx.error("empty-file", "the file is empty", at: 0) }
        guard let kind = FormatSniffer.kind(of: bytes, name: ctx.encodings.isEmpty ? ctx.file : FormatSniffer.innerName(ctx.file)) else {
            throw ctx.error("unknown-format", "no known format starts like this (expected safetensors, GGUF, ONNX, .npy, .npz, a PyTorch checkpoint, pickle, zip or zstd)", at: 0)
        }
        switch kind {
        case .zstd:
            guard ctx.encodings.isEmpty else {
                throw ctx.error("zstd-nested", "zstd inside zstd is not read", at: 0)
            }
            let decoded = try ZstdLayer.decode(bytes, ctx)
            var inner = ctx
            inner.encodings.append("zstd")
            return try withExtendedLifetime(decoded) { () throws(LoadError) -> Model in
                var model = try load(decoded.bytes, inner)
                model.path = ctx.file
                return model
            }
        case .gguf: return try GGUFLoader.load(bytes, ctx)
        case .npy: return try NpyLoader.load(bytes, ctx)
        case .zip: return try ZipLoader.load(bytes, ctx)
        case .torchLegacy: return try TorchLegacyLoader.load(bytes, ctx)
        case .hdf5: return try HDF5Loader.load(bytes, ctx)
        case .safetensors: return try SafetensorsLoader.load(bytes, ctx)
        case .onnx: return try ONNXLoader.load(bytes, ctx)
        case .pickle: return try PickleLoader.load(bytes, ctx)
        }
    }
}
