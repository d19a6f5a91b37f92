import FrictionCore
@testable import FrictionExecutor
import FrictionLoaders
import FrictionTestSupport
import Foundation
import Testing

/// Hostile graphs and damaged models give execution errors, never traps or huge allocations.
@Suite struct ExecutorRobustnessTests {
    @Test func hugeBroadcastIsAnErrorNotAnAllocation() {
        let node = GraphNode(name: "add", opType: "Add", inputs: ["a", "b"], outputs: ["y"])
        let graph = Graph(nodes: [node], inputs: [ValueInfo(name: "a", type: nil), ValueInfo(name: "b", type: nil)],
                          outputs: [ValueInfo(name: "y", type: nil)], opsetImports: ["": 17])
        let a = Tensor(zeros: .float32, [1 << 22, 1]), b = Tensor(zeros: .float32, [1, 1 << 22])
        #expect(throws: ExecutionError.self) { try Executor(graph: graph).run(["a": a, "b": b]) }
    }

    @Test func hugeConstantOfShapeIsAnError() {
        let node = GraphNode(name: "c", opType: "ConstantOfShape", inputs: ["s"], outputs: ["y"])
        let graph = Graph(nodes: [node], inputs: [ValueInfo(name: "s", type: nil)], outputs: [ValueInfo(name: "y", type: nil)],
                          opsetImports: ["": 17])
        #expect(throws: ExecutionError.self) {
            try Executor(graph: graph).run(["s": Tensor.int64s([1 << 40, 1 << 40])])
        }
    }

    /// A one-node graph over `inputs` (names in order) with `outputs` outputs.
    func run(_ op: String, _ inputs: [(String, Tensor)], outputs: Int = 1, attributes: [String: AttributeValue] = [:], opset: Int64 = 21,
             domain: String = "") throws -> [String: Tensor] {
        let outs = (0..<outputs).map { "y\($0)" }
        let node = GraphNode(name: op, opType: op, domain: domain, inputs: inputs.map(\.0), outputs: outs,
                             attributes: attributes.sorted { $0.key < $1.key }.map { NodeAttribute(name: $0.key, value: $0.value) })
        var imports: [String: Int64] = ["": opset]
        if !domain.isEmpty { imports[domain] = 1 }
        let graph = Graph(nodes: [node], inputs: inputs.map { ValueInfo(name: $0.0, type: nil) }, outputs: outs.map { ValueInfo(name: $0, type: nil) },
                          opsetImports: imports)
        return try Executor(graph: graph).run(Dictionary(uniqueKeysWithValues: inputs))
    }

    /// A Loop that carries nothing and only collects a scan output (a common export pattern):
    /// the body's outputs past the condition are all scan outputs.
    @Test func loopWithoutCarriedValues() throws {
        let body = Graph(name: "body", nodes: [GraphNode(name: "id", opType: "Identity", inputs: ["i"], outputs: ["scan"]),
                                               GraphNode(name: "c", opType: "Identity", inputs: ["cond_in"], outputs: ["cond_out"])],
                         inputs: [ValueInfo(name: "i", type: nil), ValueInfo(name: "cond_in", type: nil)],
                         outputs: [ValueInfo(name: "cond_out", type: nil), ValueInfo(name: "scan", type: nil)], opsetImports: ["": 21])
        let out = try run("Loop", [("trip", Tensor.int64s([3], shape: [])), ("cond", Tensor.fromInt64s([1], type: .bool, shape: []))],
                          attributes: ["body": .graph(body)])
        #expect(out["y0"]?.int64s() == [0, 1, 2])
        #expect(out["y0"]?.shape == [3])
    }

    /// Clip of int64 values with Int64.max as its upper bound (Double(Int64.max) is 2^63).
    @Test func integerClipAtTheInt64Bounds() throws {
        let out = try run("Clip", [("x", Tensor.int64s([Int64.min, -5, 7, Int64.max])), ("lo", Tensor.int64s([-6], shape: [])),
                                   ("hi", Tensor.int64s([Int64.max], shape: []))])
        #expect(out["y0"]?.int64s() == [-6, -5, 7, Int64.max])
    }

    /// Attributes and inputs that used to trap give execution errors.
    @Test func hostileAttributesAreErrors() throws {
        let x = Tensor.floats([1, 2, 3, 4], shape: [2, 2])
        // Split into Int.max parts (an Int.max-element array before).
        #expect(throws: ExecutionError.self) { try run("Split", [("x", x)], attributes: ["num_outputs": .int(Int64.max)]) }
        // ReverseSequence with a length past the time axis (an out-of-bounds copy before).
        #expect(throws: ExecutionError.self) {
            try run("ReverseSequence", [("x", x), ("len", Tensor.int64s([5, 1]))], attributes: ["batch_axis": .int(1), "time_axis": .int(0)])
        }
        // Gemm of float64 A and float32 B (BLAS read B at A's width before).
        #expect(throws: ExecutionError.self) {
            try run("Gemm", [("a", Tensor.fromDoubles([1, 2, 3, 4], type: .float64, shape: [2, 2])), ("b", x)])
        }
        // Pads of Int64.min / Int64.max on an axis of 2.
        #expect(throws: ExecutionError.self) {
            try run("Pad", [("x", Tensor.floats([1, 2], shape: [2])), ("p", Tensor.int64s([Int64.min, Int64.max]))])
        }
        // QLinearMatMul with an empty a_scale.
        let q = Tensor.fromInt64s([1, 2, 3, 4], type: .uint8, shape: [2, 2]), zero = Tensor.fromInt64s([0], type: .uint8, shape: [])
        #expect(throws: ExecutionError.self) {
            try run("QLinearMatMul", [("a", q), ("as", Tensor.floats([], shape: [0])), ("az", zero), ("b", q), ("bs", Tensor.floats([1], shape: [])),
                                      ("bz", zero), ("ys", Tensor.floats([1], shape: [])), ("yz", zero)])
        }
        // DequantizeLinear with an empty zero point; EyeLike with k = Int64.max gives zeros.
        #expect(throws: ExecutionError.self) {
            try run("DequantizeLinear", [("x", q), ("s", Tensor.floats([1], shape: [])), ("z", Tensor.fromInt64s([], type: .uint8, shape: [0]))])
        }
        #expect(try run("EyeLike", [("x", x)], attributes: ["k": .int(Int64.max)])["y0"]?.int64s() == [0, 0, 0, 0])
        // DepthToSpace with blocksize 2^31 on an empty input.
        #expect(throws: ExecutionError.self) {
            try run("DepthToSpace", [("x", Tensor(zeros: .float32, [1, 0, 1, 1]))], attributes: ["blocksize": .int(1 << 31)])
        }
    }

    /// An empty tensor whose other dimensions multiply past Int.max is refused before any
    /// stride is computed; so is an e8m0 value of 2^127 read as an integer.
    @Test func emptyTensorsWithOverflowingExtents() throws {
        #expect(Tensor.checkedCount([0, 1 << 40, 1 << 40], .float32) == nil)
        #expect(Tensor.checkedCount([0, 1 << 20], .float32) == 0)
        let e8m0 = Tensor.from([UInt8(254)], type: .float8_e8m0fnu, shape: [1])
        #expect(e8m0.int64s() == [Int64.max])
    }

    /// Every frozen kernel case with a few bytes of its model overwritten: loading or running
    /// may fail, but only with an error.
    @Test func damagedModelsFailCleanly() throws {
        guard case .array(let cases) = Fixtures.json("fixtures/executor/cases.json") else { return }
        var rng = SplitMix(state: 42)
        var runs = 0
        for row in cases {
            guard let name = row["name"]?.stringValue else { continue }
            let dir = Fixtures.path("executor/" + name)
            guard let original = FileManager.default.contents(atPath: dir + "/model.onnx").map(Array.init), !original.isEmpty else { continue }
            var feeds: [String: Tensor] = [:]
            if case .array(let inputs)? = row["inputs"] {
                for (k, n) in inputs.enumerated() { feeds[n.stringValue ?? ""] = try? NodeTestCase.tensor(dir + "/input_\(k).pb") }
            }
            for _ in 0..<16 {
                var copy = original
                for _ in 0..<3 {
                    let i = Int(rng.next() % UInt64(copy.count))
                    copy[i] = UInt8(truncatingIfNeeded: rng.next())
                }
                let model = copy.withUnsafeBytes { raw in try? ModelLoader.load(bytes: raw, name: dir + "/model.onnx") }
                if let graph = model?.graph {
                    _ = try? Executor(graph: graph, functions: model?.functions ?? []).run(feeds)
                }
                runs += 1
            }
        }
        #expect(runs >= 4000)
    }
}

struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
