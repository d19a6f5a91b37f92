import FrictionCore

/// A standalone serialized TensorProto (`input_0.pb` in ONNX test data sets), read with the
/// ONNX decoder: the tensor's storage is a range of the file (raw_data or a packed typed field).
public enum TensorProtoFile {
    public static func load(_ path: String) throws(LoadError) -> TensorInfo {
        let source = try ByteSource.map(path: path)
        return try withExtendedLifetime(source) { () throws(LoadError) -> TensorInfo in
            let ctx = LoadContext(file: path, fileSize: UInt64(source.count), encodings: [], options: LoadOptions())
            let directory = path.contains("/") ? String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) : "."
            var decoder = ONNXDecoder(bytes: source.bytes, ctx: ctx, modelDirectory: directory.isEmpty ? "/" : directory)
            do throws(ProtoError) {
                return try decoder.tensor(0..<source.bytes.count, tag: 0)
            } catch {
                throw ctx.error(error.code, error.message, at: error.offset)
            }
        }
    }
}
