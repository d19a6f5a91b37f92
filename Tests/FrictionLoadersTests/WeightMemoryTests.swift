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

extension WeightMemoryTests {
    /// A GGUF labelled Q4_K_M whose matrices are mostly F16 / BF16 / F32 loads at 2.5x its label.
    @Test func ggufFileTypeAgainstStoredTensors() throws {
        let model = try ModelLoader.load(Fixtures.path("gguf/basic_le.gguf"))
        let d = try #require(DeclaredPrecision.check(model, weights: WeightMemory.of(model)))
        #expect(d.declared == "MOSTLY_Q4_K_M")
        #expect(d.factor > 2.4 && d.factor < 2.6)
        // Matrices: blk.0.attn_q (Q8_0 272 B / 256), attn_k (Q4_0 72 / 128), ffn_up (F16 192 / 96),
        // ffn_down (BF16 160 / 80), ffn_gate_exps (F32 192 / 48), test.f16_4d (F16 240 / 120).
        let bits = Double(272 + 72 + 192 + 160 + 192 + 240) * 8 / Double(256 + 128 + 96 + 80 + 48 + 120)
        #expect(abs(d.factor - bits / 4.89) < 1e-9)
    }
}
