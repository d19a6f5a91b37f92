import FrictionCore

/// Keras 3 `.keras` archives: a zip with `config.json`, `metadata.json` and `model.weights.h5`.
/// The config is read as JSON and never deserialized; the weights file is opened in place when
/// the member is stored (tensor ranges are then absolute offsets in the archive) and inflated
/// into a bounded buffer when deflated. Every other member is scanned like any zip member.
enum KerasArchiveLoader {
    static let configMember = "config.json"
    static let metadataMember = "metadata.json"
    static let weightsMember = "model.weights.h5"
    /// Largest config.json / metadata.json read (Keras configs are kilobytes).
    static let jsonLimit: UInt64 = 64 << 20

    static func matches(_ archive: ZipArchive) -> Bool {
        let names = Set(archive.members.map(\.name))
        return names.contains(configMember) && (names.contains(weightsMember) || names.contains(metadataMember))
    }

    static func load(_ bytes: UnsafeRawBufferPointer, _ archive: ZipArchive, _ ctx: LoadContext) throws(LoadError) -> Model {
        var model = Model(path: ctx.file, format: .keras, sources: [ctx.source(.keras, decodedSize: bytes.count)])
        model.properties["keras.layout"] = "keras3"
        let config = try json(configMember, archive, bytes, ctx)
        guard let config else { throw ctx.error("keras-config", "the archive has no readable \(configMember)", at: nil) }
        if let meta = try json(metadataMember, archive, bytes, ctx), let version = meta["keras_version"]?.stringValue {
            model.properties["keras.version"] = version
        }
        // Members other than the three Keras writes (assets, stray pickles, nested archives) are
        // scanned for code that would run.
        var scanner = ArchiveScanner(ctx)
        scanner.scan(archive, bytes, base: 0, chain: nil, depth: 0)
        scanner.findings.absorb(into: &model)

        guard let member = archive.members.last(where: { $0.name == weightsMember }) else {
            let other = archive.members.first { $0.name.hasPrefix("model.weights.") }
            model.issues.append(ctx.issue("keras-weights-missing",
                other.map { "weights are in \($0.name), which is not read (only model.weights.h5)" } ?? "the archive has no model.weights.h5",
                at: nil, level: .info))
            HDF5Loader.kerasFacts(KerasConfig(config), datasets: [], layerOf: [:], into: &model,
                                  at: { Location(file: ctx.file, path: $0) }, configAt: { Location(file: ctx.file, path: "config.json" + $0) })
            return model
        }
        let display = "\(ctx.where_)!\(weightsMember)"
        try HDF5Isolation.checkEnabled(ctx.options, display)
        switch ZipArchive.contents(of: member, in: bytes, limit: ctx.options.maxDecompressedBytes) {
        case .stored(let range):
            let probe = try HDF5Isolation.probe(path: ctx.file, display: display, slice: UInt64(range.lowerBound)..<UInt64(range.upperBound),
                                                image: ctx.encodings.isEmpty ? nil : UnsafeRawBufferPointer(rebasing: bytes[range]))
            try HDF5Loader.describe(probe, into: &model, fileBytes: UInt64(range.count), base: UInt64(range.lowerBound),
                                    container: ctx.container, member: weightsMember, kerasConfig: config)
        case .inflated(let data):
            let note = (ctx.container.map { $0 + "+" } ?? "") + "zip:\(weightsMember) (deflated)"
            let probe = try data.withUnsafeBytes { (raw) -> Result<HDF5Probe, LoadError> in
                do throws(LoadError) { return .success(try HDF5Isolation.probe(image: raw, display: display)) } catch { return .failure(error) }
            }.get()
            try HDF5Loader.describe(probe, into: &model, fileBytes: UInt64(data.count), base: 0, container: note, member: weightsMember,
                                    kerasConfig: config)
        case .unreadable(let code, let message):
            throw ctx.error(code, "\(weightsMember): \(message)", at: Int(clamping: member.localHeader))
        }
        return model
    }

    /// A JSON member, parsed (nil when absent).
    static func json(_ name: String, _ archive: ZipArchive, _ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> JSONValue? {
        guard let member = archive.members.last(where: { $0.name == name }) else { return nil }
        let at = Int(clamping: member.localHeader)
        let text: [UInt8]
        switch ZipArchive.contents(of: member, in: bytes, limit: jsonLimit) {
        case .stored(let range): text = Array(bytes[range])
        case .inflated(let data): text = data
        case .unreadable(let code, let message): throw ctx.error(code, "\(name): \(message)", at: at)
        }
        do {
            return try JSONParser.parse(text, maxDepth: 512).value
        } catch {
            throw ctx.error("keras-config", "\(name) is not valid JSON: \(error)", at: at, path: name)
        }
    }
}
