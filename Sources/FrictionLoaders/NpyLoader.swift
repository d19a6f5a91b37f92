import FrictionCore

/// Reads `.npy` files (format 1.0, 2.0, 3.0) without evaluating the header.
enum NpyLoader {
    static func load(_ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> Model {
        let header = try NpyHeader.parse(bytes, base: 0, ctx, allowObject: true)
        if header.objectArray { return objectArray(bytes, header, ctx) }
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

    /// An object array: no tensor, but its data is a pickle that `numpy.load(allow_pickle=True)`
    /// runs, so the pickle machine lists the globals it names (offsets in the file).
    static func objectArray(_ bytes: UnsafeRawBufferPointer, _ header: NpyHeader, _ ctx: LoadContext) -> Model {
        var findings = PickleFindings(limits: ctx.options.pickle)
        let result = findings.scan(bytes, start: header.dataStart, file: ctx.file)
        var model = Model(path: ctx.file, format: .npy, sources: [ctx.source(.npy, decodedSize: bytes.count)],
                          properties: ["npy.version": "\(header.version.0).\(header.version.1)", "pickle.protocol": String(result.protocolVersion)])
        model.issues.append(LoadIssue(code: "npy-object-array",
                                      message: "dtype \(header.descr) is an object array: its data is a pickle that numpy.load(allow_pickle=True) runs",
                                      location: Location(file: ctx.file, offset: UInt64(header.headerStart))))
        findings.absorb(into: &model)
        return model
    }
}
