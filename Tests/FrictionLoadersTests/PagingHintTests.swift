import FrictionCore
import FrictionLoaders
import FrictionTestSupport
import Foundation
import Testing

/// Streaming hints (read ahead, drop scanned pages) never change what a payload reads, never
/// touch the file, and ignore ranges outside the mapping.
@Suite struct PagingHintTests {
    @Test func hintsKeepBytesAndFile() throws {
        let hints: [ByteSource.Paging] = [.willNeed, .done]
        let dir = Fixtures.temporaryDirectory("paging")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/data.bin"
        let bytes = (0..<(3 * 4096 + 123)).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        let source = try ByteSource.map(path: path)
        for range in [0..<10, 100..<5000, 4096..<8192, 8000..<99_999, 5..<5, 50_000..<60_000] {
            for hint in hints { source.advise(range, hint) }
            #expect(Array(source.bytes) == bytes, "\(range)")
        }
        let after = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        #expect(before == after)
    }

    @Test func payloadsReadTheSameAfterTheyAreDropped() throws {
        let model = try ModelLoader.load(Fixtures.path("safetensors/basic.safetensors"))
        let payloads = PayloadMap()
        var snapshots: [String: [UInt8]] = [:]
        for t in model.tensors {
            payloads.advise(t, .willNeed)
            snapshots[t.name] = Array(try #require(try payloads.bytes(for: t)))
            payloads.advise(t, .done)
        }
        #expect(!snapshots.isEmpty)
        for t in model.tensors {
            #expect(Array(try #require(try payloads.bytes(for: t))) == snapshots[t.name], "\(t.name)")
        }
    }
}
