import FrictionCore

/// An architecture family (Ampere, Hopper, Blackwell datacenter …): the unit capabilities are
/// stated in. NVFP4 on sm_120 is not NVFP4 on sm_100, so capabilities are sets of families.
public struct ArchFamily: Sendable, Hashable {
    public var id: String
    public var name: String
    public var computeCapabilities: [String]
}

/// One GPU product a target can name.
public struct GPUInfo: Sendable, Hashable {
    public var id: String
    public var aliases: [String]
    public var product: String
    public var computeCapability: String
    public var family: String
    public var memoryGiB: Double
    public var unifiedMemory: Bool
    /// Hardware MMA input types (`float16`, `bfloat16`, `tf32`, `int8`, `int4`, `float8_e4m3fn` …).
    public var tensorCoreDTypes: Set<String>
    /// Other hardware features (`sparsity_2_4`, `fp8`, `mxfp8`, `mxfp4`, `nvfp4` …).
    public var features: Set<String>
    public var source: String

    /// Whether the hardware itself has tensor-core support for a weight format id.
    public func supportsInHardware(_ format: String) -> Bool? {
        switch format {
        case "float32", "float16": true
        case "bfloat16", "int8", "int4", "float8_e4m3fn", "float8_e5m2":
            tensorCoreDTypes.contains(format) || (format.hasPrefix("float8") && features.contains("fp8"))
        case "nvfp4", "mxfp4", "mxfp8", "mxfp6": features.contains(format)
        default: nil
        }
    }
}

/// What one runtime version supports: formats by role as family sets, quantization methods,
/// IR/opset ceilings, and (llama.cpp) ggml types.
public struct RuntimeVersion: Sendable, Hashable {
    public var since: Version
    /// format id → role (`weights`, `activations`, `kv_cache`) → families.
    public var formats: [String: [String: Set<String>]]
    public var notes: [String: String]
    public var quantizationMethods: [String: Set<String>]
    public var maxIRVersion: Int64?
    public var maxOpset: Int64?
    public var source: String
}

/// A runtime (vLLM, TensorRT, onnxruntime, llama.cpp …) with its version history.
public struct RuntimeInfo: Sendable, Hashable {
    public var id: String
    public var name: String
    public var versions: [RuntimeVersion]
    /// llama.cpp: ggml type name → first build that loads it (nil: unknown).
    public var ggmlTypesSince: [String: Version?]
    public var ggmlTypesRemovedIn: [String: Version]

    /// The entry in force for `version` (the latest `since` ≤ version); the newest when nil.
    public func entry(for version: Version?) -> RuntimeVersion? {
        let sorted = versions.sorted { $0.since < $1.since }
        guard let version else { return sorted.last }
        return sorted.last { $0.since <= version }
    }
}

/// One runtime version's ONNX operator table (onnx-operators.yaml).
public struct OpSupportTable: Sendable, Hashable {
    public var since: Version
    /// Supported default-domain ops with their element types (empty set: types not listed).
    public var ops: [String: Set<String>]
    public var restrictions: [String: [String]]
    public var unsupported: Set<String>
    /// Supported ops of other domains (e.g. com.microsoft contrib ops).
    public var domainOps: [String: Set<String>]
    public var source: String
}

/// The knowledge base: GPUs, architecture families, runtimes and dtype facts, read from
/// `rules/knowledge/*.yaml`. Every row there names its source.
public struct Knowledge: Sendable {
    public var families: [ArchFamily] = []
    public var gpus: [GPUInfo] = []
    public var runtimes: [RuntimeInfo] = []
    /// dtypes.yaml rows by dtype name, as read.
    public var dtypes: [String: JSONValue] = [:]
    /// The policy for globals named by pickles (pickle-globals.yaml).
    public var pickleGlobals = PickleGlobalPolicy()
    /// ONNX operator tables by runtime id, oldest first.
    public var onnxOps: [String: [OpSupportTable]] = [:]
    /// First opset of each standard ONNX op.
    public var onnxOpSince: [String: Int64] = [:]

    /// The operator table in force for a runtime version (latest `since` ≤ version; newest when nil).
    public func opTable(runtime: String, version: Version?) -> OpSupportTable? {
        guard let tables = onnxOps[runtime] else { return nil }
        guard let version else { return tables.last }
        return tables.last { $0.since <= version }
    }

    public init() {}

    /// The GPU with this id or alias (case-insensitive).
    public func gpu(_ name: String) -> GPUInfo? {
        let key = name.lowercased()
        return gpus.first { $0.id == key || $0.aliases.contains(key) }
    }

    public func runtime(_ id: String) -> RuntimeInfo? {
        let key = id.lowercased()
        return runtimes.first { $0.id == key }
    }

    public func family(_ id: String) -> ArchFamily? { families.first { $0.id == id } }

    /// Loads every knowledge file in `directory`.
    public static func load(directory: String) throws(RuleFileError) -> Knowledge {
        var k = Knowledge()
        let gpus = directory + "/gpus.yaml"
        if fileExists(gpus) {
            let doc = try YAMLDocument.load(path: gpus)
            k.families = try array(doc, "families").enumerated().map { i, row throws(RuleFileError) in
                ArchFamily(id: try str(doc, row, "id", "/families/\(i)"), name: row["name"]?.stringValue ?? "",
                           computeCapabilities: strings(row["compute_capabilities"]))
            }
            k.gpus = try array(doc, "gpus").enumerated().map { i, row throws(RuleFileError) in
                let p = "/gpus/\(i)"
                return GPUInfo(
                    id: try str(doc, row, "id", p).lowercased(), aliases: strings(row["aliases"]).map { $0.lowercased() },
                    product: row["product"]?.stringValue ?? "", computeCapability: try str(doc, row, "compute_capability", p),
                    family: try str(doc, row, "family", p), memoryGiB: row["memory_gib"]?.doubleValue ?? 0,
                    unifiedMemory: row["unified_memory"] == .bool(true),
                    tensorCoreDTypes: Set(strings(row["tensor_core_dtypes"])), features: Set(strings(row["features"])),
                    source: row["source"]?.stringValue ?? "")
            }
        }
        let runtimes = directory + "/runtimes.yaml"
        if fileExists(runtimes) {
            let doc = try YAMLDocument.load(path: runtimes)
            k.runtimes = try array(doc, "runtimes").enumerated().map { i, row throws(RuleFileError) in
                try runtime(doc, row, "/runtimes/\(i)")
            }
        }
        let ops = directory + "/onnx-operators.yaml"
        if fileExists(ops) {
            let doc = try YAMLDocument.load(path: ops)
            if case .object(let since)? = doc.root["onnx_ops"] {
                for row in since { if let v = row.value.int64Value ?? row.value["since"]?.int64Value { k.onnxOpSince[row.key] = v } }
            }
            if case .array(let runtimes)? = doc.root["runtimes"] {
                for (i, runtime) in runtimes.enumerated() {
                    let id = try str(doc, runtime, "id", "/runtimes/\(i)")
                    var tables: [OpSupportTable] = []
                    if case .array(let versions)? = runtime["versions"] {
                        for (j, entry) in versions.enumerated() {
                            let text = entry["since"].map { $0.stringValue ?? $0.serialized() } ?? ""
                            guard let v = Version(text) else { throw doc.error("'since' must be a quoted version", at: "/runtimes/\(i)/versions/\(j)/since") }
                            var table = OpSupportTable(since: v, ops: [:], restrictions: [:], unsupported: Set(strings(entry["unsupported"])),
                                                       domainOps: [:], source: entry["source"]?.stringValue ?? "")
                            if case .object(let rows)? = entry["ops"] {
                                for row in rows {
                                    table.ops[row.key] = Set(strings(row.value["dtypes"]))
                                    let r = strings(row.value["restrictions"])
                                    if !r.isEmpty { table.restrictions[row.key] = r }
                                }
                            }
                            if case .object(let domains)? = entry["contrib_ops"] {
                                for d in domains {
                                    var names = Set(strings(d.value))
                                    if case .object(let m) = d.value { names = Set(m.map(\.key)) }
                                    table.domainOps[d.key] = names
                                }
                            }
                            tables.append(table)
                        }
                    }
                    k.onnxOps[id.lowercased()] = tables.sorted { $0.since < $1.since }
                }
            }
        }
        let dtypes = directory + "/dtypes.yaml"
        if fileExists(dtypes) {
            let doc = try YAMLDocument.load(path: dtypes)
            let rows: [JSONValue]
            if case .array(let a) = doc.root { rows = a } else { rows = (try? array(doc, "dtypes")) ?? [] }
            for row in rows { if let name = row["name"]?.stringValue { k.dtypes[name] = row } }
        }
        let pickle = directory + "/pickle-globals.yaml"
        if fileExists(pickle) { k.pickleGlobals = try PickleGlobalPolicy.load(try YAMLDocument.load(path: pickle)) }
        return k
    }

    private static func runtime(_ doc: YAMLDocument, _ row: JSONValue, _ p: String) throws(RuleFileError) -> RuntimeInfo {
        var versions: [RuntimeVersion] = []
        var since: [String: Version?] = [:]
        var removed: [String: Version] = [:]
        if case .array(let entries)? = row["versions"] {
            for (j, entry) in entries.enumerated() {
                let q = "\(p)/versions/\(j)"
                let text = entry["since"].map { $0.stringValue ?? $0.serialized() } ?? ""
                guard let v = Version(text) else { throw doc.error("'since' must be a version like 0.11 or b4567", at: q + "/since") }
                var formats: [String: [String: Set<String>]] = [:]
                var notes: [String: String] = [:]
                if case .object(let fs)? = entry["formats"] {
                    for f in fs {
                        guard case .object(let roles) = f.value else { continue }
                        for role in roles {
                            if role.key == "note" { notes[f.key] = role.value.stringValue } else { formats[f.key, default: [:]][role.key] = Set(strings(role.value)) }
                        }
                    }
                }
                var methods: [String: Set<String>] = [:]
                if case .object(let ms)? = entry["quantization_methods"] { for m in ms { methods[m.key] = Set(strings(m.value)) } }
                versions.append(RuntimeVersion(since: v, formats: formats, notes: notes, quantizationMethods: methods,
                                               maxIRVersion: entry["max_ir_version"]?.int64Value, maxOpset: entry["max_opset"]?.int64Value,
                                               source: entry["source"]?.stringValue ?? ""))
            }
        }
        if case .object(let types)? = row["ggml_types"] {
            for t in types {
                let s = t.value["since"]?.stringValue ?? t.value.stringValue
                let everyBuild = t.value["loadable_by_all_gguf_builds"] == .bool(true)
                since[t.key] = everyBuild ? Version("b0") : s.flatMap(Version.init)
                if let r = t.value["removed_in"]?.stringValue, let rv = Version(r) { removed[t.key] = rv }
            }
        }
        return RuntimeInfo(id: try str(doc, row, "id", p).lowercased(), name: row["name"]?.stringValue ?? "", versions: versions,
                           ggmlTypesSince: since, ggmlTypesRemovedIn: removed)
    }

    private static func array(_ doc: YAMLDocument, _ key: String) throws(RuleFileError) -> [JSONValue] {
        guard case .array(let rows)? = doc.root[key] else { throw doc.error("expected a list '\(key)'", at: "") }
        return rows
    }

    private static func str(_ doc: YAMLDocument, _ row: JSONValue, _ key: String, _ pointer: String) throws(RuleFileError) -> String {
        guard let value = row[key] else { throw doc.error("missing '\(key)'", at: pointer) }
        return value.stringValue ?? value.serialized()
    }

    static func strings(_ value: JSONValue?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.map { $0.stringValue ?? $0.serialized() }
    }
}
