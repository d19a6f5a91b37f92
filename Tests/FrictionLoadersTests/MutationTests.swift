import Foundation
import FrictionCore
import FrictionLoaders
import FrictionTestSupport
import Testing

/// Damaged copies of every good fixture: truncated at many lengths and with bytes overwritten.
/// A trap would kill the test process, so surviving is the first check; then a file cut inside
/// its declared data must never load as if it were whole.
@Suite struct MutationTests {
    static let files = Fixtures.good().filter { $0["format"]?.stringValue != "folder" }.compactMap { $0["path"]?.stringValue }

    static func bytes(_ path: String) -> [UInt8] {
        FileManager.default.contents(atPath: Fixtures.path(path)).map(Array.init) ?? []
    }

    /// Every length up to 1,024 bytes, then 64 more spread over the rest of the file.
    static func cutPoints(_ count: Int) -> [Int] {
        var points = Array(0..<min(count, 1024))
        if count > 1024 { points += stride(from: 1024, to: count, by: max(1, (count - 1024) / 64)) }
        return points
    }

    @Test(arguments: files)
    func truncatedCopiesFailCleanly(path: String) throws {
        let original = Self.bytes(path)
        let whole = try original.withUnsafeBytes { raw in try ModelLoader.load(bytes: raw, name: Fixtures.path(path)) }
        let wrapped = whole.sources.first?.encodings.isEmpty == false
        let dataEnd = whole.tensors.map { Int($0.storage.range.upperBound) }.max() ?? 0
        for cut in Self.cutPoints(original.count) {
            let result = original[0..<cut].withUnsafeBytes { raw in
                Result { () throws(LoadError) in try ModelLoader.load(bytes: raw, name: Fixtures.path(path)) }
            }
            if case .success(let model) = result, wrapped || cut < dataEnd || whole.format == .npz {
                Issue.record("\(path) cut to \(cut) bytes loaded with \(model.tensors.count) tensors")
            }
        }
    }

    @Test(arguments: files)
    func overwrittenBytesNeverCrash(path: String) {
        var generator = SplitMix64(seed: UInt64(truncatingIfNeeded: path.utf8.reduce(0) { $0 &* 31 &+ Int($1) }))
        let original = Self.bytes(path)
        guard !original.isEmpty else { return }
        var outcomes = 0
        for round in 0..<300 {
            var copy = original
            let position = Int(generator.next() % UInt64(min(copy.count, 2048)))
            copy[position] = [0x00, 0xFF, copy[position] ^ 0x80, UInt8(truncatingIfNeeded: generator.next())][round % 4]
            let result = copy.withUnsafeBytes { raw in
                Result { () throws(LoadError) in try ModelLoader.load(bytes: raw, name: Fixtures.path(path)) }
            }
            if case .failure(let error) = result { #expect(!error.code.isEmpty && !error.message.isEmpty) }
            outcomes += 1
        }
        #expect(outcomes == 300)
    }
}

/// A small deterministic generator (SplitMix64) for repeatable mutations.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
