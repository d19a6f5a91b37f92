import FrictionCore

/// Zip files: a torch checkpoint when laid out as one, an `.npz` when it holds arrays, and
/// otherwise an archive that is only scanned (every member, nested archives included) for
/// pickles that would run when loaded.
enum ZipLoader {
    static func load(_ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> Model {
        let archive = try ZipArchive.read(bytes, ctx)
        if TorchZipLoader.matches(archive) { return try TorchZipLoader.load(bytes, archive, ctx) }
        if KerasArchiveLoader.matches(archive) { return try KerasArchiveLoader.load(bytes, archive, ctx) }
        if archive.members.contains(where: { $0.name.hasSuffix(".npy") }) { return try NpzLoader.load(bytes, archive, ctx) }
        var scanner = ArchiveScanner(ctx)
        scanner.scan(archive, bytes, base: 0, chain: nil, depth: 0)
        var model = Model(path: ctx.file, format: .zip, sources: [ctx.source(.zip, decodedSize: bytes.count)])
        model.properties["zip.members"] = String(archive.members.count)
        scanner.findings.absorb(into: &model)
        return model
    }
}
