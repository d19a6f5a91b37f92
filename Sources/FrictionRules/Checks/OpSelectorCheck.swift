import FrictionCore

/// `op-selector`: graph nodes selected by op type, domain, attribute value and opset range.
/// Ready for ONNX graphs; weight-only formats have no graph and never match.
struct OpSelectorCheck: CheckKind {
    static let id = "op-selector"
    static let summary = "graph nodes selected by op type, domain, attributes and opset"
    static let parameters = [
        ParamSpec("op_types", .strings, "operator types, e.g. [Gelu, LayerNormalization]"),
        ParamSpec("domains", .strings, "operator domains ('' or ai.onnx is the default domain; com.microsoft …)"),
        ParamSpec("custom_domains", .bool, "select nodes outside the standard ONNX domains"),
        ParamSpec("attribute", .object, "{name, op: exists|missing|eq|ne|in, value}"),
        ParamSpec("opset_min", .int, "only when the default-domain opset is at least this"),
        ParamSpec("opset_max", .int, "only when the default-domain opset is at most this"),
        ParamSpec("node_name", .string, "glob the node name must match"),
        ParamSpec("when_runtime", .string, "only for targets with this runtime id"),
    ]

    static let standardDomains: Set<String> = ["", "ai.onnx", "ai.onnx.ml", "ai.onnx.preview.training"]

    let opTypes: Set<String>?
    let domains: Set<String>?
    let customDomains: Bool
    let attribute: (name: String, op: String, value: JSONValue?)?
    let opsetMin: Int64?
    let opsetMax: Int64?
    let nodeName: String?
    let runtime: String?

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        opTypes = params.strings("op_types").map(Set.init)
        domains = params.strings("domains").map(Set.init)
        customDomains = params.bool("custom_domains") ?? false
        if let a = params["attribute"] {
            guard let name = a["name"]?.stringValue, let op = a["op"]?.stringValue, ["exists", "missing", "eq", "ne", "in"].contains(op) else {
                throw ParamError("attribute needs name and op (exists, missing, eq, ne, in)", key: "attribute")
            }
            attribute = (name, op, a["value"])
        } else {
            attribute = nil
        }
        opsetMin = params.int("opset_min")
        opsetMax = params.int("opset_max")
        nodeName = params.string("node_name")
        runtime = params.string("when_runtime")
        if opTypes == nil && domains == nil && !customDomains && attribute == nil {
            throw ParamError("select something: op_types, domains, custom_domains or attribute")
        }
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        guard let graph = context.model.graph else { return [] }
        var targetLabel = "any target"
        if let runtime {
            guard let target = context.targets.first(where: { $0.runtime?.id == runtime }) else { return [] }
            targetLabel = target.description
        }
        let opset = graph.defaultOpset
        if let opsetMin, (opset ?? 0) < opsetMin { return [] }
        if let opsetMax, (opset ?? .max) > opsetMax { return [] }
        var hits: [Hit] = []
        for node in graph.nodes {
            if let opTypes, !opTypes.contains(node.opType) { continue }
            if let domains, !domains.contains(node.domain) { continue }
            if customDomains, Self.standardDomains.contains(node.domain) { continue }
            if let nodeName, !Glob.matches(nodeName, node.name) { continue }
            if let attribute {
                let actual = node.attribute(attribute.name)?.json
                let ok: Bool = switch attribute.op {
                case "exists": actual != nil
                case "missing": actual == nil
                case "eq": actual.map { a in attribute.value.map { a.sameValue($0) } ?? false } ?? false
                case "ne": actual.map { a in attribute.value.map { !a.sameValue($0) } ?? true } ?? false
                default:
                    if case .array(let options)? = attribute.value, let actual { options.contains { actual.sameValue($0) } } else { false }
                }
                if !ok { continue }
            }
            hits.append(Hit(location: Location(file: context.model.path, offset: node.offset, path: node.name.isEmpty ? node.opType : node.name),
                            values: ["node": node.name, "op": node.opType, "domain": node.domain.isEmpty ? "ai.onnx" : node.domain,
                                     "opset": opset.map(String.init) ?? "?", "target": targetLabel,
                                     "value": attribute.flatMap { node.attribute($0.name)?.json }.map { $0.stringValue ?? $0.serialized() } ?? ""]))
        }
        return hits
    }
}
