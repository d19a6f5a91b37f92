import FrictionCore

/// Reads `.npy` files (format 1.0, 2.0, 3.0) without evaluating the header.
enum NpyLoader {
    static func load(_ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> Model {
        let header = try NpyHeader.parse(bytes, base: 0, ctx)
        let available = UInt64(bytes.count - header.dataStart)
        guard available == header.dataBytes else {
            throw ctx.error("npy-size-mismatch",
                "shape \(header.shape) of \(header.descr) needs \(header.dataBytes) data bytes but \(available) follow the header",
                at: header.dataStart)
        }
        let begin = UInt64(header.dataStart)
        // Named like numpy.load names npz members: the file name without `.npy` (or `.npy.zst`).
        var name = FormatSniffer.innerName(ctx.file.split(separator: "/").last.map(String.init) ?? ctx.file)
        if name.lowercased().hasSuffix(".npy") { name.removeLast(4) }
        let tensor = TensorInfo(name: name, type: .dtype(header.type), storedType: header.descr, shape: Shape(fixed: header.shape),
                                storage: TensorStorage(file: ctx.file, range: begin..<(begin + header.dataBytes), container: ctx.container),
                                byteOrder: header.byteOrder, fortranOrder: header.fortranOrder)
        return Model(path: ctx.file, format: .npy, sources: [ctx.source(.npy, decodedSize: bytes.count)], tensors: [tensor],
                     properties: ["npy.version": "\(header.version.0).\(header.version.1)"])
    }
}
