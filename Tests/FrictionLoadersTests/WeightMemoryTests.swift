import FrictionAnalysis
import FrictionCore
import FrictionLoaders
import FrictionTestSupport
import Testing

/// Weight memory is exact to the byte: on every fixture of the manifest it equals the sum of
/// the reference libraries' tensor sizes, and on the torch checkpoints it equals the sum of
/// torch's storages (views of one storage counted once).
@Suite struct WeightMemoryTests {
    static let fixtures = Fixtures.good().compactMap { $0["path"]?.stringValue }

    @Test(arguments: fixtures)
    func weightsAreExactOnTheManifestFixtures(path: String) throws {
        let row = try #require(Fixtures.good().first { $0["path"]?.stringValue == path })
        guard case .array(let tensors)? = row["tensors"] else { return }
        let expected = tensors.reduce(UInt64(0)) { $0 + UInt64($1["nbytes"]?.int64Value ?? 0) }
        let model = try ModelLoader.load(Fixtures.path(path))
        #expect(WeightMemory.of(model).totalBytes == expected, "\(path)")
    }

    @Test func torchStoragesAreCountedOnce() throws {
        guard case .object(let files)? = Fixtures.json("fixtures/torch/expected.json")["files"] else { Issue.record("no torch fixtures"); return }
        var checked = 0
        for file in files {
            guard case .array(let tensors)? = file.value["tensors"], file.value["hostile"] == nil, file.value["tensors_from"] == nil else { continue }
            var storages: [String: UInt64] = [:]
            for t in tensors { storages[t["storage_key"]?.stringValue ?? ""] = UInt64(t["storage_nbytes"]?.int64Value ?? 0) }
            let model = try ModelLoader.load(Fixtures.path("torch/" + file.key))
            #expect(WeightMemory.of(model).totalBytes == storages.values.reduce(0, +), "\(file.key)")
            checked += 1
        }
        #expect(checked >= 15)
    }
}
