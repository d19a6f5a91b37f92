import Foundation
import FrictionTestSupport
import Testing

/// Listing tensors reads no payload: a 16 GiB sparse safetensors file inspects in a few MiB.
@Suite struct ZeroCopyTests {
    @Test func sixteenGiBSparseCheckpointInspectsUnder64MiBPeakRSS() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("friction-sparse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model.safetensors").path
        let size = try SparseSafetensors.write(path: path, elements: 4 << 30)
        #expect(size > 16 << 30)
        #expect(SparseSafetensors.allocatedBytes(path: path) < 1 << 20, "the data section is a hole")

        let run = FrictionBinary.run(["inspect", "--format", "json", path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"bytes\": 17179869184"))
        #expect(run.maxRSS > 0)
        #expect(run.maxRSS < 64 << 20, "peak RSS \(run.maxRSS) bytes")
        #expect(SparseSafetensors.allocatedBytes(path: path) < 1 << 20, "inspect wrote nothing and read no payload into the page cache's file blocks")
    }

    @Test func onnxWithThreeGiBOfExternalDataLoadsWithoutReadingIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("friction-onnx-ext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let elements: Int64 = 3 << 28  // 3 GiB of float32
        let model = ProtoWriter.externalDataModel(elements: elements, location: "weights.bin")
        #expect(FileManager.default.createFile(atPath: dir.appendingPathComponent("model.onnx").path, contents: Data(model)))
        let weights = dir.appendingPathComponent("weights.bin").path
        #expect(FileManager.default.createFile(atPath: weights, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: weights))
        try handle.truncate(atOffset: UInt64(elements * 4))
        try handle.close()
        #expect(SparseSafetensors.allocatedBytes(path: weights) < 1 << 20)

        let run = FrictionBinary.run(["inspect", "--format", "json", dir.appendingPathComponent("model.onnx").path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"bytes\": \(elements * 4)"))
        #expect(run.stdout.contains("weights.bin"))
        #expect(run.maxRSS < 64 << 20, "peak RSS \(run.maxRSS) bytes")
    }
}
