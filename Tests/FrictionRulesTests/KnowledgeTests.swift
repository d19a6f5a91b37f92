import FrictionCore
import FrictionRules
import FrictionTestSupport
import Testing

/// rules/knowledge/ against the code: dtype facts, ggml ids, family references, lookups.
@Suite struct KnowledgeTests {
    static let knowledge = (try? Knowledge.load(directory: Fixtures.rulesDirectory + "/knowledge")) ?? Knowledge()

    @Test(arguments: DType.allCases)
    func dtypeRowsAgreeWithTheDTypeTable(type: DType) throws {
        let row = try #require(Self.knowledge.dtypes[type.rawValue], "dtypes.yaml has no row for \(type)")
        #expect(row["bits"]?.int64Value == type.bits.map(Int64.init), "bits")
        if type.traits.family == .float {
            #expect(row["exponent_bits"]?.int64Value == Int64(type.traits.exponent), "exponent")
            #expect(row["mantissa_bits"]?.int64Value == Int64(type.traits.mantissa), "mantissa")
        }
        let name: String? = row["safetensors"]?.stringValue
        #expect(name == type.traits.safetensors, "safetensors name")
    }

    @Test func llamaCppTypeTableCoversEveryGGMLType() throws {
        let llama = try #require(Self.knowledge.runtime("llama.cpp"))
        for type in GGMLType.all { #expect(llama.ggmlTypesSince.keys.contains(type.name), "\(type.name)") }
    }

    @Test func llamaCppTypeIDsMatchTheGGMLTable() throws {
        let doc = try YAMLDocument.load(path: Fixtures.rulesDirectory + "/knowledge/runtimes.yaml")
        guard case .array(let runtimes) = doc.root["runtimes"] ?? .null,
              case .object(let types)? = runtimes.first(where: { $0["id"]?.stringValue == "llama.cpp" })?["ggml_types"] else {
            Issue.record("no llama.cpp ggml_types"); return
        }
        #expect(types.count >= GGMLType.all.count)
        for t in types {
            guard let id = t.value["id"]?.int64Value else { Issue.record("\(t.key) has no id"); continue }
            let name = GGMLType.withID(UInt32(id))?.name ?? GGMLType.removed[UInt32(id)]
            #expect(name == t.key, "ggml id \(id) is \(name ?? "unknown") in the code, \(t.key) in the knowledge base")
        }
    }

    @Test func onnxOperatorTablesUseFrictionTypeNames() throws {
        #expect(Self.knowledge.onnxOpSince.count >= 180)
        #expect(Self.knowledge.onnxOpSince["LayerNormalization"] == 17)
        for (runtime, tables) in Self.knowledge.onnxOps {
            #expect(Self.knowledge.runtime(runtime) != nil, "\(runtime) is a runtime in runtimes.yaml")
            for table in tables {
                for (op, types) in table.ops {
                    for t in types { #expect(DType(rawValue: t) != nil, "\(runtime) \(table.since) \(op): \(t)") }
                }
            }
        }
        #expect(Self.knowledge.opTable(runtime: "tensorrt", version: Version("10.15"))?.ops["Relu"] != nil)
    }

    @Test func familiesAreDefinedWhereverTheyAreUsed() {
        let families = Set(Self.knowledge.families.map(\.id))
        #expect(families.count >= 9)
        for gpu in Self.knowledge.gpus {
            #expect(families.contains(gpu.family), "\(gpu.id) family \(gpu.family)")
            #expect(!gpu.source.isEmpty, "\(gpu.id) has a source")
            #expect(gpu.memoryGiB > 0)
            let cc = Self.knowledge.family(gpu.family)?.computeCapabilities ?? []
            #expect(cc.contains(gpu.computeCapability), "\(gpu.id) cc \(gpu.computeCapability) not in \(gpu.family)")
        }
        for runtime in Self.knowledge.runtimes {
            for entry in runtime.versions {
                #expect(!entry.source.isEmpty, "\(runtime.id) \(entry.since) has a source")
                for (format, roles) in entry.formats {
                    for (_, used) in roles {
                        let unknown = used.subtracting(families).subtracting(["cpu"])
                        #expect(unknown.isEmpty, "\(runtime.id) \(entry.since) \(format): \(unknown)")
                    }
                }
            }
        }
    }

    @Test func capabilitiesAreSetsOfFamiliesNotAMinimum() throws {
        // NVFP4 on sm_120 is not NVFP4 on sm_100: TensorRT-LLM lists FP8 block scaling for
        // sm_100/103 but not sm_120 (knowledge row), and hardware FP4 exists only on Blackwell.
        let b200 = try #require(Self.knowledge.gpu("b200")), rtx5090 = try #require(Self.knowledge.gpu("rtx-5090"))
        let h100 = try #require(Self.knowledge.gpu("h100")), t4 = try #require(Self.knowledge.gpu("t4"))
        #expect(Target(gpu: b200).supports(format: "nvfp4", role: "weights") == true)
        #expect(Target(gpu: h100).supports(format: "nvfp4", role: "weights") == false)
        #expect(Target(gpu: t4).supports(format: "bfloat16", role: "weights") == false)
        #expect(Target(gpu: h100).supports(format: "float8_e4m3fn", role: "weights") == true)
        #expect(b200.family != rtx5090.family)
    }

    @Test func targetsParseAndRejectUnknownNames() throws {
        let t = try Target.parse("gpu=A100-80GB,runtime=vllm@0.11.0", knowledge: Self.knowledge)
        #expect(t.gpu?.id == "a100")
        #expect(t.runtime?.id == "vllm")
        #expect(t.runtimeVersion == Version("0.11.0"))
        #expect(throws: ParamError.self) { try Target.parse("gpu=nope", knowledge: Self.knowledge) }
        #expect(throws: ParamError.self) { try Target.parse("runtime=vllm@x.y", knowledge: Self.knowledge) }
        #expect(throws: ParamError.self) { try Target.parse("gpu", knowledge: Self.knowledge) }
    }

    @Test func versionsCompareNumerically() {
        #expect(Version("0.10.1")! > Version("0.9.2")!)
        #expect(Version("b4000")! < Version("b6096")!)
        #expect(Version("10.0") == Version("10.0.0"))
        #expect(Version("unknown") == nil)
    }
}
