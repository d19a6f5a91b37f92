import FrictionCore
@testable import FrictionLoaders
import FrictionTestSupport
import Foundation
import Testing

/// Streaming hints (read ahead, drop scanned pages) never change what a payload reads, never
/// touch the file or heap memory, ignore ranges outside the mapping, and do take effect.
@Suite struct PagingHintTests {
    static let hints: [ByteSource.Paging] = [.willNeed, .done]

    /// A temporary file of `count` patterned bytes.
    func patternFile(_ count: Int, in dir: String) throws -> (String, [UInt8]) {
        let path = dir + "/data.bin"
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    @Test func hintsKeepBytesAndFile() throws {
        let dir = Fixtures.temporaryDirectory("paging")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (path, bytes) = try patternFile(3 * 4096 + 123, in: dir)
        let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        let source = try ByteSource.map(path: path)
        for range in [0..<10, 100..<5000, 4096..<8192, 8000..<99_999, 5..<5, 50_000..<60_000] {
            for hint in Self.hints { source.advise(range, hint) }
            #expect(Array(source.bytes) == bytes, "\(range)")
        }
        let after = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        #expect(before == after)
    }

    /// MADV_DONTNEED on anonymous memory would zero it: heap sources must ignore the hints.
    @Test func heapBuffersIgnoreHints() throws {
        let count = 4 * 65_536
        var raw: UnsafeMutableRawPointer?
        #expect(posix_memalign(&raw, 65_536, count) == 0)
        let pointer = try #require(raw)
        for i in 0..<count { pointer.storeBytes(of: UInt8(truncatingIfNeeded: i &* 7 &+ 1), toByteOffset: i, as: UInt8.self) }
        let expected = Array(UnsafeRawBufferPointer(start: pointer, count: count))
        let source = ByteSource.adopting(name: "heap", pointer: pointer, count: count)
        for hint in Self.hints { source.advise(0..<count, hint) }
        #expect(Array(source.bytes) == expected)
    }

    /// `.done` really drops the pages from this process's resident set (Linux: RssFile).
    @Test func doneDropsResidentPages() throws {
        let dir = Fixtures.temporaryDirectory("paging")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (path, _) = try patternFile(32 << 20, in: dir)
        let source = try ByteSource.map(path: path)
        var sum = 0
        for i in stride(from: 0, to: source.bytes.count, by: 4096) { sum &+= Int(source.bytes[i]) }
        let touched = try #require(Self.residentFileKiB())
        source.advise(0..<source.bytes.count, .done)
        let dropped = try #require(Self.residentFileKiB())
        #expect(touched - dropped >= 24 << 10, "RssFile \(touched) kB → \(dropped) kB (checksum \(sum))")
    }

    /// RssFile of this process in kB, from /proc/self/status.
    static func residentFileKiB() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("RssFile:") {
            return Int(String(line.dropFirst("RssFile:".count).filter(\.isNumber)))
        }
        return nil
    }

    @Test func payloadsReadTheSameAfterTheyAreDropped() throws {
        // Mapped payloads (safetensors) and HDF5 datasets decoded into heap buffers.
        for fixture in ["safetensors/basic.safetensors", "hdf5/cnn.h5", "hdf5/cnn.keras"] {
            let model = try ModelLoader.load(Fixtures.path(fixture))
            let payloads = PayloadMap()
            var snapshots: [String: [UInt8]] = [:]
            for t in model.tensors {
                guard let bytes = try payloads.bytes(for: t) else { continue }
                snapshots[t.name] = Array(bytes)
            }
            #expect(!snapshots.isEmpty, "\(fixture)")
            for t in model.tensors {
                for hint in Self.hints { payloads.advise(t, hint) }
            }
            for t in model.tensors where snapshots[t.name] != nil {
                #expect(Array(try #require(try payloads.bytes(for: t))) == snapshots[t.name], "\(fixture): \(t.name)")
            }
        }
    }
}
