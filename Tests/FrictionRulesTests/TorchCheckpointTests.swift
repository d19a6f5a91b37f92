import FrictionCore
import Foundation
import FrictionLoaders
import FrictionRules
import FrictionTestSupport
import Testing

/// Checkpoints written by real torch 2.13.0 (fixtures/generate/gen_torch.py): every tensor
/// friction lists matches torch's own view (name, dtype, shape, strides, storage offset, the
/// storage's bytes in the file), and the static weights_only verdict agrees with what
/// torch.load(weights_only=True) did with each file.
@Suite struct TorchCheckpointTests {
    static let expected = Fixtures.json("fixtures/torch/expected.json")
    static let policy = ((try? Knowledge.load(directory: Fixtures.rulesDirectory + "/knowledge")) ?? Knowledge()).pickleGlobals

    static let goodFiles: [String] = {
        guard case .object(let files)? = expected["files"] else { return [] }
        return files.filter { $0.value["hostile"] == nil }.map(\.key).sorted()
    }()

    /// torch's element sizes (`torch._utils._element_size`) for the dtypes in the fixtures.
    static let itemsizes: [String: UInt64] = [
        "float32": 4, "float64": 8, "float16": 2, "bfloat16": 2, "float8_e4m3fn": 1, "float8_e5m2": 1, "float8_e4m3fnuz": 1,
        "float8_e5m2fnuz": 1, "float8_e8m0fnu": 1, "int8": 1, "uint8": 1, "int16": 2, "int32": 4, "int64": 8, "uint16": 2,
        "uint32": 4, "uint64": 8, "bool": 1, "complex64": 8, "complex128": 16, "complex32": 4, "float4_e2m1fn_x2": 1,
        "bits8": 1, "bits1x8": 1, "bits2x4": 1, "bits4x2": 1, "bits16": 2,
    ]

    static func load(_ name: String) throws -> Model {
        try ModelLoader.load(Fixtures.path("torch/" + name))
    }

    @Test func theFixturesCoverEveryCase() {
        let formats = Set(Self.goodFiles.compactMap { Self.expected["files"]?[$0]?["format"]?.stringValue })
        #expect(formats == ["zip", "legacy", "torchscript"])
        #expect(Self.goodFiles.count >= 20)
    }

    @Test(arguments: goodFiles)
    func tensorsMatchTorchsListing(name: String) throws {
        let row = try #require(Self.expected["files"]?[name])
        let model = try Self.load(name)
        #expect(model.format == .pytorch)
        #expect(model.properties["pytorch.layout"] == row["format"]?.stringValue)
        guard case .array(let tensors)? = row["tensors"] else {
            #expect(model.tensors.isEmpty || row["format"]?.stringValue == "torchscript")
            return
        }
        #expect(model.tensors.map(\.name) == tensors.compactMap { $0["name"]?.stringValue }, "\(name)")
        for (t, e) in zip(model.tensors, tensors) {
            let label = "\(name):\(t.name)"
            #expect(t.storedType == "torch." + (e["dtype"]?.stringValue ?? ""), "\(label)")
            #expect(t.shape.fixedDims == e["shape"]?.arrayValue?.compactMap { $0.int64Value.map(UInt64.init) }, "\(label)")
            let view = try #require(t.view, "\(label)")
            #expect(view.strides == e["stride"]?.arrayValue?.compactMap(\.int64Value), "\(label)")
            #expect(view.storageOffset == e["storage_offset"]?.int64Value.map(UInt64.init), "\(label)")
            #expect(view.storageKey == e["storage_key"]?.stringValue, "\(label)")
            #expect(view.storageRange.lowerBound == e["data_offset"]?.int64Value.map(UInt64.init), "\(label)")
            #expect(view.storageRange.upperBound - view.storageRange.lowerBound == e["storage_nbytes"]?.int64Value.map(UInt64.init), "\(label)")
            #expect(view.isParameter == (e["parameter"]?.boolValue ?? false), "\(label)")
            #expect(view.requiresGrad == (e["requires_grad"]?.boolValue ?? false), "\(label)")
            // The listed byte range starts at the view's first element.
            let itemsize = try #require(Self.itemsizes[e["dtype"]?.stringValue ?? ""], "\(label)")
            #expect(t.storage.range.lowerBound == view.storageRange.lowerBound + view.storageOffset * itemsize, "\(label)")
        }
        if let order = row["byteorder"]?.stringValue, !model.tensors.isEmpty {
            #expect(model.properties["pytorch.byteorder"] == order)
        }
    }

    @Test(arguments: goodFiles)
    func weightsOnlyVerdictAgreesWithTorch(name: String) throws {
        let row = try #require(Self.expected["files"]?[name])
        let loads = try #require(row["weights_only"]?["loads"]?.boolValue as Bool?)
        let verdict = WeightsOnlyVerdict.evaluate(try Self.load(name), policy: Self.policy)
        let torchSaid = row["weights_only"]?["error"]?.stringValue ?? "loads"
        #expect((verdict == .loads) == loads, "\(name): \(verdict), torch: \(torchSaid)")
    }

    @Test func zipMemberOffsetsMatchTorchsReader() throws {
        for name in Self.goodFiles {
            guard case .array(let members)? = Self.expected["files"]?[name]?["members"] else { continue }
            let model = try Self.load(name)
            for t in model.tensors {
                guard let key = t.view?.storageKey else { continue }
                let member = members.first { $0["name"]?.stringValue?.hasSuffix("/data/" + key) == true }
                let dup = Self.expected["files"]?[name]?["duplicate_used"]
                if dup == nil {
                    #expect(member?["offset"]?.int64Value.map(UInt64.init) == t.view?.storageRange.lowerBound, "\(name):\(t.name)")
                }
            }
        }
    }

    @Test func hostileTorchArchivesAreRefusedByTheGlobalTorchNames() throws {
        guard case .object(let files)? = Self.expected["files"] else { return }
        for member in files where member.value["hostile"] != nil {
            let (name, row) = (member.key, member.value)
            guard case .array(let unsafe)? = row["unsafe_globals"], let first = unsafe.first?.stringValue else { continue }
            let verdict = WeightsOnlyVerdict.evaluate(try Self.load(name), policy: Self.policy)
            guard case .refused(let reason, _) = verdict else { Issue.record("\(name) loads"); continue }
            #expect(reason.contains(first), "\(name): \(reason)")
        }
    }

    @Test func checkpointKindsAreRecognised() throws {
        #expect(try Self.load("lightning.ckpt").properties["pytorch.checkpoint"] == "lightning 2.4.0")
        #expect(try Self.load("optimizer.pt").properties["pytorch.checkpoint"] == "training")
        #expect(try Self.load("module.pt").properties["pytorch.checkpoint"] == "state_dict")
        #expect(try Self.load("legacy.pt").properties["pytorch.checkpoint"] == "state_dict")
        #expect(try Self.load("optimizer.pt").properties["pytorch.top_level_keys"] == "model, optimizer, ema, epoch, step")
    }

    @Test func legacyStoragesFollowTheirElementCount() throws {
        let model = try Self.load("legacy.pt")
        #expect(model.properties["pytorch.layout"] == "legacy")
        let bytes = try #require(FileBytes(Fixtures.path("torch/legacy.pt")))
        for t in model.tensors {
            let range = try #require(t.view?.storageRange)
            // Each storage is preceded by its element count as a little-endian int64.
            let count = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes.data[Int(range.lowerBound) - 8 + $1]) << (8 * UInt64($1)) }
            #expect(count > 0 && range.count % Int(count) == 0, "\(t.name)")
        }
    }
}

/// A whole file's bytes, for checks next to the loader.
struct FileBytes {
    let data: [UInt8]
    init?(_ path: String) {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        data = out
    }
}
