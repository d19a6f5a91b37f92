import FrictionAnalysis
import FrictionCore
import FrictionLoaders
import FrictionTestSupport
import Testing

/// ONNX fixtures against what the onnx package reported (fixtures/manifest.json): model
/// header, graph facts, and the shapes onnx.shape_inference computed.
@Suite struct ONNXFixtureTests {
    static let entries = Fixtures.good(format: "onnx").filter { $0["zstd_of"] == nil }
    static let paths = entries.compactMap { $0["path"]?.stringValue }
    static let typeCodes: [String: Int32] = {
        guard case .object(let rows)? = Fixtures.json("fixtures/reference-tables.json")["onnx_data_types"] else { return [:] }
        return Dictionary(uniqueKeysWithValues: rows.compactMap { r in r.value.int64Value.map { (r.key, Int32($0)) } })
    }()

    static func entry(_ path: String) -> JSONValue { entries.first { $0["path"]?.stringValue == path } ?? .null }

    /// The friction name of an onnx DataType name ("FLOAT" → "float32").
    static func typeName(_ onnx: String?) -> String? {
        guard let onnx, let code = typeCodes[onnx] else { return nil }
        return DType.fromONNX(code)?.rawValue ?? "onnx \(code)"
    }

    struct Loaded {
        var model: Model
        var graph: Graph
        var inference: ShapeInferenceResult
    }

    static func load(_ path: String) throws -> Loaded {
        let model = try ModelLoader.load(Fixtures.path(path))
        let graph = try #require(model.graph)
        let inference = ShapeInference.infer(graph, values: Values())
        return Loaded(model: model, graph: graph, inference: inference)
    }

    struct Values: TensorValues {
        let reader = TensorReader()
        func int64s(_ t: TensorInfo) -> [Int64]? { reader.int64s(t) }
        func doubles(_ t: TensorInfo) -> [Double]? { reader.doubles(t) }
    }

    @Test func dataTypeTableMatchesTheONNXPackage() {
        #expect(Self.typeCodes.count >= 26)
        for (name, code) in Self.typeCodes where code > 0 && code <= 26 {
            #expect(DType.fromONNX(code) != nil, "\(name) = \(code) has no DType")
        }
        #expect(DType.fromONNX(Self.typeCodes["BFLOAT16"] ?? 0) == .bfloat16)
        #expect(DType.fromONNX(Self.typeCodes["FLOAT4E2M1"] ?? 0) == .float4_e2m1fn)
        #expect(DType.fromONNX(Self.typeCodes["INT2"] ?? 0) == .int2)
    }

    @Test(arguments: paths)
    func headerAndGraphFactsMatch(path: String) throws {
        let e = Self.entry(path)
        let l = try Self.load(path)
        #expect(l.graph.irVersion == e["ir_version"]?.int64Value)
        if case .object(let opsets)? = e["opset_import"] {
            #expect(l.graph.opsetImports.count == opsets.count)
            for o in opsets { #expect(l.graph.opsetImports[o.key] == o.value.int64Value, "opset \(o.key)") }
        }
        #expect(l.graph.name == e["graph_name"]?.stringValue)
        #expect(Int64(l.graph.nodes.count) == e["node_count"]?.int64Value)
        var histogram: [String: Int64] = [:]
        for n in l.graph.nodes { histogram[n.domain.isEmpty || n.domain == "ai.onnx" ? n.opType : "\(n.domain)::\(n.opType)", default: 0] += 1 }
        if case .object(let ops)? = e["op_histogram"] {
            #expect(histogram == Dictionary(uniqueKeysWithValues: ops.map { ($0.key, $0.value.int64Value ?? -1) }), "op histogram")
        }
        let topology = GraphTopology(l.graph)
        #expect(.bool(topology.topologicallySorted) == e["topologically_sorted"])
        #expect(.bool(topology.producedTwice.isEmpty) == e["ssa"])
        #expect(JSONValue.array(topology.unusedInitializers.sorted().map(JSONValue.string)) == sortedStrings(e["unused_initializers"]))
        #expect(JSONValue.array(topology.danglingInputs.sorted().map(JSONValue.string)) == sortedStrings(e["dangling_inputs"]))
        if case .array(let functions)? = e["functions"] {
            #expect(l.model.functions.map(\.name).sorted() == functions.compactMap { $0["name"]?.stringValue ?? $0.stringValue }.sorted())
        }
        if case .object(let props)? = e["metadata_props"] {
            for p in props { #expect(l.model.metadata(p.key) == .string(p.value.stringValue ?? ""), "metadata \(p.key)") }
        }
        for (declared, key) in [(l.graph.inputs, "inputs"), (l.graph.outputs, "outputs")] {
            guard case .array(let expected)? = e[key] else { continue }
            #expect(declared.count == expected.count, "\(key) count")
            for (ours, theirs) in zip(declared, expected) {
                #expect(ours.name == theirs["name"]?.stringValue)
                guard case .tensor(let type, let shape)? = ours.type else { continue }
                #expect(type?.description == Self.typeName(theirs["elem_type"]?.stringValue), "\(ours.name) type")
                if case .array(let dims)? = theirs["shape"] {
                    #expect(shape?.dims == dims.map(Self.dim), "\(ours.name) shape")
                }
            }
        }
    }

    func sortedStrings(_ v: JSONValue?) -> JSONValue {
        guard case .array(let items)? = v else { return .array([]) }
        return .array(items.compactMap(\.stringValue).sorted().map(JSONValue.string))
    }

    static func dim(_ v: JSONValue) -> Dim {
        if let n = v.int64Value { return .fixed(UInt64(max(0, n))) }
        return .symbolic(v.stringValue ?? "?")
    }

    @Test(arguments: paths)
    func inferredShapesAgreeWithONNXAndCoverAtLeastAsMuch(path: String) throws {
        let e = Self.entry(path)
        let l = try Self.load(path)
        guard case .object(let inferred)? = e["inferred"] else { Issue.record("no inferred shapes"); return }
        var theirsKnown = 0, oursKnown = 0
        for value in inferred {
            let ours = l.inference.values[value.key]
            let theirShape: [JSONValue]? = { if case .array(let d)? = value.value["shape"] { d } else { nil } }()
            let theirsFull = theirShape.map { $0.allSatisfy { d in d.int64Value != nil || !(d.stringValue ?? "unk__").hasPrefix("unk__") } } ?? false
            let oursFull = ours?.shape.map { $0.dims.allSatisfy { if case .symbolic(let s) = $0 { !s.contains("?") } else { true } } } ?? false
            if theirsFull { theirsKnown += 1 }
            if oursFull { oursKnown += 1 }
            if let t = Self.typeName(value.value["elem_type"]?.stringValue), let o = ours?.type {
                #expect(o.description == t, "\(path) \(value.key): dtype \(o) vs onnx \(t)")
            }
            guard let theirShape, let ourDims = ours?.shape?.dims else { continue }
            #expect(ourDims.count == theirShape.count, "\(path) \(value.key): rank \(ourDims.count) vs onnx \(theirShape.count)")
            for (o, t) in zip(ourDims, theirShape) {
                switch (o, t.int64Value, t.stringValue) {
                case (.fixed(let a), let b?, _):
                    #expect(Int64(a) == b, "\(path) \(value.key): dim \(a) vs onnx \(b)")
                case (.symbolic(let a), let b?, _) where !a.contains("?"):
                    Issue.record("\(path) \(value.key): symbolic \(a) where onnx knows \(b)")
                case (.fixed(let a), nil, let name?) where !name.hasPrefix("unk__"):
                    Issue.record("\(path) \(value.key): fixed \(a) where onnx has the symbol \(name)")
                case (.symbolic(let a), nil, let name?) where !name.hasPrefix("unk__") && Self.isPlainSymbol(a):
                    #expect(a == name, "\(path) \(value.key): symbol \(a) vs onnx \(name)")
                default: break
                }
            }
        }
        #expect(oursKnown >= theirsKnown, "\(path): friction knows \(oursKnown) shapes, onnx \(theirsKnown)")
    }

    static func isPlainSymbol(_ s: String) -> Bool { s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }

    @Test func externalDataResolvesInsideTheFolder() throws {
        let model = try ModelLoader.load(Fixtures.path("onnx/external_data/model.onnx"))
        let external = model.tensors.filter { !$0.storage.file.hasSuffix("model.onnx") }
        #expect(!external.isEmpty)
        #expect(external.allSatisfy { $0.storage.file.hasSuffix("weights.bin") || $0.storage.file.hasSuffix("bias.bin") })
        #expect(model.sources.count >= 2)
    }
}
