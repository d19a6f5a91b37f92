import FrictionCore
import FrictionLoaders
import FrictionTestSupport
import Testing

/// Keras and HDF5 files written by real Keras 3.6 and h5py 3.12 (fixtures/generate/gen_hdf5.py):
/// every tensor friction lists matches h5py's listing (name, dtype, shape, byte range in the file
/// or in the `.keras` archive, the bytes themselves), the safety issues are exactly the expected
/// ones, and corrupt files fail with a typed error.
@Suite struct HDF5FixtureTests {
    static let expected = Fixtures.json("fixtures/hdf5/expected.json")

    static func files(_ include: (JSONValue) -> Bool) -> [String] {
        guard case .object(let files)? = expected["files"] else { return [] }
        return files.filter { include($0.value) }.map(\.key).sorted()
    }

    static let readable = files { !["error", "zstd"].contains($0["kind"]?.stringValue ?? "") }
    static let compressed = files { $0["kind"]?.stringValue == "zstd" }
    static let broken = files { $0["kind"]?.stringValue == "error" }
    /// Issue codes the loader reports for safety; each file must report exactly its expected subset.
    static let safetyCodes: Set = ["keras-lambda", "keras-unsafe-api", "keras-custom-object", "keras-policy-dtype", "hdf5-external-link",
                                   "hdf5-soft-link", "hdf5-external-storage", "hdf5-virtual-dataset", "hdf5-shape-bomb", "hdf5-unsupported-type",
                                   "hdf5-plugin-filter"]

    static func load(_ name: String) throws -> Model { try ModelLoader.load(Fixtures.path("hdf5/" + name)) }

    static func hexBytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).map { i in
            func v(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
            return v(digits[i]) << 4 | v(digits[i + 1])
        }
    }

    @Test func theFixturesCoverEveryLayout() {
        let kinds = Set(Self.readable.compactMap { Self.expected["files"]?[$0]?["kind"]?.stringValue })
        #expect(kinds == ["keras3", "keras3-weights", "keras-h5-model", "keras-h5-weights", "hdf5"])
        #expect(Self.broken.count == 2 && Self.compressed.count == 2)
        #expect(Self.expected["versions"]?["keras"]?.stringValue == "3.6.0")
    }

    @Test(arguments: readable)
    func tensorsMatchH5pysListing(name: String) throws {
        let row = try #require(Self.expected["files"]?[name])
        let model = try Self.load(name)
        let kind = row["kind"]?.stringValue ?? ""
        #expect(model.format == (kind == "hdf5" ? .hdf5 : .keras), "\(name)")
        if kind != "hdf5" { #expect(model.properties["keras.layout"] == kind, "\(name)") }
        // Datasets friction refuses or cannot list are reported instead (strings, external, virtual, bombs).
        let listed = (row["datasets"]?.arrayValue ?? []).filter { d in
            !["string"].contains(d["dtype"]?.stringValue ?? "") && d["layout"]?.stringValue != "virtual"
                && !(d["offset"] == .null && d["layout"]?.stringValue == "contiguous") && !(d["storage_bytes"]?.int64Value == 0 && d["layout"]?.stringValue == "chunked")
        }
        let byName = Dictionary(model.tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(model.tensors.count == listed.count, "\(name): \(model.tensors.map(\.name))")
        let payloads = PayloadMap()
        let stored = row["member_stored"]?.boolValue ?? true
        for d in listed {
            let label = "\(name):\(d["path"]?.stringValue ?? "")"
            let t = try #require(byName[d["name"]?.stringValue ?? ""], "\(label)")
            #expect(t.type == .dtype(try #require(DType(rawValue: d["dtype"]?.stringValue ?? ""), "\(label)")), "\(label)")
            #expect(t.shape.fixedDims == d["shape"]?.arrayValue?.compactMap { $0.int64Value.map(UInt64.init) }, "\(label)")
            let inPlace = d["layout"]?.stringValue == "contiguous" && d["filters"]?.arrayValue?.isEmpty == true
            if inPlace, stored, let offset = d["offset"]?.int64Value {
                #expect(t.storage.container == nil, "\(label)")
                #expect(t.storage.range.lowerBound == UInt64(offset), "\(label)")
                #expect(t.storage.byteCount == UInt64(d["storage_bytes"]?.int64Value ?? -1), "\(label)")
            } else if !inPlace {
                #expect(t.storage.container?.contains("hdf5 dataset \(d["path"]?.stringValue ?? "")") == true, "\(label): \(t.storage.container ?? "nil")")
            }
            // The bytes friction serves (in place, or read through HDF5) are h5py's bytes.
            if let hex = d["hex"]?.stringValue, let bytes = try payloads.bytes(for: t) {
                #expect(Array(bytes) == Self.hexBytes(hex), "\(label)")
            } else if d["hex"] != nil, stored, !name.hasSuffix(".keras") || inPlace {
                Issue.record("\(label): payload not served")
            }
        }
    }

    @Test(arguments: readable)
    func safetyIssuesAreExactlyTheExpectedOnes(name: String) throws {
        let row = try #require(Self.expected["files"]?[name])
        let model = try Self.load(name)
        let reported = Set(model.issues.map(\.code)).intersection(Self.safetyCodes)
        let wanted = Set(row["issues"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        #expect(reported == wanted, "\(name): \(model.issues.map { "\($0.code): \($0.message)" })")
        for issue in model.issues where Self.safetyCodes.contains(issue.code) {
            #expect(issue.location.file == Fixtures.path("hdf5/" + name) && issue.location.path?.isEmpty == false, "\(issue)")
        }
    }

    @Test(arguments: broken)
    func corruptFilesGiveATypedError(name: String) {
        do {
            _ = try Self.load(name)
            Issue.record("\(name) loaded")
        } catch let error as LoadError {
            #expect(error.code == "hdf5-open", "\(error)")
            #expect(error.location.file == Fixtures.path("hdf5/" + name))
            #expect(error.message.hasPrefix("not a readable HDF5 file: ") && error.message.count > 30, "\(error.message)")
        } catch {
            Issue.record("untyped error \(error)")
        }
    }

    @Test func kerasFactsFromTheConfig() throws {
        let cnn = try Self.load("cnn.keras")
        #expect(cnn.properties["keras.version"] == "3.6.0")
        #expect(cnn.properties["keras.dtype_policies"]?.contains("float32") == true)
        let inventory = try #require(cnn.metadata.first { $0.key == "keras.layers" })
        guard case .json(.array(let layers)) = inventory.value else { Issue.record("no inventory"); return }
        #expect(layers.compactMap { $0["class_name"]?.stringValue }.filter { ["Conv2D", "BatchNormalization", "Flatten", "Dense"].contains($0) }
                == ["Conv2D", "BatchNormalization", "Flatten", "Dense"])
        #expect(inventory.location.path == "config.json")
        // Keras 3 stores bfloat16 variables as opaque 2-byte values tagged dtype=bfloat16.
        let mixed = try Self.load("mixed_bf16.keras")
        let bf16 = mixed.tensors.filter { $0.type == .dtype(.bfloat16) }
        #expect(bf16.count == 2 && bf16.allSatisfy { $0.storedType.hasPrefix("opaque16") })
        #expect(mixed.properties["keras.dtype_policies"]?.contains("mixed_bfloat16") == true)
        // The Lambda location points into the config, not into the weights.
        let lambda = try Self.load("lambda.keras")
        #expect(lambda.issues.first { $0.code == "keras-lambda" }?.location.path == "config.json/config/layers/1")
        let legacy = try Self.load("lambda.h5")
        #expect(legacy.issues.first { $0.code == "keras-lambda" }?.location.path == "/@model_config/config/layers/1")
        #expect(legacy.properties["keras.backend"] == "jax")
    }

    @Test(arguments: compressed)
    func aZstdCompressedFileListsWhatTheFileItselfLists(name: String) throws {
        let plain = try Self.load(try #require(Self.expected["files"]?[name]?["decodes_to"]?.stringValue))
        let decoded = try Self.load(name)
        #expect(decoded.format == plain.format && decoded.properties == plain.properties)
        #expect(decoded.tensors.map(\.name) == plain.tensors.map(\.name))
        #expect(decoded.tensors.map(\.storage.range) == plain.tensors.map(\.storage.range))
        #expect(decoded.tensors.allSatisfy { $0.storage.container?.hasPrefix("zstd") == true })
    }

    @Test func aDeflatedKerasArchiveIsInflatedWithinTheLimit() throws {
        let deflated = try Self.load("cnn_deflated.keras")
        let stored = try Self.load("cnn.keras")
        #expect(deflated.tensors.map(\.name) == stored.tensors.map(\.name))
        #expect(deflated.tensors.allSatisfy { $0.storage.container == "zip:model.weights.h5 (deflated)" })
        var options = LoadOptions()
        options.maxDecompressedBytes = 4096
        #expect(throws: LoadError.self) { try ModelLoader.load(Fixtures.path("hdf5/cnn_deflated.keras"), options: options) }
    }
}

/// The Keras 2 / h5py 2 layouts written offline through libhdf5 1.10.8 (fixtures/generate/gen_keras.c,
/// fixtures/keras): fixed-length string attributes, tf.keras `:0` weight names, optimizer state,
/// and every hazard at the location the generator recorded.
@Suite struct KerasLayoutTests {
    static let expected = Fixtures.json("fixtures/keras/expected.json")
    static let files: [String] = {
        guard case .object(let files)? = expected["files"] else { return [] }
        return files.map(\.key).sorted()
    }()
    /// The generator's security kinds → friction's issue codes.
    static let codes = ["lambda": "keras-lambda", "custom_object": "keras-custom-object", "policy_mismatch": "keras-policy-dtype",
                        "external_link": "hdf5-external-link", "external_storage": "hdf5-external-storage", "shape_bomb": "hdf5-shape-bomb"]

    @Test(arguments: files)
    func datasetsAndHazardsMatchTheGenerator(name: String) throws {
        let row = try #require(Self.expected["files"]?[name])
        let path = Fixtures.path("keras/" + name)
        if row["kind"]?.stringValue == "corrupt" {
            #expect(throws: LoadError.self) { try ModelLoader.load(path) }
            return
        }
        let model = try ModelLoader.load(path)
        #expect(model.format == .keras)
        let byOffset = Dictionary(model.tensors.map { ($0.storage.range.lowerBound, $0) }, uniquingKeysWith: { a, _ in a })
        var listed = 0
        for d in row["datasets"]?.arrayValue ?? [] {
            guard let offset = d["offset"]?.int64Value else { continue }
            listed += 1
            let label = "\(name):\(d["path"]?.stringValue ?? "")"
            let t = try #require(byOffset[UInt64(offset)], "\(label)")
            #expect(t.type == .dtype(try #require(DType(rawValue: d["dtype"]?.stringValue ?? ""))), "\(label)")
            #expect(t.shape.fixedDims == d["shape"]?.arrayValue?.compactMap { $0.int64Value.map(UInt64.init) }, "\(label)")
            #expect(t.storage.byteCount == UInt64(d["storage_bytes"]?.int64Value ?? -1), "\(label)")
            // Keras 2 names drop `model_weights/<layer>/`; the rest keep their path.
            let p = d["path"]?.stringValue ?? ""
            #expect(p.hasSuffix("/" + t.name), "\(label) listed as \(t.name)")
        }
        #expect(model.tensors.count == listed, "\(name)")
        let hazards = (row["security"]?.arrayValue ?? []).compactMap { $0["kind"]?.stringValue }
        let reported = Set(model.issues.map(\.code)).intersection(Set(Self.codes.values))
        #expect(reported == Set(hazards.compactMap { Self.codes[$0] }), "\(name): \(model.issues.map(\.code))")
        for h in row["security"]?.arrayValue ?? [] {
            // `where` is an HDF5 path or `<member or attribute>#<JSON pointer>`; friction's location path ends with it.
            let whereText = (h["where"]?.stringValue ?? "").replacingOccurrences(of: "#", with: "")
            let code = Self.codes[h["kind"]?.stringValue ?? ""] ?? ""
            let issue = model.issues.first { $0.code == code }
            if code == "keras-policy-dtype" { continue }   // located at the offending variable, not the config entry
            #expect(issue?.location.path?.hasSuffix(whereText.replacingOccurrences(of: "/model_config", with: "/@model_config")) == true
                    || issue?.location.path == whereText, "\(name): \(code) at \(issue?.location.path ?? "nil"), generator says \(whereText)")
        }
    }
}
