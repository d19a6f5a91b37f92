import FrictionAnalysis
import FrictionCore
import Testing

/// Hand-built graphs with shapes worked out from the ONNX operator specs (the cases in
/// Sources/FrictionAnalysis/ShapeInference/README.md); fixture graphs are compared with
/// onnx.shape_inference in FrictionLoadersTests.
@Suite struct ShapeInferenceTests {
    static func dims(_ d: [Any]) -> Shape {
        Shape(d.map { v in (v as? Int).map { Dim.fixed(UInt64($0)) } ?? .symbolic(v as? String ?? "?") })
    }
    static func input(_ name: String, _ d: [Any], _ t: DType = .float32) -> ValueInfo {
        ValueInfo(name: name, type: .tensor(.dtype(t), dims(d)))
    }
    static func weight(_ name: String, _ d: [UInt64], _ t: DType = .float32) -> TensorInfo {
        TensorInfo(name: name, type: .dtype(t), storedType: "", shape: Shape(fixed: d), storage: TensorStorage(file: "", range: 0..<0))
    }
    static func node(_ op: String, _ ins: [String], _ outs: [String], _ attrs: [String: AttributeValue] = [:], domain: String = "") -> GraphNode {
        GraphNode(name: outs.first ?? op, opType: op, domain: domain, inputs: ins, outputs: outs,
                  attributes: attrs.sorted { $0.key < $1.key }.map { NodeAttribute(name: $0.key, value: $0.value) })
    }
    /// Values for int64 initializers given inline.
    struct Consts: TensorValues {
        var values: [String: [Int64]]
        func int64s(_ t: TensorInfo) -> [Int64]? { values[t.name] }
        func doubles(_ t: TensorInfo) -> [Double]? { values[t.name]?.map(Double.init) }
    }

    func infer(_ nodes: [GraphNode], inputs: [ValueInfo], weights: [TensorInfo] = [], consts: [String: [Int64]] = [:], opset: Int64 = 17) -> ShapeInferenceResult {
        let graph = Graph(name: "g", nodes: nodes, inputs: inputs, initializers: weights, opsetImports: ["": opset])
        return ShapeInference.infer(graph, values: Consts(values: consts))
    }

    func shape(_ r: ShapeInferenceResult, _ name: String) -> String { r.values[name]?.shape?.description ?? "unknown" }

    @Test func mlp() {
        let r = infer([
            Self.node("MatMul", ["x", "w1"], ["h"]), Self.node("Add", ["h", "b1"], ["a"]), Self.node("Relu", ["a"], ["r"]),
            Self.node("Gemm", ["r", "w2", "b2"], ["g"], ["transB": .int(1)]), Self.node("Softmax", ["g"], ["p"]),
            Self.node("ArgMax", ["p"], ["c"], ["axis": .int(1), "keepdims": .int(0)]),
        ], inputs: [Self.input("x", ["batch", 784])],
           weights: [Self.weight("w1", [784, 256]), Self.weight("b1", [256]), Self.weight("w2", [10, 256]), Self.weight("b2", [10])])
        #expect(shape(r, "a") == "[batch, 256]")
        #expect(shape(r, "g") == "[batch, 10]")
        #expect(shape(r, "c") == "[batch]")
        #expect(r.values["c"]?.type == .dtype(.int64))
        #expect(r.blocked.isEmpty)
    }

    @Test func kvCacheConcatIsCanonical() {
        let inputs = [Self.input("past", ["batch", 12, "past", 64]), Self.input("k", ["batch", 12, "seq", 64])]
        let a = infer([Self.node("Concat", ["past", "k"], ["y"], ["axis": .int(2)])], inputs: inputs)
        let b = infer([Self.node("Concat", ["k", "past"], ["y"], ["axis": .int(-2)])], inputs: inputs)
        #expect(shape(a, "y") == "[batch, 12, past + seq, 64]")
        #expect(shape(a, "y") == shape(b, "y"))
    }

    @Test func reshapeThroughShapeArithmetic() {
        let r = infer([
            Self.node("Shape", ["x"], ["s"]), Self.node("Gather", ["s", "i0"], ["b"], ["axis": .int(0)]),
            Self.node("Gather", ["s", "i1"], ["t"], ["axis": .int(0)]),
            Self.node("Unsqueeze", ["b", "ax"], ["b1"]), Self.node("Unsqueeze", ["t", "ax"], ["t1"]),
            Self.node("Concat", ["b1", "t1", "heads"], ["target"], ["axis": .int(0)]),
            Self.node("Reshape", ["x", "target"], ["y"]),
        ], inputs: [Self.input("x", ["batch", "seq", 768])],
           weights: [Self.weight("i0", [], .int64), Self.weight("i1", [], .int64), Self.weight("ax", [1], .int64), Self.weight("heads", [2], .int64)],
           consts: ["i0": [0], "i1": [1], "ax": [0], "heads": [12, 64]])
        #expect(shape(r, "target") == "[4]")
        #expect(shape(r, "y") == "[batch, seq, 12, 64]")
    }

    @Test func sliceOnSymbolicDims() {
        let r = infer([
            Self.node("Slice", ["x", "one", "end", "axis1"], ["a"]),
            Self.node("Slice", ["x", "minus1", "end", "axis1"], ["b"]),
        ], inputs: [Self.input("x", ["batch", "seq", 768])],
           weights: [Self.weight("one", [1], .int64), Self.weight("end", [1], .int64), Self.weight("axis1", [1], .int64), Self.weight("minus1", [1], .int64)],
           consts: ["one": [1], "end": [Int64.max], "axis1": [1], "minus1": [-1]])
        #expect(shape(r, "a") == "[batch, seq - 1, 768]")
        #expect(shape(r, "b") == "[batch, 1, 768]")
    }

    @Test func convAndPools() {
        let r = infer([
            Self.node("Conv", ["x", "w"], ["c"], ["auto_pad": .string(Array("SAME_UPPER".utf8)), "strides": .ints([2, 2])]),
            Self.node("MaxPool", ["c"], ["m"], ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])]),
            Self.node("GlobalAveragePool", ["m"], ["g"]),
            Self.node("Conv", ["z", "w"], ["v"]),
        ], inputs: [Self.input("x", [1, 3, 224, 224]), Self.input("z", ["N", 3, "H", "W"])], weights: [Self.weight("w", [64, 3, 7, 7])])
        #expect(shape(r, "c") == "[1, 64, 112, 112]")
        #expect(shape(r, "m") == "[1, 64, 56, 56]")
        #expect(shape(r, "g") == "[1, 64, 1, 1]")
        #expect(shape(r, "v") == "[N, 64, H - 6, W - 6]")
    }

    @Test func einsum() {
        let r = infer([
            Self.node("Einsum", ["a", "b"], ["y"], ["equation": .string(Array("bij,bjk->bik".utf8))]),
            Self.node("Einsum", ["c", "d"], ["z"], ["equation": .string(Array("...ij,...jk->...ik".utf8))]),
        ], inputs: [Self.input("a", ["batch", 4, 4]), Self.input("b", ["batch", 4, 5]), Self.input("c", [2, 1, 3, 4]), Self.input("d", [7, 4, 6])])
        #expect(shape(r, "y") == "[batch, 4, 5]")
        #expect(shape(r, "z") == "[2, 7, 3, 6]")
    }

    @Test func unknownOpsBlockButDoNotStopInference() {
        let r = infer([
            Self.node("Foo", ["x"], ["f"], domain: "custom"), Self.node("Relu", ["f"], ["r"]),
            Self.node("Reshape", ["r", "target"], ["y"]), Self.node("Relu", ["x"], ["ok"]),
        ], inputs: [Self.input("x", ["batch", 16])], weights: [Self.weight("target", [2], .int64)], consts: ["target": [-1, 16]])
        #expect(r.blocked.map(\.opType) == ["Foo"])
        #expect(shape(r, "y") == "[?, 16]")
        #expect(shape(r, "ok") == "[batch, 16]")
    }

    @Test func ifWithAgreeingBranches() {
        let then = Graph(name: "then", nodes: [Self.node("Relu", ["x"], ["t"])], outputs: [ValueInfo(name: "t", type: nil)])
        let els = Graph(name: "else", nodes: [Self.node("Neg", ["x"], ["e"])], outputs: [ValueInfo(name: "e", type: nil)])
        let r = infer([Self.node("If", ["cond"], ["y"], ["then_branch": .graph(then), "else_branch": .graph(els)])],
                      inputs: [Self.input("x", ["batch", 8]), Self.input("cond", [], .bool)])
        #expect(shape(r, "y") == "[batch, 8]")
        #expect(r.blocked.isEmpty)
    }
}
