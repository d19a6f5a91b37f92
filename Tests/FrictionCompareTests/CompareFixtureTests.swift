import FrictionCompare
import FrictionCore
import FrictionLoaders
import FrictionTestSupport
import Testing

/// `friction compare` against fixtures/compare (fixtures/generate/gen_compare.py): a tiny Llama
/// checkpoint converted to GGUF with the gguf package the way convert_hf_to_gguf.py does it
/// (Q8_0, Q5_0, Q4_0, MXFP4; Q/K permuted), a deliberately damaged export, a depth-pruned one,
/// an ONNX file with generated initializer names, and two activation dumps. Every expected
/// value was computed with numpy in float64 on gguf-py's own dequantization.
@Suite struct CompareFixtureTests {
    static let expected = Fixtures.json("fixtures/compare/expected.json")
    static let comparisons = expected["comparisons"]?.arrayValue ?? []
    static let files = comparisons.compactMap { $0["b"]?.stringValue }

    static func load(_ relative: String) throws -> Model { try ModelLoader.load(Fixtures.path(relative)) }

    static func close(_ x: Double?, _ y: JSONValue?, _ label: String) {
        guard case .double(let e)? = y ?? .null else {
            if y == .null || y == nil { #expect(x == nil, "\(label): expected null, got \(String(describing: x))") }
            else if let i = y?.int64Value { #expect(x.map { abs($0 - Double(i)) <= 1e-12 } == true, "\(label)") }
            return
        }
        guard let x else { Issue.record("\(label): nil, expected \(e)"); return }
        #expect(abs(x - e) <= 1e-9 * max(1, abs(e)), "\(label): \(x) vs numpy \(e)")
    }

    static func run(_ row: JSONValue) throws -> CompareReport {
        let a = try load(try #require(row["a"]?.stringValue)), b = try load(try #require(row["b"]?.stringValue))
        return ModelComparison().compare(a, b)
    }

    @Test func theNameMapsAgreeWithGGUFPy() throws {
        guard case .object(let archs)? = Self.expected["name_maps"] else { Issue.record("no name maps"); return }
        #expect(archs.count == 5)
        for arch in archs {
            let map = try #require(GGUFNameMap.family(arch.key.lowercased()), "\(arch.key)")
            for row in arch.value.arrayValue ?? [] {
                let hf = row.arrayValue?[0].stringValue ?? ""
                let gguf = row.arrayValue?[1].stringValue
                #expect(map.gguf(for: hf)?.name == gguf, "\(arch.key): \(hf) → \(String(describing: map.gguf(for: hf)?.name)), gguf-py says \(String(describing: gguf))")
            }
        }
    }

    @Test(arguments: files)
    func pairsAndMetricsAgreeWithNumpy(file: String) throws {
        let row = try #require(Self.comparisons.first { $0["b"]?.stringValue == file })
        let report = try Self.run(row)
        let wanted = row["pairs"]?.arrayValue ?? []
        #expect(report.pairs.count == wanted.count, "\(file)")
        #expect(report.unmatchedA == (row["unmatched_a"]?.arrayValue ?? []).compactMap(\.stringValue).sorted(), "\(file)")
        #expect(report.unmatchedB == (row["unmatched_b"]?.arrayValue ?? []).compactMap(\.stringValue).sorted(), "\(file)")
        for w in wanted {
            let label = "\(file): \(w["a"]?.stringValue ?? "")"
            let p = try #require(report.pairs.first { $0.a == w["a"]?.stringValue }, "\(label)")
            #expect(p.b == w["b"]?.stringValue, "\(label): paired with \(p.b)")
            #expect(p.transform.rawValue == w["transform"]?.stringValue, "\(label): \(p.transform)")
            #expect(p.bType == w["b_type"]?.stringValue || (p.bType == "float16" && w["b_type"]?.stringValue == "F16"), "\(label): \(p.bType)")
            let m = try #require(p.metrics, "\(label): \(p.problem ?? "")")
            Self.close(m.maxAbs, w["max_abs"], label + " max_abs")
            Self.close(m.meanAbs, w["mean_abs"], label + " mean_abs")
            Self.close(m.relL2, w["rel_l2"], label + " rel_l2")
            Self.close(m.cosine, w["cosine"], label + " cosine")
            Self.close(m.snrDB, w["snr_db"], label + " snr_db")
            Self.close(m.signFlips, w["sign_flips"], label + " sign_flips")
        }
    }

    /// Each quant type lands at the error level its format should give: no tensor below its
    /// floor or beyond one quantization step, and the SNR ordered by bits.
    @Test func cleanExportsSitAtTheirFormatsErrorLevel() throws {
        var meanSNR: [String: Double] = [:]
        let exports = ["llama-q8_0.gguf": 22, "llama-q5_0.gguf": 22, "llama-q4_0.gguf": 22, "llama-mxfp4.gguf": 22,
                       "llama-fp8": 21, "llama-int8": 21, "llama-nvfp4": 21, "llama-gptq": 21, "llama-mxfp4-ct": 21]
        for (file, count) in exports.sorted(by: { $0.key < $1.key }) {
            let row = try #require(Self.comparisons.first { $0["b"]?.stringValue == "compare/" + file })
            let report = try Self.run(row)
            #expect(!report.hasFindings, "\(file): \(report.pairs.filter(\.flagged).map(\.b))")
            let quantized = report.pairs.filter { !["F32", "bfloat16"].contains($0.bFormat ?? $0.bType) }
            #expect(quantized.count == count, "\(file)")
            for p in quantized {
                let snr = try #require(p.metrics?.snrDB)
                let format = p.bFormat ?? p.bType
                let expected = try #require(FormatExpectation.expectedSNR[format], "\(format)")
                #expect(snr >= expected - FormatExpectation.margin && snr <= expected + 8, "\(file) \(p.b): \(snr) dB, table \(expected) for \(format)")
                #expect((p.metrics?.beyondSteps ?? 0) == 0, "\(file) \(p.b): \(p.metrics?.beyondSteps ?? -1) beyond one step")
            }
            meanSNR[file] = quantized.compactMap(\.metrics?.snrDB).reduce(0, +) / Double(quantized.count)
        }
        let order = ["llama-q8_0.gguf", "llama-q5_0.gguf", "llama-q4_0.gguf", "llama-mxfp4.gguf"].compactMap { meanSNR[$0] }
        #expect(order == order.sorted(by: >), "\(meanSNR)")
        #expect(meanSNR["llama-mxfp4-ct"].map { abs($0 - meanSNR["llama-mxfp4.gguf"]!) < 1.5 } == true, "MXFP4 in GGUF and in compressed-tensors: \(meanSNR)")
        #expect(meanSNR["llama-gptq"].map { abs($0 - meanSNR["llama-q4_0.gguf"]!) < 3 } == true, "4-bit groups of 32 land near Q4_0: \(meanSNR)")
    }

    @Test func theDamagedExportIsPinpointed() throws {
        let row = try #require(Self.comparisons.first { $0["b"]?.stringValue == "compare/llama-damaged.gguf" })
        let report = try Self.run(row)
        let faults = row["faults"]?.arrayValue ?? []
        #expect(Set(report.pairs.filter(\.flagged).map(\.b)) == Set(faults.compactMap { $0["b"]?.stringValue }))
        for f in faults {
            let p = try #require(report.pairs.first { $0.b == f["b"]?.stringValue })
            let text = p.diagnosis.joined(separator: " ")
            switch f["kind"]?.stringValue {
            case "swapped": #expect(text.contains("matches \(f["with"]?.stringValue ?? "?") instead"), "\(text)")
            case "transposed": #expect(text.contains("stored transposed"), "\(text)")
            case "scale":
                #expect(text.contains("block \(f["block"]?.int64Value ?? -1) "), "\(text)")
                #expect(text.contains("scaled by 7.9") || text.contains("scaled by 8.0"), "\(text)")
            default: Issue.record("unknown fault \(f)")
            }
        }
        #expect(report.hasFindings)
    }

    @Test func thePrunedExportShowsItsStructure() throws {
        let row = try #require(Self.comparisons.first { $0["b"]?.stringValue == "compare/llama-pruned.gguf" })
        let report = try Self.run(row)
        #expect(report.missingLayers == (row["missing_layers"]?.arrayValue ?? []).compactMap { $0.int64Value.map(Int.init) })
        guard case .object(let diffs)? = row["config_diffs"] else { Issue.record("no diffs"); return }
        #expect(Set(report.configDifferences.map(\.key)) == Set(diffs.map(\.key)))
        for d in diffs {
            let r = try #require(report.configDifferences.first { $0.key == d.key })
            #expect(ArchitectureFactsTestHelper.number(r.a) == ArchitectureFactsTestHelper.number(d.value.arrayValue?[0]), "\(d.key)")
            #expect(ArchitectureFactsTestHelper.number(r.b) == ArchitectureFactsTestHelper.number(d.value.arrayValue?[1]), "\(d.key)")
        }
    }

    @Test func onnxInitializersAreMatchedWithoutNames() throws {
        let row = try #require(Self.comparisons.first { $0["b"]?.stringValue == "compare/llama-layer0.onnx" })
        let report = try Self.run(row)
        guard case .object(let truth)? = row["onnx_truth"] else { Issue.record("no truth"); return }
        #expect(truth.count == 8)
        for t in truth {
            let p = try #require(report.pairs.first { $0.b == t.key }, "\(t.key)")
            #expect(p.a == t.value["hf"]?.stringValue, "\(t.key) paired with \(p.a)")
            #expect(p.method == .fingerprint)
            #expect((p.transform == .transpose) == (t.value["transposed"]?.boolValue ?? false), "\(t.key)")
            #expect(!p.flagged)
        }
    }

    @Test func activationsAndLogitsAgreeWithNumpy() throws {
        let act = try #require(Self.expected["activations"])
        let a = try Self.load(try #require(act["a"]?.stringValue)), b = try Self.load(try #require(act["b"]?.stringValue))
        let (report, logits) = ActivationComparison(temperatures: [1, 2], k: 5).compare(a, b)
        guard case .object(let arrays)? = act["arrays"] else { Issue.record("no arrays"); return }
        #expect(report.pairs.count == arrays.count)
        for arr in arrays {
            let m = try #require(report.pairs.first { $0.a == arr.key }?.metrics)
            Self.close(m.cosine, arr.value["cosine"], arr.key + " cosine")
            Self.close(m.snrDB, arr.value["snr_db"], arr.key + " snr")
            Self.close(m.relL2, arr.value["rel_l2"], arr.key + " rel_l2")
            Self.close(m.maxAbs, arr.value["max_abs"], arr.key + " max_abs")
        }
        let l = try #require(logits.first)
        Self.close(l.kl[0].value, act["logits"]?["kl_t1"], "kl t=1")
        Self.close(l.kl[1].value, act["logits"]?["kl_t2"], "kl t=2")
        Self.close(l.top1, act["logits"]?["top1_agreement"], "top1")
        Self.close(l.topKOverlap, act["logits"]?["top5_overlap"], "top5")
    }
}

enum ArchitectureFactsTestHelper {
    static func number(_ v: JSONValue?) -> Double? {
        switch v {
        case .int(let i)?: Double(i)
        case .uint(let u)?: Double(u)
        case .double(let d)?: d
        default: nil
        }
    }
}
