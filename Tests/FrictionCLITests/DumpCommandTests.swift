import Foundation
import FrictionCore
import FrictionLoaders
import FrictionNumerics
import FrictionTestSupport
import Testing

/// `friction dump`: files NumPy reads (checked with our npy/npz loaders, which are tested
/// against numpy-written fixtures), values equal to the stored or dequantized tensors.
@Suite struct DumpCommandTests {
    func payload(_ path: String, _ tensor: TensorInfo) throws -> [UInt8] {
        let data = try #require(FileManager.default.contents(atPath: path))
        return Array(data[Int(tensor.storage.range.lowerBound)..<Int(tensor.storage.range.upperBound)])
    }

    @Test func float32TensorRoundTripsBitForBit() throws {
        let dir = Fixtures.temporaryDirectory()
        let out = dir + "/f32.npy"
        let run = FrictionBinary.run(["dump", Fixtures.path("safetensors/basic.safetensors"), "--tensor", "f32", "-o", out])
        #expect(run.status == 0, "\(run.stderr)")
        let dumped = try ModelLoader.load(out)
        let t = try #require(dumped.tensors.first)
        #expect(t.storedType == "<f4" && t.shape == Shape(fixed: [2, 3]))
        let source = try ModelLoader.load(Fixtures.path("safetensors/basic.safetensors"))
        let original = try #require(source.tensors.first { $0.name == "f32" })
        #expect(try payload(out, t) == payload(Fixtures.path("safetensors/basic.safetensors"), original))
    }

    @Test func ggufBlocksAreDequantizedInNumPyOrder() throws {
        let dir = Fixtures.temporaryDirectory()
        let out = dir + "/q.npz"
        let run = FrictionBinary.run(["dump", Fixtures.path("gguf/basic_le.gguf"), "--tensor", "blk.0.*", "-o", out])
        #expect(run.status == 0, "\(run.stderr)")
        let dumped = try ModelLoader.load(out)
        let q = try #require(dumped.tensors.first { $0.name == "blk.0.attn_q.weight" })
        #expect(q.shape == Shape(fixed: [4, 64]), "ggml ne [64, 4] becomes numpy [4, 64]")
        let source = try ModelLoader.load(Fixtures.path("gguf/basic_le.gguf"))
        let original = try #require(source.tensors.first { $0.name == "blk.0.attn_q.weight" })
        guard case .ggml(let type) = original.type else { Issue.record("not ggml"); return }
        var expected: [Float] = []
        let ok = try payload(Fixtures.path("gguf/basic_le.gguf"), original).withUnsafeBytes { GGMLDequant.dequantize($0, type: type, into: &expected) }
        #expect(ok)
        let bytes = try payload(out, q)
        let got = bytes.withUnsafeBytes { raw in (0..<expected.count).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
        #expect(got.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func rawDumpKeepsStoredBytesAndRefusesAmbiguousNpy() throws {
        let dir = Fixtures.temporaryDirectory()
        let out = dir + "/bf16.npy"
        let run = FrictionBinary.run(["dump", "--raw", Fixtures.path("safetensors/basic.safetensors"), "--tensor", "bf16", "-o", out])
        #expect(run.status == 0 && run.stderr.contains("<u2"), "\(run.stderr)")
        #expect(FrictionBinary.run(["dump", Fixtures.path("safetensors/basic.safetensors"), "-o", dir + "/all.npy"]).status != 0)
        #expect(FrictionBinary.run(["dump", Fixtures.path("safetensors/basic.safetensors"), "-o", dir + "/x.txt"]).status != 0)
    }
}

/// NVFP4 (ModelOpt layout) dumped through `friction dump` equals the reference dequantization.
@Suite struct NVFP4DumpTests {
    @Test func modelOptNVFP4DequantizesLikeTheReference() throws {
        let tables = NumericsTables.shared
        func raw(_ a: String) -> [UInt8] { tables.array(file: "blocks/nvfp4_random", array: a).map { Array($0.bytes) } ?? [] }
        let packed = raw("packed"), scales = raw("block_scale"), global = raw("global_scale")
        let expected = tables.floats(file: "blocks/nvfp4_random", array: "dequant")
        #expect(packed.count == 8 * 32 && scales.count == 8 * 4 && global.count == 4 && expected.count == 8 * 64)
        let dir = Fixtures.temporaryDirectory()
        SafetensorsWriter.write(path: dir + "/model.safetensors", tensors: [
            ("m.weight", "U8", [8, 32], packed), ("m.weight_scale", "F8_E4M3", [8, 4], scales), ("m.weight_scale_2", "F32", [], global),
        ])
        let run = FrictionBinary.run(["dump", dir + "/model.safetensors", "--tensor", "m.weight", "-o", dir + "/w.npy"])
        #expect(run.status == 0 && run.stderr.contains("NVFP4"), "\(run.stderr)")
        let dumped = try ModelLoader.load(dir + "/w.npy")
        let t = try #require(dumped.tensors.first)
        #expect(t.shape == Shape(fixed: [8, 64]))
        let data = try #require(FileManager.default.contents(atPath: dir + "/w.npy"))
        let values = Array(data[Int(t.storage.range.lowerBound)...]).withUnsafeBytes { raw in
            (0..<expected.count).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
        }
        #expect(values.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
