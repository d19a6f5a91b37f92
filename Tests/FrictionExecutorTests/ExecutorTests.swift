import FrictionCore
@testable import FrictionExecutor
import Testing

/// The executor itself: values are released after their last consumer, graph outputs are kept,
/// nodes given out of order still run, and a subgraph reads outer values.
@Suite struct ExecutorTests {
    static func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attributes: [NodeAttribute] = []) -> GraphNode {
        GraphNode(name: outputs[0], opType: op, inputs: inputs, outputs: outputs, attributes: attributes)
    }

    static func input(_ name: String) -> ValueInfo {
        ValueInfo(name: name, type: .tensor(.dtype(.float32), Shape(fixed: [1024])))
    }

    @Test func intermediatesAreReleasedAfterTheirLastUse() throws {
        // x → Relu → a → Relu → b → … ten steps: at most two intermediates are alive at once.
        var nodes: [GraphNode] = []
        var previous = "x"
        for i in 0..<10 {
            nodes.append(Self.node("Relu", [previous], ["v\(i)"]))
            previous = "v\(i)"
        }
        let graph = Graph(nodes: nodes, inputs: [Self.input("x")], outputs: [ValueInfo(name: previous, type: nil)], opsetImports: ["": 17])
        let executor = Executor(graph: graph)
        let x = Tensor.floats((0..<1024).map { Float($0) - 512 }, shape: [1024])
        let out = try executor.run(["x": x])
        #expect(out[previous]?.floats().filter { $0 < 0 }.isEmpty == true)
        #expect(executor.peakLiveBytes <= 2 * 4096)
    }

    @Test func nodesOutOfOrderStillRun() throws {
        let graph = Graph(nodes: [Self.node("Neg", ["a"], ["b"]), Self.node("Abs", ["x"], ["a"])], inputs: [Self.input("x")],
                          outputs: [ValueInfo(name: "b", type: nil)], opsetImports: ["": 17])
        let out = try Executor(graph: graph).run(["x": Tensor.floats(Array(repeating: -2, count: 1024), shape: [1024])])
        #expect(out["b"]?.floats().allSatisfy { $0 == -2 } == true)
    }

    @Test func ifBranchReadsOuterValues() throws {
        let thenBranch = Graph(nodes: [Self.node("Neg", ["x"], ["y"])], outputs: [ValueInfo(name: "y", type: nil)])
        let elseBranch = Graph(nodes: [Self.node("Abs", ["x"], ["y2"])], outputs: [ValueInfo(name: "y2", type: nil)])
        let ifNode = Self.node("If", ["c"], ["out"], [NodeAttribute(name: "then_branch", value: .graph(thenBranch)),
                                                      NodeAttribute(name: "else_branch", value: .graph(elseBranch))])
        let graph = Graph(nodes: [ifNode], inputs: [Self.input("x"), ValueInfo(name: "c", type: nil)],
                          outputs: [ValueInfo(name: "out", type: nil)], opsetImports: ["": 17])
        let x = Tensor.floats(Array(repeating: 3, count: 1024), shape: [1024])
        let yes = try Executor(graph: graph).run(["x": x, "c": Tensor.fromInt64s([1], type: .bool, shape: [])])
        let no = try Executor(graph: graph).run(["x": x, "c": Tensor.fromInt64s([0], type: .bool, shape: [])])
        #expect(yes["out"]?.floats().first == -3)
        #expect(no["out"]?.floats().first == 3)
    }

    @Test func broadcastingFollowsNumPy() {
        #expect(Broadcast.shape([[2, 1, 4], [3, 1]]) == [2, 3, 4])
        #expect(Broadcast.shape([[2, 3], [4, 3]]) == nil)
        #expect(Broadcast.shape([[], [5]]) == [5])
    }
}
