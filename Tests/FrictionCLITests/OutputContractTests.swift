import Foundation
import FrictionCore
import FrictionTestSupport
import Testing

/// The output contract of DESIGN.md: deterministic reports (byte-identical across runs and
/// across the order inputs are named in), the exit codes, an unreadable input never exiting 0,
/// and input files never written.
@Suite struct OutputContractTests {
    static let inputs = ["demo/tiny_q4k.gguf", "demo/hf_model", "demo/fp8_model", "demo/moe_mxfp4.gguf"].map(Fixtures.path)

    @Test(arguments: ["json", "sarif", "markdown", "junit", "html", "text"])
    func reportsAreByteIdenticalAcrossRunsAndOrders(format: String) {
        let first = FrictionBinary.run(["lint", "--format", format, "--fail-on", "never"] + Self.inputs)
        let again = FrictionBinary.run(["lint", "--format", format, "--fail-on", "never"] + Self.inputs)
        let reversed = FrictionBinary.run(["lint", "--fail-on", "never", "--format", format] + Self.inputs.reversed())
        #expect(first.status == 0 && !first.stdout.isEmpty, "\(first.stderr)")
        #expect(first.stdout == again.stdout, "\(format): two runs differ")
        // Options may move; inputs may come in any order: the same bytes.
        let normalized = reversed.stdout.replacingOccurrences(of: "--fail-on never --format \(format)", with: "--format \(format) --fail-on never")
        #expect(first.stdout == normalized, "\(format): input order changes the report")
    }

    @Test func inspectAndCompareJSONAreDeterministic() {
        for args in [["inspect", "--format", "json"] + Self.inputs,
                     ["compare", "--format", "json", Fixtures.path("compare/llama"), Fixtures.path("compare/llama-damaged.gguf")]] {
            let a = FrictionBinary.run(args), b = FrictionBinary.run(args)
            #expect(a.stdout == b.stdout && !a.stdout.isEmpty, "\(args[0])")
        }
    }

    @Test func exitCodesFollowTheContract() {
        #expect(FrictionBinary.run(["lint", "--fail-on", "never"] + Self.inputs).status == 0)
        #expect(FrictionBinary.run(["lint"] + Self.inputs).status == 1, "error findings → 1")
        #expect(FrictionBinary.run(["lint", "--no-such-flag", Self.inputs[0]]).status == 2, "usage error → 2")
        #expect(FrictionBinary.run(["inspect", Self.inputs[0]]).status == 0)
        #expect(FrictionBinary.run(["inspect", "/no/such/file"]).status == 2)
    }

    /// Every bad fixture the manifest says cannot be read (`expect: error`): lint never exits 0,
    /// even with --fail-on never, and inspect exits 2; the rest load with their issue reported.
    @Test func anUnreadableInputNeverExitsZero() throws {
        let bad = Fixtures.bad()
        let errors = bad.filter { $0["expect"]?.stringValue == "error" }.compactMap { $0["path"]?.stringValue }.map(Fixtures.path)
        #expect(errors.count > 50)
        let lint = FrictionBinary.run(["lint", "--fail-on", "never", "--format", "json"] + errors)
        #expect(lint.status == 2, "lint --fail-on never over \(errors.count) unreadable files exited \(lint.status)")
        for path in errors {
            let run = FrictionBinary.run(["inspect", path])
            #expect(run.status == 2, "\(path): inspect exited \(run.status)")
        }
    }

    /// Read-only copies of the inputs through every command: contents and modification times unchanged.
    @Test func inputFilesAreNeverWritten() throws {
        let dir = Fixtures.temporaryDirectory("friction-readonly")
        defer {
            _ = try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir)
            try? FileManager.default.removeItem(atPath: dir)
        }
        let sources = ["demo/tiny_q4k.gguf", "compare/llama-q8_0.gguf", "hdf5/cnn.keras", "onnx/transformer_block.onnx", "torch/anomaly_crc.pt"]
        var copies: [String] = []
        for s in sources {
            let to = dir + "/" + (s as NSString).lastPathComponent
            try FileManager.default.copyItem(atPath: Fixtures.path(s), toPath: to)
            copies.append(to)
        }
        try FileManager.default.copyItem(atPath: Fixtures.path("compare/llama"), toPath: dir + "/llama")
        let all = copies + [dir + "/llama/model.safetensors", dir + "/llama/config.json"]
        func snapshot() throws -> [String: (Date, Data)] {
            var out: [String: (Date, Data)] = [:]
            for p in all {
                let attrs = try FileManager.default.attributesOfItem(atPath: p)
                out[p] = (try #require(attrs[.modificationDate] as? Date), try #require(FileManager.default.contents(atPath: p)))
            }
            return out
        }
        for p in all { try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: p) }
        let before = try snapshot()
        let out = Fixtures.temporaryDirectory("friction-out")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let runs: [[String]] = [
            ["inspect", "--stats"] + copies, ["lint", "--scan-weights", "always", "--format", "sarif", "-o", out + "/r.sarif"] + copies,
            ["compare", dir + "/llama", copies[1]], ["lint", "--reference", dir + "/llama", copies[1]],
            ["dump", copies[1], "--tensor", "blk.0.*", "-o", out + "/d.npz"], ["memory", dir + "/llama"],
            ["replay", copies[3]],
        ]
        for r in runs {
            let run = FrictionBinary.run(r)
            #expect(!run.signaled && (0...2).contains(run.status), "\(r[0]): \(run.status) \(run.stderr)")
        }
        let after = try snapshot()
        for p in all {
            #expect(before[p]?.0 == after[p]?.0, "\(p): modification time changed")
            #expect(before[p]?.1 == after[p]?.1, "\(p): contents changed")
        }
    }

    /// A cap stops the input with an error naming the option; `--limit` raises it; a wrong
    /// `--limit` is a usage error.
    @Test func capsAreNamedAndRaisableFromTheCommandLine() {
        let model = Fixtures.path("onnx/cnn.onnx")
        let capped = FrictionBinary.run(["inspect", "--limit", "onnx-nodes=1", model])
        #expect(capped.status == 2 && capped.stderr.contains("[onnx-graph-size]") && capped.stderr.contains("--limit onnx-nodes=N"), "\(capped.stderr)")
        #expect(FrictionBinary.run(["inspect", "--limit", "onnx-nodes=1000", model]).status == 0)
        let lint = FrictionBinary.run(["lint", "--fail-on", "never", "--limit", "onnx-nodes=1", model])
        #expect(lint.status == 2 && lint.stdout.contains("[EXP001]"))
        let bad = FrictionBinary.run(["inspect", "--limit", "no-such-cap=3", model])
        #expect(bad.status == 2 && bad.stderr.contains("onnx-nodes (ONNX nodes in one model)"), "\(bad.stderr)")
    }
}
