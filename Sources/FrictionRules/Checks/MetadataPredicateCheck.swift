import FrictionCore

/// `metadata-predicate`: compares a metadata value (GGUF key/value, safetensors
/// `__metadata__`, or a config.json path) with a value; optionally only when other predicates
/// hold or when some tensor matches a selector.
struct MetadataPredicateCheck: CheckKind {
    static let id = "metadata-predicate"
    static let summary = "a metadata key (GGUF KV, safetensors __metadata__, config.json path) compared with a value"
    static let parameters = [
        ParamSpec("key", .string, required: true, "the key; for config.json a dotted path such as quantization_config.quant_method"),
        ParamSpec("source", .string, "where to look: any (default), gguf, safetensors or config"),
        ParamSpec("op", .string, required: true, "exists, missing, eq, ne, lt, le, gt, ge, in, not_in, matches, longer_than"),
        ParamSpec("value", .any, "the value to compare with (a list for in / not_in, a regex for matches, a length for longer_than)"),
        ParamSpec("when", .any, "a list of further predicates ({key, source, op, value}) that must all hold"),
        ParamSpec("when_tensor", .object, "a tensor selector: the rule applies only if some tensor matches it"),
    ]

    struct Predicate: @unchecked Sendable {
        var key: String
        var source: String
        var op: String
        var value: JSONValue?
        var regex: Regex<AnyRegexOutput>?

        static let ops: Set<String> = ["exists", "missing", "eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "matches", "longer_than"]

        init(_ v: JSONValue) throws(ParamError) {
            guard let key = v["key"]?.stringValue, let op = v["op"]?.stringValue else { throw ParamError("a predicate needs key and op", key: "when") }
            guard Self.ops.contains(op) else { throw ParamError("unknown op '\(op)'; known: \(Self.ops.sorted().joined(separator: ", "))", key: "op") }
            self.key = key
            self.op = op
            self.source = v["source"]?.stringValue ?? "any"
            guard ["any", "gguf", "safetensors", "config"].contains(source) else { throw ParamError("source must be any, gguf, safetensors or config", key: "source") }
            self.value = v["value"]
            if !["exists", "missing"].contains(op), value == nil { throw ParamError("op '\(op)' needs a value", key: "value") }
            if op == "matches" { regex = try TensorSelector.regex(value?.stringValue, key: "value") }
        }

        func lookup(_ model: Model) -> (JSONValue, Location)? {
            if source == "any" || source == "config", let config = model.config {
                var node: JSONValue? = config
                for part in key.split(separator: ".") { node = node?[String(part)] }
                if let node { return (node, Location(file: model.metadata.first { $0.key == "config.json" }?.location.file ?? model.path, path: key)) }
                if source == "config" { return nil }
            }
            guard source != "config" else { return nil }
            let wanted: ModelFormat? = source == "gguf" ? .gguf : source == "safetensors" ? .safetensors : nil
            if let wanted, model.format != wanted, !(model.format == .folder && wanted == .safetensors) { return nil }
            guard let entry = model.metadata.first(where: { $0.key == key }) else { return nil }
            return (entry.value.jsonValue, Location(file: entry.location.file, offset: entry.location.offset, path: key))
        }

        func holds(_ model: Model) -> (Bool, JSONValue?, Location?) {
            let found = lookup(model)
            let actual = found?.0
            switch op {
            case "exists": return (found != nil, actual, found?.1)
            case "missing": return (found == nil, nil, nil)
            default: break
            }
            guard let actual, let value else { return (false, nil, nil) }
            let result: Bool
            switch op {
            case "eq": result = actual.sameValue(value)
            case "ne": result = !actual.sameValue(value)
            case "lt", "le", "gt", "ge":
                guard let a = actual.doubleValue ?? actual.stringValue.flatMap(Double.init), let b = value.doubleValue else { return (false, actual, found?.1) }
                result = op == "lt" ? a < b : op == "le" ? a <= b : op == "gt" ? a > b : a >= b
            case "in", "not_in":
                guard case .array(let options) = value else { return (false, actual, found?.1) }
                let contained = options.contains { actual.sameValue($0) }
                result = op == "in" ? contained : !contained
            case "matches":
                let text = actual.stringValue ?? actual.serialized()
                result = regex.map { (try? $0.firstMatch(in: text)) != nil } ?? false
            case "longer_than":
                let length: Int
                switch actual {
                case .string(let s): length = s.utf8.count
                case .array(let a): length = a.count
                default: length = 0
                }
                result = length > Int(value.int64Value ?? .max)
            default: result = false
            }
            return (result, actual, found?.1)
        }
    }

    let predicate: Predicate
    let conditions: [Predicate]
    let tensorCondition: TensorSelector?

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        var main: [JSONMember] = []
        for key in ["key", "source", "op", "value"] { if let v = params[key] { main.append(JSONMember(key: key, value: v)) } }
        predicate = try Predicate(.object(main))
        var conditions: [Predicate] = []
        if let when = params["when"] {
            guard case .array(let items) = when else { throw ParamError("when must be a list of predicates", key: "when") }
            for item in items { conditions.append(try Predicate(item)) }
        }
        self.conditions = conditions
        tensorCondition = try params["when_tensor"].map { v throws(ParamError) in try TensorSelector(Params(v, specs: TensorSelector.specs)) }
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        let model = context.model
        for c in conditions where !c.holds(model).0 { return [] }
        if let tensorCondition, !model.tensors.contains(where: tensorCondition.matches) { return [] }
        let (holds, actual, location) = predicate.holds(model)
        guard holds else { return [] }
        let file = location ?? Location(file: model.sources.first?.path ?? model.path, path: predicate.key)
        let shown = actual.map { $0.stringValue ?? $0.serialized() } ?? "(absent)"
        let cut = shown.count > 80 ? String(shown.prefix(80)) + "…" : shown
        return [Hit(location: file, values: ["key": predicate.key, "value": cut, "expected": predicate.value.map { $0.stringValue ?? $0.serialized() } ?? "",
                                             "length": actual?.stringValue.map { String($0.utf8.count) } ?? ""])]
    }
}

extension JSONValue {
    /// Equality with numbers compared by value and strings compared to their number text.
    func sameValue(_ other: JSONValue) -> Bool {
        if let a = doubleValue, let b = other.doubleValue { return a == b }
        if let a = stringValue, let b = other.stringValue { return a == b }
        if case .bool(let a) = self, case .bool(let b) = other { return a == b }
        return self == other
    }
}
