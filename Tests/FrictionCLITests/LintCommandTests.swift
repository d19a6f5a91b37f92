import Foundation
import FrictionCore
import FrictionTestSupport
import Testing

/// `friction lint`, `rules` and `explain` end to end.
@Suite struct LintCommandTests {
    static let demo = ["demo/fp8_model", "demo/hf_model", "demo/moe_mxfp4.gguf", "demo/tiny_q4k.gguf"].map(Fixtures.path)

    @Test func theDemoModelsCarryFrictionAndExitOne() {
        let run = FrictionBinary.run(["lint"] + Self.demo)
        #expect(run.status == 1, "\(run.stderr)")
        for code in ["PREC001", "SPR001", "QNT001", "ARCH002", "QNT004"] { #expect(run.stdout.contains("[\(code)]"), "missing \(code)") }
        #expect(run.stdout.contains("errors") && run.stdout.contains("command: friction lint"))
    }

    @Test func failOnControlsTheExitCode() {
        #expect(FrictionBinary.run(["lint", "--fail-on", "never"] + Self.demo).status == 0)
        #expect(FrictionBinary.run(["lint", Self.demo[1]]).status == 0, "warnings only: below the default threshold")
        #expect(FrictionBinary.run(["lint", "--fail-on", "warning", Self.demo[1]]).status == 1)
        #expect(FrictionBinary.run(["lint", "--fail-on", "sometimes", Self.demo[1]]).status == 2)
    }

    @Test func unreadableInputsExitTwoEvenWithFailOnNever() {
        let run = FrictionBinary.run(["lint", "--fail-on", "never", Fixtures.path("bad/gguf/version_4.gguf"), Self.demo[1]])
        #expect(run.status == 2)
        #expect(run.stdout.contains("[EXP001]") && run.stdout.contains("gguf-version"))
    }

    @Test func selectIgnoreAndTargetsFromTheCommandLine() {
        let only = FrictionBinary.run(["lint", "--select", "PREC", Self.demo[1]])
        #expect(only.stdout.contains("[PREC001]") && !only.stdout.contains("[SPR001]"))
        let ignored = FrictionBinary.run(["lint", "--ignore", "SPR,PREC", Self.demo[1]])
        #expect(!ignored.stdout.contains("[SPR001]") && !ignored.stdout.contains("[PREC001]"))
        let h100 = FrictionBinary.run(["lint", "--select", "ARCH", "--target", "gpu=h100", Self.demo[0]])
        #expect(h100.status == 0, "FP8 runs on Hopper: \(h100.stdout)")
        let badTarget = FrictionBinary.run(["lint", "--target", "gpu=abacus", Self.demo[0]])
        #expect(badTarget.status == 2 && badTarget.stderr.contains("unknown GPU"))
    }

    @Test func aUserRuleFileWorksWithoutRecompiling() {
        let dir = Fixtures.temporaryDirectory()
        let rule = """
            code: SPR901
            name: rows-not-multiple-of-64
            summary: 2-D weights whose rows are not a multiple of 64
            category: sparsity
            severity: error
            check: tensor-selector
            params: {min_rank: 2, dims: [0], dim_not_multiple_of: 64, name: "*.weight"}
            message: "{tensor} has {size} rows"
            docs: {what: rows, why: kernels, fix: pad, references: [our kernel guide]}
            examples:
              triggering: [{model: {tensors: [{name: a.weight, dtype: F16, shape: [72, 64]}]}, expect: [{tensor: a.weight}]}]
              non_triggering: [{model: {tensors: [{name: a.weight, dtype: F16, shape: [128, 64]}]}}]
            """
        Fixtures.write(rule, to: dir + "/my-rule.yaml")
        let tested = FrictionBinary.run(["rules", "--test", "--rules", dir + "/my-rule.yaml"])
        #expect(tested.status == 0 && tested.stdout.contains("ok    SPR901"), "\(tested.stdout)\(tested.stderr)")
        let lint = FrictionBinary.run(["lint", "--select", "SPR901", "--rules", dir + "/my-rule.yaml", Self.demo[1]])
        #expect(lint.status == 1, "\(lint.stderr)")
        #expect(lint.stdout.contains("[SPR901] model.layers.0.mlp.gate_proj.weight has 72 rows"))
        Fixtures.write("rules: [my-rule.yaml]\nselect: [SPR901]\n", to: dir + "/.friction.yml")
        let viaConfig = FrictionBinary.run(["lint", "--config", dir + "/.friction.yml", Self.demo[1]])
        #expect(viaConfig.status == 1 && viaConfig.stdout.contains("[SPR901]"))
        Fixtures.write(rule.replacingOccurrences(of: "dim_not_multiple_of: 64", with: "dim_not_multiple_off: 64"), to: dir + "/broken.yaml")
        let broken = FrictionBinary.run(["lint", "--rules", dir + "/broken.yaml", Self.demo[1]])
        #expect(broken.status == 2 && broken.stderr.contains("broken.yaml:7:") && broken.stderr.contains("dim_not_multiple_off"), "\(broken.stderr)")
    }

    @Test func baselineRoundTrip() {
        let dir = Fixtures.temporaryDirectory()
        let write = FrictionBinary.run(["lint", "--write-baseline", dir + "/baseline.json"] + Self.demo)
        #expect(write.status == 1)
        let again = FrictionBinary.run(["lint", "--baseline", dir + "/baseline.json"] + Self.demo)
        #expect(again.status == 0, "\(again.stdout)")
        #expect(again.stdout.contains("baselined"))
    }

    @Test(arguments: ["sarif", "json", "markdown", "junit", "html"])
    func everyFormatWritesToAFile(format: String) throws {
        let dir = Fixtures.temporaryDirectory()
        let out = dir + "/report.\(format)"
        let run = FrictionBinary.run(["lint", "--format", format, "--output", out] + Self.demo)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("QNT001"))
        #expect(FrictionBinary.run(["lint", "--format", "pdf"] + Self.demo).status == 2)
    }

    @Test func rulesAndExplain() {
        let table = FrictionBinary.run(["rules"])
        #expect(table.status == 0 && table.stdout.contains("PREC001") && table.stdout.contains("config-dtype-mismatch"))
        let markdown = FrictionBinary.run(["rules", "--format", "markdown"])
        #expect(markdown.stdout.hasPrefix("# friction rules") && markdown.stdout.contains("## QNT004"))
        let explain = FrictionBinary.run(["explain", "ARCH003"])
        #expect(explain.status == 0)
        for section in ["What", "Why", "Fix", "References", "NVlabs/QeRL#10"] { #expect(explain.stdout.contains(section)) }
        #expect(FrictionBinary.run(["explain", "weights-wider-than-config-dtype"]).stdout.contains("PREC001"))
        #expect(FrictionBinary.run(["explain", "XYZ999"]).status == 2)
        #expect(FrictionBinary.run(["rules", "--test"]).status == 0)
    }
}

/// ONNX rules on the real ONNX fixtures (written by the onnx package), end to end.
@Suite struct ONNXLintTests {
    func codes(_ target: String, _ files: [String]) -> [String: Int] {
        let run = FrictionBinary.run(["lint", "--fail-on", "never", "--target", target] + files.map { Fixtures.path("onnx/" + $0) })
        var counts: [String: Int] = [:]
        for line in run.stdout.split(separator: "\n") {
            guard let open = line.range(of: "["), let close = line[open.upperBound...].firstIndex(of: "]") else { continue }
            let code = String(line[open.upperBound..<close])
            if code.allSatisfy({ $0.isUppercase || $0.isNumber }) { counts[code, default: 0] += 1 }
        }
        return counts
    }

    @Test func fp16TensorRTTargetOnTheONNXFixtures() {
        let found = codes("gpu=t4,runtime=tensorrt@8.6,precision=fp16",
                          ["layernorm_decomposed.onnx", "transformer_block.onnx", "qdq_fp8_int4.onnx", "metadata.onnx", "dtypes.onnx"])
        for code in ["PREC005", "PREC004", "OPS001", "OPS002", "OPS006", "MEM002", "EXP017", "ARCH002"] {
            #expect(found[code] != nil, "\(code) did not fire: \(found)")
        }
    }

    @Test func cleanModelOnAPermissiveTargetHasNoErrors() {
        let run = FrictionBinary.run(["lint", "--target", "gpu=h100,runtime=onnxruntime-cuda@1.23", Fixtures.path("onnx/mlp.onnx")])
        #expect(run.status == 0, "\(run.stdout)")
    }

    @Test func unsupportedOpsAreAllListedAtOnce() {
        let found = codes("runtime=tensorrt@8.6", ["qdq_fp8_int4.onnx"])
        #expect((found["OPS003"] ?? 0) >= 1, "\(found)")
    }
}
