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

    static func subfolders(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { dir + "/" + $0 }
            .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && d.boolValue }
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
        for name in names { #expect(FuzzTargets.unavailable(name) == nil, "\(name) can run here") }
        for c in Self.cases { #expect(names.contains(String(c.split(separator: "|")[0])), "\(c)") }
        #expect(Self.cases.count >= 5)
    }

    /// Regressions, seed corpora and the pipeline targets' seed files, each through its harness.
    @Test(arguments: cases + pipelineSeeds)
    func replays(_ entry: String) throws {
        let parts = entry.split(separator: "|", maxSplits: 1).map(String.init)
        let run = try #require(FuzzTargets.target(parts[0]))
        let bytes = try #require(FileManager.default.contents(atPath: parts[1]))
        [UInt8](bytes).withUnsafeBytes { run($0) }
    }

    /// Every file in the seed folders of the pipeline targets (`lint`: the demo models and the
    /// loader fixtures, ONNX graphs included, through analyses, every bundled rule against four
    /// deployment targets, statistics, memory estimates and every reporter; `compare`: the
    /// compare fixtures against the reference Llama or activation dump, every format).
    static let pipelineSeeds: [String] = {
        var out: [String] = []
        for target in ["lint", "compare"] {
            for seedDir in FuzzTargets.seeds[target] ?? [] {
                let dir = Fixtures.root.appendingPathComponent(seedDir).path
                // As scripts/fuzz seeds: the folder's files and those one level down.
                for path in files(dir) + subfolders(dir).flatMap(files) { out.append(target + "|" + path) }
            }
        }
        return out
    }()

    /// scripts/fuzz reads `FuzzTargets.seeds` from the source with a one-line pattern: every
    /// target's entry must be one line it can read, naming the same folders.
    @Test func scriptsFuzzReadsTheSeedTable() throws {
        let source = try String(contentsOfFile: Fixtures.root.appendingPathComponent("Sources/FrictionFuzzTargets/FuzzTargets.swift").path, encoding: .utf8)
        var read: [String: [String]] = [:]
        for line in source.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("\""), let colon = text.range(of: "\": ["), text.hasSuffix("],") || text.hasSuffix("]") else { continue }
            let name = String(text[text.index(after: text.startIndex)..<colon.lowerBound])
            let list = text[colon.upperBound...].dropLast(text.hasSuffix(",") ? 2 : 1)
            read[name] = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\"", with: "") }
        }
        #expect(read == FuzzTargets.seeds)
    }

    @Test func pipelineSeedsAreFound() {
        #expect(Self.pipelineSeeds.filter { $0.hasPrefix("lint|") }.count >= 100, "\(Self.pipelineSeeds.count) seeds")
        #expect(Self.pipelineSeeds.contains("lint|" + Fixtures.path("demo/tiny_q4k.gguf")))
        #expect(Self.pipelineSeeds.contains("compare|" + Fixtures.path("compare/llama-q4_0.gguf")))
        #expect(Self.pipelineSeeds.contains("compare|" + Fixtures.path("compare/activations/infer.npz")))
    }
}
