import Foundation
import FrictionFuzzTargets
import FrictionLoaders
import FrictionTestSupport
import Testing

/// Every input under fixtures/regressions/<target>/ (minimized fuzzer finds, and the seed
/// corpora under seeds/<target>/) replayed through its fuzz target's harness: returning at all is
/// the assertion — a trap, an unbounded allocation or a hang fails the run.
@Suite struct FuzzRegressionTests {
    static let root = Fixtures.path("regressions")

    static func files(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { dir + "/" + $0 }
            .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && !d.boolValue }
    }

    /// (target, file) for the regressions and the seeds.
    static let cases: [String] = {
        var out: [String] = []
        for base in [root, root + "/seeds"] {
            for target in ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).sorted() where target != "seeds" {
                for f in files(base + "/" + target) where !f.hasSuffix("README.md") { out.append(target + "|" + f) }
            }
        }
        return out
    }()

    @Test func everyFolderIsATarget() {
        let names = Set(FuzzTargets.all.map(\.name))
        #expect(names.count == FuzzTargets.all.count, "target names are unique")
        #expect(Set(FuzzTargets.seeds.keys) == names, "every target has seed folders")
        for c in Self.cases { #expect(names.contains(String(c.split(separator: "|")[0])), "\(c)") }
        #expect(Self.cases.count >= 5)
    }

    @Test(arguments: cases)
    func replays(_ entry: String) throws {
        let parts = entry.split(separator: "|", maxSplits: 1).map(String.init)
        let run = try #require(FuzzTargets.target(parts[0]))
        let bytes = try #require(FileManager.default.contents(atPath: parts[1]))
        [UInt8](bytes).withUnsafeBytes { run($0) }
    }

    /// Every file in the `lint` target's seed folders (the demo models and the loader fixtures,
    /// ONNX graphs included) through the whole lint pipeline: analyses, every bundled rule
    /// against four deployment targets, statistics, memory estimates and every reporter.
    static let lintSeeds: [String] = {
        var out: [String] = []
        for seedDir in FuzzTargets.seeds["lint"] ?? [] {
            let dir = Fixtures.root.appendingPathComponent(seedDir).path
            guard let walker = FileManager.default.enumerator(atPath: dir) else { continue }
            for case let name as String in walker where name.split(separator: "/").count <= 2 {
                var isDir: ObjCBool = false
                let path = dir + "/" + name
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue { out.append(path) }
            }
        }
        return out.sorted()
    }()

    @Test func lintSeedsAreFound() {
        #expect(Self.lintSeeds.count >= 100, "\(Self.lintSeeds.count) lint seeds")
        #expect(Self.lintSeeds.contains(Fixtures.path("demo/tiny_q4k.gguf")))
    }

    @Test(arguments: lintSeeds)
    func lintPipelineRunsOn(_ path: String) throws {
        let run = try #require(FuzzTargets.target("lint"))
        let bytes = try #require(FileManager.default.contents(atPath: path))
        [UInt8](bytes).withUnsafeBytes { run($0) }
    }
}
