import FrictionCore
import FrictionExecutor
import FrictionLoaders
import FrictionTestSupport
import Foundation
import Testing

/// `friction replay`: inputs from .pb files, outputs written as .npz whose values equal the
/// frozen reference output; generated inputs with --dim; a model that cannot run exits 2.
@Suite struct ReplayCommandTests {
    @Test func replayWritesTheReferenceOutput() throws {
        let dir = Fixtures.path("executor/test_gemm_all_attributes")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("replay-gemm-\(getpid()).npz").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = FrictionBinary.run(["replay", dir + "/model.onnx", "--inputs", dir + "/input_0.pb", "--inputs", dir + "/input_1.pb",
                                      "--inputs", dir + "/input_2.pb", "-o", out, "--trace"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Gemm"))
        #expect(run.stdout.contains("y: float32 [3, 5]"))
        // The .npz holds the output, within float32 GEMM rounding of the reference.
        let model = try ModelLoader.load(out)
        let written = try TensorMaterializer().tensor(try #require(model.tensors.first))
        let reference = try NodeTestCase.tensor(dir + "/output_0.pb")
        let c = TensorComparison.compare(written, reference, rtol: 1e-6, atol: 1e-6)
        #expect(c.matches, "\(c.detail)")
    }

    @Test func generatedInputsAndTrace() {
        let model = Fixtures.path("executor/test_softmax_example/model.onnx")
        let run = FrictionBinary.run(["replay", model, "--seed", "7", "--trace"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Softmax"))
        #expect(run.stdout.contains("ran 1 nodes"))
    }

    @Test func aMissingFileExitsTwo() {
        let run = FrictionBinary.run(["replay", "/nonexistent/model.onnx"])
        #expect(run.status == 2)
    }
}

/// `friction replay --precision` and `friction lint --replay` on the reproduction fixtures.
@Suite struct PrecisionCommandTests {
    @Test func lintReplayReportsTheOverflowingNode() {
        let dir = Fixtures.path("replay/layernorm_fp16_overflow")
        let run = FrictionBinary.run(["lint", "--format", "json", dir + "/model.onnx", "--replay", "fp16", "--replay-inputs", dir + "/input_0.pb"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("PREC010"))
        #expect(run.stdout.contains("/ln/Pow"))
    }

    @Test func replayWritesAPolicyThatPasses() throws {
        let dir = Fixtures.path("replay/reduction_fp16_overflow")
        let policy = FileManager.default.temporaryDirectory.appendingPathComponent("fix-\(getpid()).yml").path
        defer { try? FileManager.default.removeItem(atPath: policy) }
        let first = FrictionBinary.run(["replay", dir + "/model.onnx", "--inputs", dir + "/input_0.pb", "--precision", "fp16", "--localize",
                                        "--write-policy", policy, "--format", "json"])
        #expect(first.status == 1)
        #expect(first.stdout.contains("\"keep_fp32\""))
        #expect(FileManager.default.fileExists(atPath: policy))
        let second = FrictionBinary.run(["replay", dir + "/model.onnx", "--inputs", dir + "/input_0.pb", "--precision", policy])
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("PASS"))
    }

    @Test func htmlReportHasTheChart() {
        let dir = Fixtures.path("replay/int8_outlier_channel")
        let run = FrictionBinary.run(["replay", dir + "/model.onnx", "--inputs", dir + "/input_0.pb", "--precision", "int8", "--format", "html"])
        #expect(run.stdout.contains("<svg"))
        #expect(run.stdout.contains("/fc1/MatMul"))
    }
}

/// `--golden`: outputs recorded elsewhere replace the FP32 reference in the output comparison.
@Suite struct GoldenReplayTests {
    @Test func goldenOutputsAreComparedInsteadOfTheReference() throws {
        let dir = Fixtures.path("replay/int8_outlier_channel")
        let golden = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(getpid()).npz").path
        defer { try? FileManager.default.removeItem(atPath: golden) }
        // Record the FP32 outputs, then compare an FP32 replay against them: identical.
        let record = FrictionBinary.run(["replay", dir + "/model.onnx", "--inputs", dir + "/input_0.pb", "-o", golden])
        #expect(record.status == 0, "\(record.stderr)")
        let run = FrictionBinary.run(["replay", dir + "/model.onnx", "--inputs", dir + "/input_0.pb", "--precision", "fp32",
                                      "--golden", golden, "--format", "json"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("\"compared_against\": \"golden outputs\""))
        // The INT8 emulation against the same golden data fails, as against the reference.
        let int8 = FrictionBinary.run(["replay", dir + "/model.onnx", "--inputs", dir + "/input_0.pb", "--precision", "int8", "--golden", golden])
        #expect(int8.status == 1)
        #expect(int8.stdout.contains("golden outputs"))
    }
}
