import Foundation
import FrictionCore
import FrictionLoaders
import FrictionTestSupport
import Testing

/// Every resource cap stops with a clear, coded error (or finding) that names the option to raise
/// it, and raising it lets the same input through.
@Suite struct ResourceLimitTests {
    static func load(_ path: String, _ limits: [String: UInt64]) -> Result<Model, LoadError> {
        var options = LoadOptions()
        for (k, v) in limits {
            let ok = options.setLimit(k, v)
            #expect(ok, "\(k)")
        }
        do throws(LoadError) { return .success(try ModelLoader.load(Fixtures.path(path), options: options)) } catch { return .failure(error) }
    }

    /// (fixture, cap, a value that stops it, the code it stops with).
    static let errors: [(String, String, UInt64, String)] = [
        ("safetensors/basic.safetensors", "safetensors-header", 10, "st-header-too-large"),
        ("onnx/cnn.onnx", "onnx-nodes", 1, "onnx-graph-size"),
        ("zstd/basic.safetensors.zst", "decompressed-bytes", 64, "zstd-too-large"),
    ]

    @Test(arguments: 0..<3)
    func aCapStopsWithACodedErrorAndRaisingItLetsTheInputThrough(_ i: Int) throws {
        let (path, cap, low, code) = Self.errors[i]
        switch Self.load(path, [cap: low]) {
        case .success: Issue.record("\(path) loaded under \(cap)=\(low)")
        case .failure(let e):
            #expect(e.code == code, "\(e)")
            #expect(e.message.contains("--limit \(cap)=N") || e.message.contains("--max-decompressed"), "\(e.message)")
            #expect(e.location.file == Fixtures.path(path))
        }
        if case .failure(let e) = Self.load(path, [:]) { Issue.record("\(path) fails by default: \(e)") }
    }

    @Test func pickleWorkIsCappedAsAFinding() throws {
        let dir = Fixtures.path("pickle/benign")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).sorted().first { $0.hasSuffix(".pkl") })
        let benign = dir + "/" + name
        var options = LoadOptions()
        let set = options.setLimit("pickle-opcodes", 3)
        #expect(set)
        let capped = try ModelLoader.load(benign, options: options)
        #expect(capped.issues.contains { $0.code == "pickle-limit" && $0.message.contains("--limit pickle-opcodes=N") }, "\(capped.issues)")
        let normal = try ModelLoader.load(benign)
        #expect(!normal.issues.contains { $0.code == "pickle-limit" })
    }

    @Test func unknownAndOutOfRangeCapsAreRefused() {
        var options = LoadOptions()
        let refused = [options.setLimit("no-such-cap", 1), options.setLimit("gguf-array-depth", 0), options.setLimit("zstd-window-log", 40)]
        #expect(refused == [false, false, false])
        for cap in LoadOptions.limitNames {
            let ok = options.setLimit(cap.name, 8)
            #expect(ok, "\(cap.name) can be set")
        }
    }
}
