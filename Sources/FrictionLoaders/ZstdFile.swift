import FrictionCore

/// Decompresses a whole zstd file (all frames, with the same caps and checks as the loaders).
public enum ZstdFile {
    public static func read(path: String, maxBytes: UInt64 = 1 << 30) throws(LoadError) -> [UInt8] {
        let source = try ByteSource.map(path: path)
        return try withExtendedLifetime(source) { () throws(LoadError) -> [UInt8] in
            var options = LoadOptions()
            options.maxDecompressedBytes = maxBytes
            let ctx = LoadContext(file: path, fileSize: source.count, encodings: [], options: options)
            let decoded = try ZstdLayer.decode(source.bytes, ctx)
            return withExtendedLifetime(decoded) { Array(decoded.bytes) }
        }
    }
}
