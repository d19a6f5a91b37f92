import FrictionCore

/// The `friction inspect --format json` document. Deterministic: sorted keys, tensors in file
/// order, no timestamps, paths as given.
public enum InspectJSON {
    /// Version of this document's shape; bumped on any incompatible change.
    public static let schema = "friction.inspect/1"

    /// Arrays longer than this are summarised (count + head) unless `full` is set.
    public static let arrayHead = 16

    public static func document(models: [Model], errors: [LoadError], full: Bool = false, graphs: [String: GraphSummary] = [:]) -> JSONValue {
        .object([
            ("schema", .string(schema)),
            ("inputs", .array(models.map { m in
                guard let g = graphs[m.path], case .object(var members) = model(m, full: full) else { return model(m, full: full) }
                members.append(JSONMember(key: "graph", value: g.json))
                return .object(members)
            })),
            ("errors", .array(errors.map(error))),
        ])
    }

    static func error(_ e: LoadError) -> JSONValue {
        .object([
            ("code", .string(e.code)), ("message", .string(e.message)), ("file", .string(e.location.file)),
            ("offset", e.location.offset.map(JSONValue.uint) ?? .null), ("path", e.location.path.map(JSONValue.string) ?? .null),
        ])
    }

    static func model(_ m: Model, full: Bool) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("path", .string(m.path)),
            ("format", .string(m.format.rawValue)),
            ("properties", .object(m.properties.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })),
            ("files", .array(m.sources.map(source))),
            ("tensors", .array(m.tensors.map(tensor))),
            ("totals", totals(m)),
            ("metadata", .array(m.metadata.map { metadata($0, full: full) })),
            ("issues", .array(m.issues.map(issue))),
        ]
        if !m.pickleGlobals.isEmpty {
            members.append(("pickle_globals", .array(m.pickleGlobals.map { g in
                .object([("module", .string(g.module)), ("name", .string(g.name)), ("opcode", .string(g.opcode)),
                         ("file", .string(g.location.file)), ("offset", g.location.offset.map(JSONValue.uint) ?? .null),
                         ("member", g.location.path.map(JSONValue.string) ?? .null)])
            })))
        }
        if let config = configJSON(m) { members.append(("config", config)) }
        return .object(members)
    }

    /// A dimension as JSON: a number, or the symbol's name.
    static func dim(_ d: Dim) -> JSONValue {
        switch d {
        case .fixed(let n): .uint(n)
        case .symbolic(let s): .string(s)
        }
    }

    static func source(_ s: SourceFile) -> JSONValue {
        .object([
            ("path", .string(s.path)), ("format", .string(s.format.rawValue)), ("size", .uint(s.size)),
            ("encodings", .array(s.encodings.map(JSONValue.string))), ("decoded_size", s.decodedSize.map(JSONValue.uint) ?? .null),
        ])
    }

    static func tensor(_ t: TensorInfo) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(t.name)), ("dtype", .string(t.type.description)), ("stored_dtype", .string(t.storedType)),
            ("shape", .array(t.shape.dims.map(dim))),
            ("parameters", t.parameterCount.map(JSONValue.uint) ?? .null), ("bytes", .uint(t.storage.byteCount)),
            ("file", .string(t.storage.file)), ("begin", .uint(t.storage.range.lowerBound)), ("end", .uint(t.storage.range.upperBound)),
            ("container", t.storage.container.map(JSONValue.string) ?? .null),
            ("byte_order", .string(t.byteOrder.rawValue)), ("fortran_order", .bool(t.fortranOrder)),
        ]
        if let v = t.view { members.append(("view", view(v, dims: t.shape.fixedDims ?? []))) }
        return .object(members)
    }

    /// A PyTorch tensor's view of its storage: `begin`/`end` above are the bytes the view reaches.
    static func view(_ v: TensorView, dims: [UInt64]) -> JSONValue {
        .object([
            ("storage_key", .string(v.storageKey)), ("storage_begin", .uint(v.storageRange.lowerBound)),
            ("storage_end", .uint(v.storageRange.upperBound)), ("storage_offset", .uint(v.storageOffset)),
            ("stride", .array(v.strides.map(JSONValue.int))), ("contiguous", .bool(v.isContiguous(dims))),
            ("parameter", .bool(v.isParameter)), ("requires_grad", .bool(v.requiresGrad)),
        ])
    }

    static func totals(_ m: Model) -> JSONValue {
        let rows = DTypeTotals.of(m).map { row in
            (row.type, JSONValue.object([("tensors", .uint(UInt64(row.tensors))), ("parameters", .uint(row.parameters)), ("bytes", .uint(row.bytes))]))
        }
        return .object([
            ("tensors", .uint(UInt64(m.tensors.count))), ("parameters", .uint(m.parameterCount)), ("bytes", .uint(m.tensorBytes)),
            ("by_dtype", .object(rows)),
        ])
    }

    static func metadata(_ e: MetadataEntry, full: Bool) -> JSONValue {
        var value = e.value.jsonValue
        var members: [(String, JSONValue)] = [("key", .string(e.key)), ("type", .string(e.value.typeName)), ("file", .string(e.location.file))]
        if case .array(let elementType, let items) = e.value {
            members.append(("element_type", .string(elementType.name)))
            members.append(("count", .uint(UInt64(items.count))))
            if !full, items.count > arrayHead { value = .array(items.prefix(arrayHead).map(\.jsonValue)); members.append(("truncated", .bool(true))) }
        }
        members.append(("value", value))
        return .object(members)
    }

    static func issue(_ i: LoadIssue) -> JSONValue {
        .object([
            ("code", .string(i.code)), ("level", .string(i.level.rawValue)), ("message", .string(i.message)),
            ("file", .string(i.location.file)), ("offset", i.location.offset.map(JSONValue.uint) ?? .null),
            ("path", i.location.path.map(JSONValue.string) ?? .null),
        ])
    }

    static func configJSON(_ m: Model) -> JSONValue? {
        guard case .json(let json)? = m.metadata("config.json") else { return nil }
        return .object(HFConfig(json).summary.map { ($0.0, JSONValue.string($0.1)) })
    }
}

/// Tensor counts, parameters and bytes per element type, sorted by type name.
public struct DTypeTotals: Sendable, Equatable {
    public var type: String
    public var tensors: Int
    public var parameters: UInt64
    public var bytes: UInt64

    public static func of(_ model: Model) -> [DTypeTotals] {
        var rows: [String: DTypeTotals] = [:]
        for t in model.tensors {
            let key = t.type.description
            var row = rows[key] ?? DTypeTotals(type: key, tensors: 0, parameters: 0, bytes: 0)
            row.tensors += 1
            row.parameters &+= t.parameterCount ?? 0
            row.bytes &+= t.storage.byteCount
            rows[key] = row
        }
        return rows.values.sorted { $0.type < $1.type }
    }
}
