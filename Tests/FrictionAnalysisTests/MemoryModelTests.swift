import FrictionAnalysis
import FrictionCore
import Testing

/// Worked examples for the memory model: KV cache bytes per token and parameter counts from
/// published configs (Llama-3.1-8B needs 128 KiB of BF16 KV cache per token).
@Suite struct MemoryModelTests {
    static func json(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)).value }

    static let llama31_8B = """
        {"model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
         "num_key_value_heads": 8, "vocab_size": 128256, "tie_word_embeddings": false, "torch_dtype": "bfloat16"}
        """
    static let mistral7B = """
        {"model_type": "mistral", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
         "num_key_value_heads": 8, "vocab_size": 32000, "tie_word_embeddings": false, "sliding_window": null}
        """
    static let qwen2_7B = """
        {"model_type": "qwen2", "hidden_size": 3584, "intermediate_size": 18944, "num_hidden_layers": 28, "num_attention_heads": 28,
         "num_key_value_heads": 4, "vocab_size": 152064, "tie_word_embeddings": false}
        """
    static let gemma7B = """
        {"model_type": "gemma", "hidden_size": 3072, "intermediate_size": 24576, "num_hidden_layers": 28, "num_attention_heads": 16,
         "num_key_value_heads": 16, "head_dim": 256, "vocab_size": 256000}
        """
    static let gpt2 = """
        {"model_type": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 12, "n_positions": 1024, "vocab_size": 50257}
        """
    static let bertBase = """
        {"model_type": "bert", "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072,
         "max_position_embeddings": 512, "type_vocab_size": 2, "vocab_size": 30522}
        """

    @Test func parameterCountsMatchThePublishedModels() throws {
        #expect(ParameterEstimate.from(config: try Self.json(Self.llama31_8B))?.parameters == 8_030_261_248)
        #expect(ParameterEstimate.from(config: try Self.json(Self.mistral7B))?.parameters == 7_241_732_096)
        #expect(ParameterEstimate.from(config: try Self.json(Self.qwen2_7B))?.parameters == 7_615_616_512)
        #expect(ParameterEstimate.from(config: try Self.json(Self.gemma7B))?.parameters == 8_537_680_896)
        #expect(ParameterEstimate.from(config: try Self.json(Self.gpt2))?.parameters == 124_439_808)
        #expect(ParameterEstimate.from(config: try Self.json(Self.bertBase))?.parameters == 109_482_240)
    }

    @Test func kvCacheWorkedExamples() throws {
        let llama = try #require(KVCacheModel.from(config: try Self.json(Self.llama31_8B)))
        #expect(llama.bytesPerToken(bytesPerElement: 2) == 131_072)           // 128 KiB per token in BF16
        #expect(llama.bytes(batch: 1, context: 8192, bytesPerElement: 2) == 1_073_741_824)   // 1 GiB at 8K
        #expect(llama.bytesPerToken(bytesPerElement: 1) == 65_536)             // FP8 KV halves it
        let llama2 = try #require(KVCacheModel.from(config: try Self.json("""
            {"num_hidden_layers": 32, "num_attention_heads": 32, "hidden_size": 4096}
            """)))
        #expect(llama2.bytesPerToken(bytesPerElement: 2) == 524_288)            // no GQA: 512 KiB per token
        // DeepSeek-V3 MLA: one 512 + 64 latent per layer.
        let mla = try #require(KVCacheModel.from(config: try Self.json("""
            {"num_hidden_layers": 61, "num_attention_heads": 128, "hidden_size": 7168, "kv_lora_rank": 512, "qk_rope_head_dim": 64}
            """)))
        #expect(mla.bytesPerToken(bytesPerElement: 2) == 70_272)
        // Gemma 2: sliding-window layers keep at most the window.
        let gemma2 = try #require(KVCacheModel.from(config: try Self.json("""
            {"model_type": "gemma2", "num_hidden_layers": 42, "num_attention_heads": 16, "num_key_value_heads": 8, "head_dim": 256,
             "hidden_size": 3584, "sliding_window": 4096}
            """)))
        let perLayerToken = 2.0 * 8 * 256 * 2
        #expect(gemma2.bytes(batch: 1, context: 8192, bytesPerElement: 2) == perLayerToken * (21 * 8192 + 21 * 4096))
    }

    @Test func ggufMetadataGivesTheSameKV() {
        let metadata = [("general.architecture", MetadataValue.string("llama")), ("llama.block_count", .uint32(32)),
                        ("llama.attention.head_count", .uint32(32)), ("llama.attention.head_count_kv", .uint32(8)),
                        ("llama.embedding_length", .uint32(4096))].map { MetadataEntry(key: $0.0, value: $0.1, location: Location(file: "x.gguf")) }
        #expect(KVCacheModel.from(gguf: metadata)?.bytesPerToken(bytesPerElement: 2) == 131_072)
    }

    @Test func declaredPrecisionWiderThanStoredLoadsAtAMultiple() throws {
        func model(_ config: String, dtype: DType) throws -> Model {
            var m = Model(path: "m", format: .folder)
            m.metadata = [MetadataEntry(key: "config.json", value: .json(try Self.json(config)), location: Location(file: "m/config.json"))]
            m.tensors = [TensorInfo(name: "w", type: .dtype(dtype), storedType: "BF16", shape: Shape(fixed: [1024, 1024]),
                                    storage: TensorStorage(file: "m/model.safetensors", range: 0..<(1024 * 1024 * 2)))]
            return m
        }
        let upcast = try model(#"{"torch_dtype": "float32"}"#, dtype: .bfloat16)
        let d = try #require(DeclaredPrecision.check(upcast, weights: WeightMemory.of(upcast)))
        #expect(d.factor == 2)
        #expect(d.loadedBytes == 4 * 1024 * 1024)
        let unquantized = try model(#"{"torch_dtype": "bfloat16", "quantization_config": {"quant_method": "gptq", "bits": 4}}"#, dtype: .bfloat16)
        #expect(DeclaredPrecision.check(unquantized, weights: WeightMemory.of(unquantized))?.factor == 4)
        let fine = try model(#"{"torch_dtype": "bfloat16"}"#, dtype: .bfloat16)
        #expect(DeclaredPrecision.check(fine, weights: WeightMemory.of(fine)) == nil)
    }

    /// Sizes from a config or GGUF header may be anything: products that overflow 64 bits, zero
    /// heads or negative sizes give no estimate (or a finite Double), never a trap.
    @Test func absurdSizesGiveNoEstimateInsteadOfTrapping() throws {
        let huge = "4000000000000000000"
        let llama = try Self.json("""
            {"model_type": "llama", "hidden_size": \(huge), "intermediate_size": 72, "num_attention_heads": 4,
             "num_hidden_layers": \(huge), "num_key_value_heads": 2, "vocab_size": 100}
            """)
        #expect(ParameterEstimate.from(config: llama) == nil)
        // The KV model itself fits (2 × 2 × 10^18 / 4 elements per layer); its byte counts are Doubles.
        let kv = try #require(KVCacheModel.from(config: llama))
        #expect(kv.bytes(batch: 1, context: 4096, bytesPerElement: 2).isFinite)
        #expect(kv.bytesPerToken(bytesPerElement: 2) > 1e36)
        let overflowingHeads = try Self.json("""
            {"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
             "num_key_value_heads": \(huge), "head_dim": \(huge)}
            """)
        #expect(KVCacheModel.from(config: overflowingHeads) == nil)
        let zeroHeads = try Self.json(#"{"model_type": "llama", "hidden_size": 64, "num_attention_heads": 0, "num_hidden_layers": 2, "vocab_size": 10, "intermediate_size": 8}"#)
        #expect(ParameterEstimate.from(config: zeroHeads) == nil)
        #expect(KVCacheModel.from(config: zeroHeads) == nil)
        let negative = try Self.json(#"{"model_type": "gpt2", "n_embd": -768, "n_head": 12, "n_layer": 12, "n_positions": 1024, "vocab_size": 50257}"#)
        #expect(ParameterEstimate.from(config: negative) == nil)
        let mla = try Self.json("{\"num_hidden_layers\": 2, \"kv_lora_rank\": \(Int64.max), \"qk_rope_head_dim\": 64}")
        #expect(KVCacheModel.from(config: mla) == nil)
        let gguf = [("general.architecture", MetadataValue.string("llama")), ("llama.block_count", .uint64(.max)),
                    ("llama.attention.head_count", .uint32(32)), ("llama.attention.head_count_kv", .uint64(.max)),
                    ("llama.embedding_length", .uint32(4096))].map { MetadataEntry(key: $0.0, value: $0.1, location: Location(file: "x.gguf")) }
        #expect(KVCacheModel.from(gguf: gguf) == nil)
        let moreSlidingThanLayers = try #require(KVCacheModel.from(config: try Self.json("""
            {"num_hidden_layers": 1, "num_attention_heads": 2, "hidden_size": 8, "sliding_window": 4,
             "layer_types": ["sliding_attention", "sliding_attention", "sliding_attention"]}
            """)))
        #expect(moreSlidingThanLayers.slidingLayers == 1)
    }

    @Test func checkedIntReportsOverflowAndDivisionByZeroAsNil() {
        let big = CheckedInt(Int64.max)
        #expect((big + 1).value == nil)
        #expect((CheckedInt(Int64.min) - 1).value == nil)
        #expect((big * 2).value == nil)
        #expect((CheckedInt(7) / 0).value == nil)
        #expect((CheckedInt(Int64.min) / -1).value == nil)
        #expect(((big * 2) / 2 + 1).value == nil, "nil propagates")
        #expect((CheckedInt(6) * 7 + 2 - 4 / 2).value == 42)
    }
}
