import FrictionCore

/// Everything the loader needs from an HDF5 file, collected in one pass through libhdf5: the
/// datasets (with their Keras tags), the links that are not hard links, the objects that could
/// not be opened and the Keras string attributes. It round-trips through JSON so that the pass
/// can run in a worker process (see ``HDF5Isolation``).
struct HDF5Probe {
    var datasets: [HDF5File.Dataset] = []
    var links: [HDF5File.Link] = []
    var unreadable: [HDF5File.Unreadable] = []
    /// String attributes by `object path@attribute` (e.g. `/@model_config`, `/model_weights@layer_names`).
    var attributes: [String: [String]] = [:]

    /// The attributes Keras layouts are recognised by.
    static let wantedAttributes = [("/", "model_config"), ("/", "keras_version"), ("/", "backend"), ("/", "layer_names"),
                                   ("/model_weights", "layer_names")]

    func attribute(_ name: String, at path: String = "/") -> [String]? { attributes[path + "@" + name] }

    /// Walks `file` (the caller holds ``HDF5Library``'s lock).
    static func collect(_ file: HDF5File) throws(LoadError) -> HDF5Probe {
        var probe = HDF5Probe()
        (probe.datasets, probe.links, probe.unreadable) = try file.walk()
        for (path, name) in wantedAttributes {
            if let values = file.strings(name, at: path) { probe.attributes[path + "@" + name] = values }
        }
        for i in probe.datasets.indices {
            let d = probe.datasets[i]
            if d.typeDescription.hasPrefix("opaque") { probe.datasets[i].tag = file.strings("dtype", at: d.path)?.first }
            let parent = String(d.path[..<(d.path.lastIndex(of: "/") ?? d.path.startIndex)])
            if parent.hasSuffix("/vars") { probe.datasets[i].owner = file.strings("name", at: parent)?.first }
        }
        return probe
    }

    // MARK: - JSON

    var json: JSONValue {
        func obj(_ members: [(String, JSONValue)]) -> JSONValue { .object(members.map { JSONMember(key: $0.0, value: $0.1) }) }
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return obj([
            ("datasets", .array(datasets.map { d in
                obj([("path", .string(d.path)), ("dtype", opt(d.dtype?.rawValue)), ("type", .string(d.typeDescription)),
                     ("dims", .array(d.dims.map(JSONValue.uint))), ("layout", .string(d.layout)), ("offset", d.offset.map(JSONValue.uint) ?? .null),
                     ("storage", .uint(d.storageBytes)), ("filters", .array(d.filters.map(JSONValue.string))),
                     ("plugins", .array(d.pluginFilters.map { .int(Int64($0)) })), ("external", .int(Int64(d.externalFiles))),
                     ("bits", .int(Int64(d.elementBits))), ("tag", opt(d.tag)), ("owner", opt(d.owner))])
            })),
            ("links", .array(links.map { obj([("path", .string($0.path)), ("kind", .string($0.kind)), ("target", .string($0.target))]) })),
            ("unreadable", .array(unreadable.map { obj([("path", .string($0.path)), ("message", .string($0.message))]) })),
            ("attributes", obj(attributes.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map(JSONValue.string))) })),
        ])
    }

    init() {}

    /// Reads a worker's answer; anything malformed is an error naming `file`.
    init(json v: JSONValue, file: String) throws(LoadError) {
        func bad(_ what: String) -> LoadError { LoadError("hdf5-worker", "the HDF5 worker's answer is malformed (\(what))", file: file) }
        func str(_ x: JSONValue?, _ what: String) throws(LoadError) -> String { guard let s = x?.stringValue else { throw bad(what) }; return s }
        func uint(_ x: JSONValue?, _ what: String) throws(LoadError) -> UInt64 {
            guard let i = x?.int64Value, i >= 0 else { if case .uint(let u)? = x { return u }; throw bad(what) }
            return UInt64(i)
        }
        for d in v["datasets"]?.arrayValue ?? [] {
            var dims: [UInt64] = []
            for x in d["dims"]?.arrayValue ?? [] { dims.append(try uint(x, "dims")) }
            var plugins: [Int32] = []
            for x in d["plugins"]?.arrayValue ?? [] { plugins.append(Int32(clamping: x.int64Value ?? -1)) }
            datasets.append(HDF5File.Dataset(
                path: try str(d["path"], "path"), dtype: d["dtype"]?.stringValue.flatMap(DType.init(rawValue:)),
                typeDescription: try str(d["type"], "type"), dims: dims, layout: try str(d["layout"], "layout"),
                offset: d["offset"] == .null ? nil : try uint(d["offset"], "offset"), storageBytes: try uint(d["storage"], "storage"),
                filters: (d["filters"]?.arrayValue ?? []).compactMap(\.stringValue), pluginFilters: plugins,
                externalFiles: Int(try uint(d["external"], "external")), elementBits: Int(try uint(d["bits"], "bits")),
                tag: d["tag"]?.stringValue, owner: d["owner"]?.stringValue))
        }
        for l in v["links"]?.arrayValue ?? [] {
            links.append(HDF5File.Link(path: try str(l["path"], "link"), kind: try str(l["kind"], "link"), target: try str(l["target"], "link")))
        }
        for u in v["unreadable"]?.arrayValue ?? [] {
            unreadable.append(HDF5File.Unreadable(path: try str(u["path"], "unreadable"), message: try str(u["message"], "unreadable")))
        }
        if case .object(let members)? = v["attributes"] {
            for m in members { attributes[m.key] = (m.value.arrayValue ?? []).compactMap(\.stringValue) }
        }
    }
}
