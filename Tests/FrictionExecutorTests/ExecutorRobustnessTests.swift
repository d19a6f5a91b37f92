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
