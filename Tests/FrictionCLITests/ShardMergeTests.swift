import Foundation
import FrictionCore
import FrictionTestSupport
import Testing
import FrictionLoaders
@testable import FrictionCLI

/// `friction lint --shard K/N` + `friction merge`: the merged report is byte-identical to a
/// single-machine run, the parts really split the weight scans, and bad part sets are refused.
@Suite struct ShardMergeTests {
    static let inputs = ["demo/tiny_q4k.gguf", "demo/hf_model", "demo/fp8_model", "demo/moe_mxfp4.gguf", "compare/llama",
                         "compare/llama-damaged.gguf"].map(Fixtures.path)
    static let args = ["lint", "--format", "json", "--scan-weights", "always", "--fail-on", "warning"]

    @Test(arguments: [2, 3, 5])
    func mergedPartsEqualTheSingleRun(parts n: Int) throws {
        let dir = Fixtures.temporaryDirectory("friction-shards")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let single = FrictionBinary.run(Self.args + Self.inputs)
        var files: [String] = []
        var partFindings: [Int] = []
        for k in (1...n).reversed() {   // any order
            let path = "\(dir)/part\(k).json"
            let run = FrictionBinary.run(Self.args + ["--shard", "\(k)/\(n)", "-o", path] + Self.inputs.shuffled())
            #expect(run.status == 0, "part \(k): \(run.stderr)")
            files.append(path)
            let doc = try JSONParser.parse(Array(try #require(FileManager.default.contents(atPath: path)))).value
            partFindings.append((doc["inputs"]?.arrayValue ?? []).reduce(0) { $0 + ($1["findings"]?.arrayValue?.count ?? 0) })
        }
        let merged = FrictionBinary.run(["merge"] + files)
        #expect(merged.status == single.status, "exit codes: merged \(merged.status), single \(single.status)")
        #expect(merged.stdout == single.stdout, "the merged report differs from the single run")
        _ = partFindings
    }

    /// The weight scans are split: every tensor is owned by exactly one part, and the parts'
    /// byte loads differ by at most the largest tensor.
    @Test(arguments: [2, 3, 7])
    func thePartsSplitTheWeightScans(parts n: Int) throws {
        let model = try ModelLoader.load(Fixtures.path("compare/llama"))
        let owned = (1...n).map { LintShard(index: $0, count: n).ownedTensors(model) }
        #expect(owned.reduce(0) { $0 + $1.count } == model.tensors.count)
        #expect(Set(owned.flatMap { $0 }) == Set(model.tensors.map(\.name)))
        let bytes = owned.map { set in model.tensors.filter { set.contains($0.name) }.reduce(UInt64(0)) { $0 + $1.storage.byteCount } }
        let largest = model.tensors.map(\.storage.byteCount).max() ?? 0
        #expect((bytes.max() ?? 0) - (bytes.min() ?? 0) <= largest, "\(bytes)")
        #expect(LintShard.strip(["--format", "json", "--shard", "2/3", "-o", "x.json", "--output=y", "a"]) == ["--format", "json", "a"])
    }

    @Test func incompletePartSetsAndNonJSONAreRefused() throws {
        let dir = Fixtures.temporaryDirectory("friction-shards")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FrictionBinary.run(Self.args + ["--shard", "1/2", "-o", dir + "/a.json"] + Self.inputs)
        let missing = FrictionBinary.run(["merge", dir + "/a.json"])
        #expect(missing.status == 2 && missing.stderr.contains("need parts 1…2"), "\(missing.stderr)")
        _ = FrictionBinary.run(["lint", "--format", "json", "--scan-weights", "never", "--shard", "2/2", "-o", dir + "/b.json"] + Self.inputs)
        let mixed = FrictionBinary.run(["merge", dir + "/a.json", dir + "/b.json"])
        #expect(mixed.status == 2 && mixed.stderr.contains("different runs"), "\(mixed.stderr)")
        #expect(FrictionBinary.run(["lint", "--shard", "1/2"] + Self.inputs).status == 2, "--shard needs --format json")
        #expect(FrictionBinary.run(["lint", "--format", "json", "--shard", "3/2"] + Self.inputs).status == 2)
        // Edited part counts: 0 and Int64.max parts (an invalid range and an Int64.max-element
        // array before) are refused like any incomplete set.
        let text = try String(contentsOfFile: dir + "/a.json", encoding: .utf8)
        for of in ["0", "-3", "9223372036854775807"] {
            let edited = dir + "/edited-\(of).json"
            try text.replacingOccurrences(of: "\"of\": 2,", with: "\"of\": \(of),").write(toFile: edited, atomically: true, encoding: .utf8)
            #expect(try String(contentsOfFile: edited, encoding: .utf8).contains("\"of\": \(of),"), "the part count was edited")
            let run = FrictionBinary.run(["merge", edited])
            #expect(run.status == 2 && run.stderr.contains("need parts"), "of \(of): \(run.stderr)")
        }
    }

    @Test func noProgressBarWhenStderrIsNotATerminal() {
        let run = FrictionBinary.run(["lint", "--scan-weights", "always", "--fail-on", "never"] + Self.inputs)
        #expect(!run.stderr.contains("scanning") && !run.stderr.contains("\u{1B}["), "\(run.stderr)")
    }

    /// A weight scan over 1 GiB (a sparse float32 file) keeps its own memory small: the payload is
    /// mapped, never copied, so anonymous memory stays far below the input size.
    @Test func aWeightScanKeepsAnonymousMemoryBounded() throws {
        let dir = Fixtures.temporaryDirectory("friction-scale")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/model.safetensors"
        _ = try SparseSafetensors.write(path: path, elements: 1 << 28)   // 1 GiB
        let run = FrictionBinary.run(["lint", "--scan-weights", "always", "--fail-on", "never", path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.peakAnonymous > 0 && run.peakAnonymous < 128 << 20, "peak anonymous memory \(run.peakAnonymous) bytes")
    }
}
