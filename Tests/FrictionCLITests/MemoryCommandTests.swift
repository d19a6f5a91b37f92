import FrictionCore
import FrictionTestSupport
import Foundation
import Testing

/// `friction memory` and the memory rules in lint.
@Suite struct MemoryCommandTests {
    /// A safetensors file with `tensors` (name → float32 values).
    static func safetensors(_ tensors: [(String, [Float])]) -> [UInt8] {
        var offset = 0
        var entries: [String] = []
        for (name, v) in tensors {
            entries.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":[\(v.count)],\"data_offsets\":[\(offset),\(offset + v.count * 4)]}")
            offset += v.count * 4
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        while (8 + header.count) % 8 != 0 { header.append(0x20) }
        var out = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header
        for (_, v) in tensors { v.withUnsafeBytes { out += $0 } }
        return out
    }

    @Test func duplicatedTensorsAreFoundAndConfirmed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dup-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let a = (0..<32768).map { Float($0) * 0.5 }
        var b = a
        b[20000] += 1   // same size, same sampled bytes at start/middle/end? differs in the full comparison only
        FileManager.default.createFile(atPath: path, contents: Data(Self.safetensors([("embed", a), ("head", a), ("other", b)])))
        let run = FrictionBinary.run(["lint", "--format", "json", path, "--select", "MEM"])
        #expect(run.stdout.contains("MEM004"), "\(run.stdout)")
        #expect(run.stdout.contains("head is byte-identical to embed"))
        #expect(!run.stdout.contains("other is byte-identical"))
    }

    @Test func memoryReportsWeightsKVAndFit() throws {
        let run = FrictionBinary.run(["memory", Fixtures.path("demo/hf_model"), "--gpu", "t4", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try JSONParser.parse(Array(run.stdout.utf8)).value
        #expect(doc["schema"]?.stringValue == "friction.memory/1")
        #expect(doc["weights"]?["bytes"]?.int64Value == 108_096)
        #expect(doc["kv_cache"] != nil)
        guard case .array(let fits)? = doc["fit"] else { Issue.record("no fit"); return }
        #expect(fits.first?["fits"] == .bool(true))
    }

    @Test func configAloneIsEnough() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = #"{"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "max_position_embeddings": 131072}"#
        FileManager.default.createFile(atPath: path, contents: Data(config.utf8))
        let run = FrictionBinary.run(["memory", path, "--gpu", "t4", "--gpu", "h100", "--seq", "8192", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let doc = try JSONParser.parse(Array(run.stdout.utf8)).value
        #expect(doc["config_estimate"]?["parameters"]?.int64Value == 8_030_261_248)
        #expect(doc["kv_cache"]?["bytes_per_token"]?.doubleValue == 131_072)
        guard case .array(let fits)? = doc["fit"] else { Issue.record("no fit"); return }
        #expect(fits.map { $0["fits"] } == [.bool(false), .bool(true)])   // 16 GiB of BF16 weights: not on a T4, fine on an H100
    }
}

extension MemoryCommandTests {
    @Test func htmlReportHasAMemoryBarPerTarget() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("mem-\(getpid()).html").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = FrictionBinary.run(["lint", Fixtures.path("demo/hf_model"), "--target", "gpu=t4", "--target", "gpu=h100", "--format", "html",
                                      "-o", out, "--fail-on", "never"])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains("Memory per target GPU"))
        #expect(html.components(separatedBy: "KV cache (4096 tokens)").count == 3)
    }
}
