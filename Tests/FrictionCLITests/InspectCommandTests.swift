import FrictionCore
@testable import FrictionReport
import FrictionTestSupport
import Testing

/// `friction inspect` as a user runs it: exit codes, streams, formats, colour.
@Suite struct InspectCommandTests {
    static let badErrors = Fixtures.bad().filter { $0["expect"]?.stringValue == "error" }.compactMap { $0["path"]?.stringValue }
    static let goodPaths = Fixtures.good().compactMap { $0["path"]?.stringValue }

    @Test(arguments: badErrors)
    func everyBadFixtureExitsTwoWithItsCodeAndNoCrash(path: String) {
        let code = Fixtures.bad().first { $0["path"]?.stringValue == path }?["code"]?.stringValue ?? "?"
        var arguments = ["inspect", Fixtures.path(path)]
        if path.hasSuffix("bomb_64mib_zeros.zst") { arguments += ["--max-decompressed", "1048576"] }
        let run = FrictionBinary.run(arguments)
        #expect(!run.signaled, "\(path) crashed: \(run.stderr)")
        #expect(run.status == 2, "\(path): exit \(run.status)")
        #expect(run.stderr.contains("[\(code)]"), "\(path): \(run.stderr)")
        #expect(run.stderr.contains(path.split(separator: "/").last.map(String.init) ?? path), "error names the file")
    }

    @Test(arguments: goodPaths)
    func everyGoodFixtureIsListedExactlyAsTheReferenceReadIt(path: String) throws {
        let text = FrictionBinary.run(["inspect", Fixtures.path(path)])
        #expect(text.status == 0, "\(path): \(text.stderr)")
        #expect(text.stderr.isEmpty)
        let run = FrictionBinary.run(["inspect", "--format", "json", Fixtures.path(path)])
        #expect(run.status == 0)
        let doc = try JSONParser.parse(Array(run.stdout.utf8)).value
        guard case .array(let inputs)? = doc["inputs"], case .array(let listed)? = inputs.first?["tensors"],
              case .array(let expected)? = Fixtures.good().first(where: { $0["path"]?.stringValue == path })?["tensors"]
        else { Issue.record("\(path): no tensors"); return }
        #expect(listed.count == expected.count)
        for reference in expected {
            let name = reference["name"]?.stringValue
            guard let row = listed.first(where: { $0["name"]?.stringValue == name }) else { Issue.record("\(path): \(name ?? "?") not listed"); continue }
            #expect(row["stored_dtype"] == reference["dtype"], "\(path) \(name ?? "") dtype")
            #expect((row["shape"] ?? .null).sameNumbers(as: reference["shape"] ?? .null), "\(path) \(name ?? "") shape")
            #expect((row["begin"] ?? .null).sameNumbers(as: reference["begin"] ?? .null), "\(path) \(name ?? "") begin")
            #expect((row["end"] ?? .null).sameNumbers(as: reference["end"] ?? .null), "\(path) \(name ?? "") end")
        }
    }

    @Test func oneBadInputAmongGoodOnesStillExitsTwoAndReportsTheRest() throws {
        let good = Fixtures.path("safetensors/basic.safetensors")
        let bad = Fixtures.path("bad/safetensors/trailing_bytes.safetensors")
        let run = FrictionBinary.run(["inspect", "--format", "json", good, bad])
        #expect(run.status == 2)
        let doc = try JSONParser.parse(Array(run.stdout.utf8)).value
        guard case .array(let inputs)? = doc["inputs"], case .array(let errors)? = doc["errors"] else {
            Issue.record("bad document"); return
        }
        #expect(inputs.count == 1)
        #expect(errors.first?["code"]?.stringValue == "st-trailing-bytes")
        #expect(errors.first?["offset"]?.int64Value == 176)
    }

    @Test func usageErrorsExitTwo() {
        #expect(FrictionBinary.run(["inspect"]).status == 2)
        #expect(FrictionBinary.run(["inspect", "--format", "yaml", Fixtures.path("gguf/basic_le.gguf")]).status == 2)
        #expect(FrictionBinary.run(["no-such-command"]).status == 2)
        #expect(FrictionBinary.run(["inspect", "/no/such/file"]).status == 2)
        let help = FrictionBinary.run(["--help"])
        #expect(help.status == 0 && help.stdout.contains("inspect"))
    }

    @Test func jsonIsDeterministicAndVersioned() throws {
        let args = ["inspect", "--format", "json", Fixtures.path("gguf/basic_le.gguf"), Fixtures.path("safetensors/sharded_model")]
        let first = FrictionBinary.run(args)
        let second = FrictionBinary.run(args)
        #expect(first.status == 0)
        #expect(first.stdout == second.stdout)
        let doc = try JSONParser.parse(Array(first.stdout.utf8)).value
        #expect(doc["schema"]?.stringValue == "friction.inspect/1")
        #expect(doc.serialized(indent: 2) + "\n" == first.stdout, "keys are sorted and layout is canonical")
        guard case .array(let inputs)? = doc["inputs"] else { Issue.record("no inputs"); return }
        #expect(inputs[1]["config"]?["architecture"]?.stringValue == "LlamaForCausalLM")
        #expect(inputs[1]["format"]?.stringValue == "hf-folder")
    }

    @Test func longMetadataArraysAreSummarised() throws {
        let path = Fixtures.path("gguf/basic_le.gguf")
        let text = FrictionBinary.run(["inspect", path]).stdout
        #expect(text.contains("items)"), "a long array shows its head and count")
        let json = FrictionBinary.run(["inspect", "--format", "json", path]).stdout
        let full = FrictionBinary.run(["inspect", "--format", "json", "--full", path]).stdout
        #expect(json.contains("\"truncated\": true"))
        #expect(!full.contains("\"truncated\""))
        #expect(full.count > json.count)
    }

    @Test func colourOnlyOnATerminalAndNeverWithNoColor() {
        let path = Fixtures.path("safetensors/basic.safetensors")
        let piped = FrictionBinary.run(["inspect", path], environment: ["NO_COLOR": nil])
        #expect(!piped.stdout.contains("\u{1B}["), "no escapes when stdout is not a terminal")
        let noColor = FrictionBinary.run(["inspect", path], environment: ["NO_COLOR": "1"])
        #expect(!noColor.stdout.contains("\u{1B}["))
    }

    @Test func textReportShowsTheTensorTableTotalsAndConfig() {
        let run = FrictionBinary.run(["inspect", Fixtures.path("safetensors/sharded_model")])
        #expect(run.status == 0)
        for needle in ["hf-folder", "model.embed_tokens.weight", "bfloat16 (BF16)", "totals by dtype", "config.json",
                       "architecture: LlamaForCausalLM", "kv_heads: 2", "model-00002-of-00002.safetensors"] {
            #expect(run.stdout.contains(needle), "missing \(needle)")
        }
    }
}

/// `friction inspect --stats` over every good fixture and demo model: it finishes and never crashes,
/// including tensors with no finite value (whose min and max stay at ±inf).
@Suite struct InspectStatisticsTests {
    static let paths = InspectCommandTests.goodPaths + ["demo/moe_mxfp4.gguf", "demo/tiny_q4k.gguf", "demo/fp8_model", "demo/hf_model"]

    @Test(arguments: paths)
    func statisticsFinishOnEveryFixture(path: String) {
        let run = FrictionBinary.run(["inspect", "--stats", Fixtures.path(path)])
        #expect(!run.signaled, "\(path) crashed: \(run.stderr)")
        #expect(run.status == 0, "\(path): exit \(run.status): \(run.stderr)")
        #expect(run.stdout.contains("weight statistics") || run.stdout.contains("0 tensors"), "\(path): \(run.stdout.suffix(300))")
    }

    @Test func nonFiniteNumbersPrintAsWords() {
        #expect(StatisticsReport.number(.infinity) == "inf")
        #expect(StatisticsReport.number(-.infinity) == "-inf")
        #expect(StatisticsReport.number(.nan) == "nan")
        #expect(StatisticsReport.number(123456) == "1.23e5")
        #expect(StatisticsReport.number(0.5) == "0.5")
    }
}
