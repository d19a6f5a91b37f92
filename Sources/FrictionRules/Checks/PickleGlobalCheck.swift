import FrictionCore

/// `pickle-global`: globals named by the input's pickles whose verdict under the
/// pickle-globals policy (rules/knowledge/pickle-globals.yaml) is one of `verdicts`.
struct PickleGlobalCheck: CheckKind {
    static let id = "pickle-global"
    static let summary = "globals a pickle names, by verdict of the default-deny pickle-globals policy"
    static let parameters = [
        ParamSpec("verdicts", .strings, required: true, "dangerous, unknown, benign, weights_only"),
    ]
    static let verdictNames: Set<String> = ["dangerous", "unknown", "benign", "weights_only"]

    let verdicts: Set<String>
    let policy: PickleGlobalPolicy

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        verdicts = Set(params.strings("verdicts") ?? [])
        if let bad = verdicts.subtracting(Self.verdictNames).sorted().first {
            throw ParamError("unknown verdict '\(bad)' (expected \(Self.verdictNames.sorted().joined(separator: ", ")))")
        }
        policy = knowledge.pickleGlobals
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        context.model.pickleGlobals.compactMap { g in
            let verdict = policy.classify(module: g.module, name: g.name)
            var values = ["global": g.dottedPath, "opcode": g.opcode, "offset": g.location.offset.map(String.init) ?? "?"]
            let name: String
            switch verdict {
            case .weightsOnly: name = "weights_only"
            case .benign: name = "benign"
            case .unknown: name = "unknown"
            case .dangerous(let group, let reason):
                name = "dangerous"
                values["group"] = group
                values["reason"] = reason
            }
            guard verdicts.contains(name) else { return nil }
            values["verdict"] = name
            return Hit(location: g.location, values: values)
        }
    }
}
