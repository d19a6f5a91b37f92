import FrictionCore

/// Maps the files behind tensors on demand (each file once) and hands out the byte range of a
/// tensor's payload, for scans and dumps. Payloads inside decoded streams (zstd, deflated npz
/// members) and ONNX typed fields are not served: their bytes are not a plain little-endian array.
public final class PayloadMap: @unchecked Sendable {
    private var sources: [String: ByteSource] = [:]
    /// Datasets read through HDF5 (chunked, filtered, compact), kept alive while handed out.
    private var decoded: [String: UnsafeMutableRawBufferPointer] = [:]

    deinit { for buffer in decoded.values { buffer.deallocate() } }

    public init() {}

    /// Serves payloads of tensors stored in `source.name` from `source` instead of mapping the
    /// file (an in-memory image).
    public func register(_ source: ByteSource) { sources[source.name] = source }

    /// The payload bytes of `tensor`, or nil when they are not a plain array in a mapped file.
    public func bytes(for tensor: TensorInfo) throws(LoadError) -> UnsafeRawBufferPointer? {
        if HDF5Loader.datasetPath(tensor.storage) != nil {
            let key = tensor.storage.file + "|" + (tensor.storage.container ?? "")
            if decoded[key] == nil, let data = try HDF5Loader.readDataset(tensor) {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 16)
                data.withUnsafeBytes { buffer.copyMemory(from: $0) }
                decoded[key] = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<data.count])
            }
            return decoded[key].map { UnsafeRawBufferPointer($0) }
        }
        guard tensor.storage.container == nil else { return nil }
        let source = try mapped(tensor.storage.file)
        let range = tensor.storage.range
        guard range.upperBound <= source.count else {
            throw LoadError("payload-range", "tensor data [\(range.lowerBound), \(range.upperBound)) lies past the end of the file (\(source.count) bytes)",
                            file: tensor.storage.file, offset: range.lowerBound, path: tensor.name)
        }
        return UnsafeRawBufferPointer(rebasing: source.bytes[Int(range.lowerBound)..<Int(range.upperBound)])
    }

    /// The mapping of `file`, made on first use.
    private func mapped(_ file: String) throws(LoadError) -> ByteSource {
        if let cached = sources[file] { return cached }
        let source = try ByteSource.map(path: file)
        sources[file] = source
        return source
    }

    /// Streaming hints for a scan that reads payloads one after another: `.willNeed` before a
    /// payload is needed (the kernel reads it while the previous one is scanned), `.done` after
    /// (the pages leave this process's resident set; the page cache keeps them). Only plain
    /// payloads in mapped files are advised; anything else is ignored.
    public func advise(_ tensor: TensorInfo, _ hint: ByteSource.Paging) {
        guard tensor.storage.container == nil, HDF5Loader.datasetPath(tensor.storage) == nil,
              let source = try? mapped(tensor.storage.file) else { return }
        let range = tensor.storage.range
        guard range.upperBound <= source.count else { return }
        source.advise(Int(range.lowerBound)..<Int(range.upperBound), hint)
    }
}
