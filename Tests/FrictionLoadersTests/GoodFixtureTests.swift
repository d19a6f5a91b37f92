import FrictionCore
import FrictionLoaders
import FrictionTestSupport
import Testing

/// Every good fixture, loaded by friction, against what the reference library reported for it
/// (fixtures/manifest.json, written by fixtures/generate/).
@Suite struct GoodFixtureTests {
    /// Whether a manifest number equals `value`.
    func same(_ value: UInt64, _ reference: JSONValue?) -> Bool { JSONValue.uint(value).sameNumbers(as: reference ?? .null) }

    static let entries = Fixtures.good()
    static let paths = entries.compactMap { $0["path"]?.stringValue }

    static func entry(_ path: String) -> JSONValue { entries.first { $0["path"]?.stringValue == path } ?? .null }

    static let formats: [String: ModelFormat] = [
        "safetensors": .safetensors, "gguf": .gguf, "npy": .npy, "npz": .npz, "onnx": .onnx, "folder": .folder,
    ]

    @Test func manifestCoversEveryFormat() {
        let seen = Set(Self.entries.compactMap { $0["format"]?.stringValue })
        #expect(seen.isSuperset(of: ["safetensors", "gguf", "npy", "npz", "onnx", "folder"]))
        #expect(Self.entries.contains { $0["zstd_of"] != nil })
    }

    @Test(arguments: paths)
    func tensorsMatchTheReference(path: String) throws {
        let entry = Self.entry(path)
        let model = try ModelLoader.load(Fixtures.path(path))
        #expect(model.format == Self.formats[entry["format"]?.stringValue ?? ""], "format")
        guard case .array(let expected)? = entry["tensors"] else { Issue.record("manifest has no tensors for \(path)"); return }
        #expect(model.tensors.count == expected.count, "tensor count")
        let byName = Dictionary(model.tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for reference in expected {
            let name = try #require(reference["name"]?.stringValue)
            guard let tensor = byName[name] else { Issue.record("\(path): tensor \(name) missing"); continue }
            #expect(tensor.storedType == reference["dtype"]?.stringValue, "\(name) dtype")
            var shape: [UInt64] = []
            if case .array(let dims)? = reference["shape"] { shape = dims.compactMap { $0.int64Value.map(UInt64.init) } }
            #expect(tensor.shape.fixedDims == shape, "\(name) shape")
            #expect(same(tensor.storage.range.lowerBound, reference["begin"] ?? .null), "\(name) begin")
            #expect(same(tensor.storage.range.upperBound, reference["end"] ?? .null), "\(name) end")
            if let nbytes = reference["nbytes"] { #expect(same(tensor.storage.byteCount, nbytes), "\(name) nbytes") }
            if case .bool(let fortran)? = reference["fortran_order"] { #expect(tensor.fortranOrder == fortran, "\(name) fortran_order") }
            if let file = reference["file"]?.stringValue { #expect(tensor.storage.file.hasSuffix("/" + file), "\(name) file") }
            if case .bool(let compressed)? = reference["compressed"] {
                #expect((tensor.storage.container?.contains("deflated") ?? false) == compressed, "\(name) container")
            }
        }
    }

    @Test(arguments: paths)
    func metadataMatchesTheReference(path: String) throws {
        let entry = Self.entry(path)
        let model = try ModelLoader.load(Fixtures.path(path))
        let format = entry["format"]?.stringValue
        guard case .object(let expected)? = entry["metadata"] else { return }
        switch format {
        case "gguf":
            #expect(model.metadata.count == expected.count, "kv count")
            for member in expected {
                guard let value = model.metadata(member.key) else { Issue.record("\(path): key \(member.key) missing"); continue }
                #expect(value.typeName == member.value["type"]?.stringValue, "\(member.key) type")
                if case .array(let elementType, _) = value {
                    #expect(elementType.name == member.value["elem_type"]?.stringValue, "\(member.key) element type")
                }
                #expect(value.jsonValue.sameNumbers(as: member.value["value"] ?? .null), "\(member.key) value")
            }
        case "folder":
            guard case .json(let config)? = model.metadata("config.json") else { Issue.record("no config.json"); return }
            #expect(config.sameNumbers(as: .object(expected)), "config.json")
        default:
            let ours = model.metadata.filter { if case .string = $0.value { true } else { false } }
            #expect(ours.count == expected.count)
            for member in expected {
                #expect(model.metadata(member.key) == .string(member.value.stringValue ?? "\u{0}"), "\(member.key)")
            }
        }
    }

    @Test(arguments: paths.filter { entry($0)["format"]?.stringValue == "gguf" })
    func ggufLayoutMatchesTheReference(path: String) throws {
        let entry = Self.entry(path)
        let model = try ModelLoader.load(Fixtures.path(path))
        #expect(model.properties["gguf.version"] == entry["gguf_version"].map { $0.serialized() })
        #expect(model.properties["gguf.alignment"] == entry["gguf_alignment"].map { $0.serialized() })
        #expect(model.properties["gguf.endian"] == entry["gguf_endian"]?.stringValue)
        #expect(model.properties["gguf.data_offset"] == entry["gguf_data_offset"].map { $0.serialized() })
    }

    @Test(arguments: paths.filter { entry($0)["zstd_of"] != nil })
    func zstdCopiesListTheSameTensorsAsTheirInnerFile(path: String) throws {
        let inner = try #require(Self.entry(path)["zstd_of"]?.stringValue)
        let wrapped = try ModelLoader.load(Fixtures.path(path))
        let plain = try ModelLoader.load(Fixtures.path(inner))
        #expect(wrapped.sources.first?.encodings == ["zstd"])
        #expect(wrapped.sources.first?.decodedSize == plain.sources.first?.size)
        #expect(wrapped.tensors.map(\.name) == plain.tensors.map(\.name))
        #expect(wrapped.tensors.map(\.shape) == plain.tensors.map(\.shape))
        #expect(wrapped.tensors.map(\.type) == plain.tensors.map(\.type))
        #expect(wrapped.tensors.map(\.storage.range) == plain.tensors.map(\.storage.range))
        #expect(wrapped.metadata.map(\.value) == plain.metadata.map(\.value))
    }

    @Test(arguments: paths)
    func fileSizesMatch(path: String) throws {
        let entry = Self.entry(path)
        let model = try ModelLoader.load(Fixtures.path(path))
        guard entry["zstd_of"] == nil, entry["format"]?.stringValue != "folder", let size = entry["file_size"] else { return }
        #expect(same(model.sources.first?.size ?? 0, size))
    }
}
