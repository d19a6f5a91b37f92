import FrictionCore
@testable import FrictionExecutor
import Testing

/// The com.microsoft fused ops (which onnx's reference does not implement) against the
/// standard ONNX ops they fuse, both run by the executor on seeded random data.
@Suite struct ContribEquivalenceTests {
    struct Rng {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        mutating func floats(_ n: Int) -> [Float] { (0..<n).map { _ in next() } }
    }

    /// Runs one node (`domain` com.microsoft or default) on named inputs.
    static func run(_ op: String, domain: String = "", _ inputs: [(String, Tensor)], outputs: [String] = ["y"],
                    _ attributes: [NodeAttribute] = []) throws -> [Tensor] {
        let node = GraphNode(name: op, opType: op, domain: domain, inputs: inputs.map(\.0), outputs: outputs, attributes: attributes)
        let graph = Graph(nodes: [node], inputs: inputs.map { ValueInfo(name: $0.0, type: nil) },
                          outputs: outputs.map { ValueInfo(name: $0, type: nil) }, opsetImports: ["": 23, "com.microsoft": 1])
        var feeds: [String: Tensor] = [:]
        for (n, t) in inputs where !n.isEmpty { feeds[n] = t }
        let out = try Executor(graph: graph).run(feeds)
        return outputs.compactMap { out[$0] }
    }

    static func close(_ a: Tensor, _ b: Tensor, _ tol: Double = 1e-5) -> Bool {
        TensorComparison.compare(a, b, rtol: tol, atol: tol).matches
    }

    static func f(_ v: Float) -> NodeAttribute { NodeAttribute(name: "epsilon", value: .float(v)) }

    @Test func skipLayerNormalizationIsLayerNormOfTheSum() throws {
        var r = Rng(state: 1)
        let x = Tensor.floats(r.floats(2 * 3 * 8), shape: [2, 3, 8]), skip = Tensor.floats(r.floats(48), shape: [2, 3, 8])
        let gamma = Tensor.floats(r.floats(8), shape: [8]), beta = Tensor.floats(r.floats(8), shape: [8]), bias = Tensor.floats(r.floats(8), shape: [8])
        let fused = try Self.run("SkipLayerNormalization", domain: "com.microsoft",
                                 [("x", x), ("s", skip), ("g", gamma), ("b", beta), ("bias", bias)],
                                 outputs: ["y", "mean", "inv", "sum"], [Self.f(1e-5)])
        let sum = try Self.run("Add", [("a", try Self.run("Add", [("x", x), ("s", skip)])[0]), ("bias", bias)])[0]
        let ln = try Self.run("LayerNormalization", [("s", sum), ("g", gamma), ("b", beta)], [Self.f(1e-5)])[0]
        #expect(Self.close(fused[0], ln))
        #expect(Self.close(fused[3], sum))
    }

    @Test func gelusMatchOnnxGelu() throws {
        var r = Rng(state: 2)
        let x = Tensor.floats(r.floats(64).map { $0 * 4 }, shape: [4, 16]), bias = Tensor.floats(r.floats(16), shape: [16])
        let sum = try Self.run("Add", [("x", x), ("b", bias)])[0]
        let exact = try Self.run("Gelu", [("s", sum)])[0]
        let tanh = try Self.run("Gelu", [("s", sum)], [NodeAttribute(name: "approximate", value: .string(Array("tanh".utf8)))])[0]
        #expect(Self.close(try Self.run("BiasGelu", domain: "com.microsoft", [("x", x), ("b", bias)])[0], exact))
        #expect(Self.close(try Self.run("FastGelu", domain: "com.microsoft", [("x", x), ("b", bias)])[0], tanh))
        #expect(Self.close(try Self.run("Gelu", domain: "com.microsoft", [("s", sum)])[0], exact))
        let quick = try Self.run("QuickGelu", domain: "com.microsoft", [("s", sum)])[0]
        let scaled = try Self.run("Mul", [("s", sum), ("k", Tensor.scalar(1.702))])[0]
        #expect(Self.close(quick, try Self.run("Mul", [("s", sum), ("g", try Self.run("Sigmoid", [("z", scaled)])[0])])[0]))
    }

    @Test func simplifiedLayerNormalizationIsRMSNorm() throws {
        var r = Rng(state: 3)
        let x = Tensor.floats(r.floats(3 * 16), shape: [3, 16]), g = Tensor.floats(r.floats(16), shape: [16])
        let a = try Self.run("SimplifiedLayerNormalization", [("x", x), ("g", g)], [Self.f(1e-6)])[0]
        let b = try Self.run("RMSNormalization", [("x", x), ("g", g)], [Self.f(1e-6)])[0]
        #expect(Self.close(a, b))
    }

    @Test func embedLayerNormalizationIsGathersAndLayerNorm() throws {
        var r = Rng(state: 4)
        let (b, s, h) = (2, 5, 8)
        let ids = Tensor.fromInt64s((0..<(b * s)).map { Int64($0 % 7) }, type: .int32, shape: [b, s])
        let segs = Tensor.fromInt64s((0..<(b * s)).map { Int64($0 % 2) }, type: .int32, shape: [b, s])
        let word = Tensor.floats(r.floats(7 * h), shape: [7, h]), pos = Tensor.floats(r.floats(s * h), shape: [s, h])
        let seg = Tensor.floats(r.floats(2 * h), shape: [2, h])
        let gamma = Tensor.floats(r.floats(h), shape: [h]), beta = Tensor.floats(r.floats(h), shape: [h])
        let fused = try Self.run("EmbedLayerNormalization", domain: "com.microsoft",
                                 [("i", ids), ("sg", segs), ("w", word), ("p", pos), ("se", seg), ("g", gamma), ("b", beta)],
                                 outputs: ["y", "mask"], [Self.f(1e-12)])
        let positions = Tensor.int64s((0..<s).map(Int64.init), shape: [s])
        let sum = try Self.run("Add", [("a", try Self.run("Add", [("w", try Self.run("Gather", [("w", word), ("i", ids)])[0]),
                                                                  ("p", try Self.run("Gather", [("p", pos), ("n", positions)])[0])])[0]),
                                       ("s", try Self.run("Gather", [("s", seg), ("g", segs)])[0])])[0]
        let ln = try Self.run("LayerNormalization", [("x", sum), ("g", gamma), ("b", beta)], [Self.f(1e-12)])[0]
        #expect(Self.close(fused[0], ln))
        #expect(fused[1].int64s() == [5, 5])
    }

    @Test func microsoftAttentionIsProjectionThenOnnxAttention() throws {
        var r = Rng(state: 5)
        let (b, s, h, heads) = (2, 4, 8, 2)
        let x = Tensor.floats(r.floats(b * s * h), shape: [b, s, h])
        let w = Tensor.floats(r.floats(h * 3 * h), shape: [h, 3 * h]), bias = Tensor.floats(r.floats(3 * h), shape: [3 * h])
        let mask = Tensor.fromInt64s([1, 1, 1, 1, 1, 1, 1, 0], type: .int32, shape: [b, s])
        let fused = try Self.run("Attention", domain: "com.microsoft", [("x", x), ("w", w), ("b", bias), ("m", mask)],
                                 [NodeAttribute(name: "num_heads", value: .int(Int64(heads)))])[0]
        // Reference: QKV projection, split, ONNX Attention with an additive mask of -10000 on masked keys.
        let qkv = try Self.run("Add", [("p", try Self.run("MatMul", [("x", x), ("w", w)])[0]), ("b", bias)])[0]
        let parts = try Self.run("Split", [("qkv", qkv), ("n", Tensor.int64s([Int64(h), Int64(h), Int64(h)]))], outputs: ["q", "k", "v"],
                                 [NodeAttribute(name: "axis", value: .int(2))])
        let additive = Tensor.floats(mask.int64s().map { $0 == 0 ? -10000 : 0 }, shape: [b, 1, 1, s])
        let heads64 = NodeAttribute(name: "q_num_heads", value: .int(Int64(heads)))
        let kv64 = NodeAttribute(name: "kv_num_heads", value: .int(Int64(heads)))
        let reference = try Self.run("Attention", [("q", parts[0]), ("k", parts[1]), ("v", parts[2]), ("m", additive)], [heads64, kv64])[0]
        #expect(Self.close(fused, reference, 1e-4))
    }

    @Test func matMulNBitsIsBlockedDequantizeThenMatMul() throws {
        var r = Rng(state: 6)
        let (m, k, n, block) = (3, 32, 4, 16)
        let blocks = k / block
        // 4-bit codes [N, K], packed two per byte (low nibble first) into [N, blocks, block/2].
        let codes = (0..<(n * k)).map { _ in UInt8(Int((r.next() + 1) * 7.99)) }
        var packed = [UInt8](repeating: 0, count: n * k / 2)
        for i in 0..<(n * k) { packed[i / 2] |= codes[i] << UInt8((i % 2) * 4) }
        let scales = r.floats(n * blocks).map { abs($0) + 0.1 }
        let zeros: [UInt8] = (0..<(n * blocks)).map { UInt8($0 % 16) }
        var packedZeros = [UInt8](repeating: 0, count: n * ((blocks + 1) / 2))
        for col in 0..<n { for bl in 0..<blocks { packedZeros[col * ((blocks + 1) / 2) + bl / 2] |= zeros[col * blocks + bl] << UInt8((bl % 2) * 4) } }
        let a = Tensor.floats(r.floats(m * k), shape: [m, k])
        let attrs = [("K", k), ("N", n), ("bits", 4), ("block_size", block)].map { NodeAttribute(name: $0.0, value: .int(Int64($0.1))) }
        let fused = try Self.run("MatMulNBits", domain: "com.microsoft",
                                 [("a", a), ("b", Tensor.from(packed, type: .uint8, shape: [n, blocks, block / 2])),
                                  ("s", Tensor.floats(scales, shape: [n * blocks])), ("z", Tensor.from(packedZeros, type: .uint8, shape: [n * ((blocks + 1) / 2)]))],
                                 attrs)[0]
        let w = try Self.run("DequantizeLinear", [("q", Tensor.from(codes, type: .uint4, shape: [n, k])), ("s", Tensor.floats(scales, shape: [n, blocks])),
                                                  ("z", Tensor.from(zeros, type: .uint4, shape: [n, blocks]))],
                             [NodeAttribute(name: "axis", value: .int(1)), NodeAttribute(name: "block_size", value: .int(Int64(block)))])[0]
        let wt = try Self.run("Transpose", [("w", w)], [NodeAttribute(name: "perm", value: .ints([1, 0]))])[0]
        #expect(Self.close(fused, try Self.run("MatMul", [("a", a), ("w", wt)])[0], 1e-5))
    }

    @Test func microsoftRotaryEmbeddingMatchesOnnx() throws {
        var r = Rng(state: 7)
        let (b, s, heads, d) = (1, 3, 2, 8)
        let x = Tensor.floats(r.floats(b * s * heads * d), shape: [b, s, heads * d])
        let cos = Tensor.floats(r.floats(6 * d / 2), shape: [6, d / 2]), sin = Tensor.floats(r.floats(6 * d / 2), shape: [6, d / 2])
        let positions = Tensor.int64s([2, 3, 4], shape: [b, s])
        let nh = NodeAttribute(name: "num_heads", value: .int(Int64(heads)))
        let a = try Self.run("RotaryEmbedding", domain: "com.microsoft", [("x", x), ("p", positions), ("c", cos), ("s", sin)], [nh])[0]
        let o = try Self.run("RotaryEmbedding", [("x", x), ("c", cos), ("s", sin), ("p", positions)], [nh])[0]
        #expect(Self.close(a, o))
    }
}
