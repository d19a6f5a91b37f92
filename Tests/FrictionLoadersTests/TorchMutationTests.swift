import Foundation
import FrictionCore
import FrictionLoaders
import FrictionTestSupport
import Testing

/// Damaged copies of the torch fixtures (zip, legacy, TorchScript, hostile archives): truncated
/// and overwritten copies never trap, and a copy cut inside its storages never lists its tensors
/// as whole.
@Suite struct TorchMutationTests {
    static let files = [
        "torch/legacy.pt", "torch/views.pt", "torch/parameters.pt", "torch/optimizer.pt", "torch/torchscript.pt",
        "torch/big_endian.pt", "torch/hostile/zip_in_zip_deflated.zip", "torch/hostile/npz_object_member.npz",
        "torch/hostile/legacy_payload.pt", "torch/hostile/duplicate_data_pkl.pt",
    ]

    static func load(_ bytes: ArraySlice<UInt8>, _ path: String) -> Result<Model, LoadError> {
        bytes.withUnsafeBytes { raw in Result { () throws(LoadError) in try ModelLoader.load(bytes: raw, name: Fixtures.path(path)) } }
    }

    @Test(arguments: files)
    func truncatedCopiesNeverLookWhole(path: String) throws {
        let original = MutationTests.bytes(path)
        let whole = try Self.load(original[...], path).get()
        let dataEnd = whole.tensors.map { Int($0.storage.range.upperBound) }.max() ?? 0
        for cut in MutationTests.cutPoints(original.count) {
            guard case .success(let model) = Self.load(original[0..<cut], path), cut < dataEnd else { continue }
            let complete = model.tensors.count == whole.tensors.count && model.issues.count <= whole.issues.count
            #expect(!complete, "\(path) cut to \(cut) bytes lists all \(model.tensors.count) tensors without an issue")
        }
    }

    @Test(arguments: files)
    func overwrittenBytesNeverCrash(path: String) {
        var generator = SplitMix64(seed: UInt64(truncatingIfNeeded: path.utf8.reduce(0) { $0 &* 31 &+ Int($1) }))
        let original = MutationTests.bytes(path)
        var outcomes = 0
        for round in 0..<1_000 {
            var copy = original
            let position = Int(generator.next() % UInt64(copy.count))
            copy[position] = [0x00, 0xFF, copy[position] ^ 0x80, UInt8(truncatingIfNeeded: generator.next())][round % 4]
            if case .failure(let error) = Self.load(copy[...], path) { #expect(!error.code.isEmpty && !error.message.isEmpty) }
            outcomes += 1
        }
        #expect(outcomes == 1_000)
    }
}
