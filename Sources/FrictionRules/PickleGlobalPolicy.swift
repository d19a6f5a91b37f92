import FrictionCore

/// The default-deny policy for globals a pickle names (rules/knowledge/pickle-globals.yaml).
/// Matching is on the full dotted path `module.name`, never on substrings; a dangerous module
/// covers its submodules.
public struct PickleGlobalPolicy: Sendable, Hashable {
    /// What loading a pickle that names a global would do, as far as friction can tell.
    public enum Verdict: Sendable, Hashable {
        /// Accepted by `torch.load(weights_only=True)` by default.
        case weightsOnly
        /// Constructs plain data, but `weights_only=True` refuses it.
        case benign
        /// Runs code, processes, file or network access, or another deserializer.
        case dangerous(group: String, reason: String)
        /// Not known either way: denied by default.
        case unknown
    }

    struct Group: Sendable, Hashable {
        var id: String
        var reason: String
        var modules: Set<String>
        var names: Set<String>
    }

    var groups: [Group] = []
    var weightsOnly: Set<String> = []
    var benign: Set<String> = []
    var benignModules: Set<String> = []

    public init() {}

    /// The verdict for the global `module.name` (`name` may be a dotted qualified name).
    public func classify(module: String, name: String) -> Verdict {
        let path = module + "." + name
        // Exact names first (a name listed as dangerous, or as benign inside a dangerous module),
        // then whole modules.
        for g in groups where g.names.contains(path) { return .dangerous(group: g.id, reason: g.reason) }
        if weightsOnly.contains(path) { return .weightsOnly }
        if benign.contains(path) { return .benign }
        for g in groups {
            if Self.covers(g.modules, module) { return .dangerous(group: g.id, reason: g.reason) }
            // A qualified name can reach a dangerous module's attribute (`torch.serialization` + `load`).
            if name.contains("."), Self.covers(g.modules, path) { return .dangerous(group: g.id, reason: g.reason) }
        }
        // Attribute chains through dunders (`__class__.__base__.__subclasses__`) reach anything.
        if name.split(separator: ".").contains(where: { $0.hasPrefix("__") && $0.hasSuffix("__") && $0.count > 4 }) {
            return .dangerous(group: "attribute-chain", reason: "a dunder attribute path reaches arbitrary objects")
        }
        if Self.covers(benignModules, module) { return .benign }
        return .unknown
    }

    /// Whether `module` or one of its parent packages is in `modules`.
    static func covers(_ modules: Set<String>, _ module: String) -> Bool {
        var m = Substring(module)
        while true {
            if modules.contains(String(m)) { return true }
            guard let dot = m.lastIndex(of: ".") else { return false }
            m = m[..<dot]
        }
    }

    /// Reads `pickle-globals.yaml` from a knowledge directory (without the rest of the knowledge base).
    public static func load(knowledgeDirectory: String) throws(RuleFileError) -> PickleGlobalPolicy {
        try load(try YAMLDocument.load(path: knowledgeDirectory + "/pickle-globals.yaml"))
    }

    /// Reads pickle-globals.yaml.
    static func load(_ doc: YAMLDocument) throws(RuleFileError) -> PickleGlobalPolicy {
        var p = PickleGlobalPolicy()
        guard case .array(let groups)? = doc.root["dangerous"] else { throw doc.error("'dangerous' must be a list", at: "/dangerous") }
        for (i, g) in groups.enumerated() {
            guard let id = g["group"]?.stringValue, let reason = g["reason"]?.stringValue else {
                throw doc.error("a dangerous group needs 'group' and 'reason'", at: "/dangerous/\(i)")
            }
            p.groups.append(Group(id: id, reason: reason, modules: Set(Knowledge.strings(g["modules"])), names: Set(Knowledge.strings(g["names"]))))
        }
        p.weightsOnly = Set(Knowledge.strings(doc.root["weights_only"]))
        p.benign = Set(Knowledge.strings(doc.root["benign"]))
        p.benignModules = Set(Knowledge.strings(doc.root["benign_modules"]))
        return p
    }
}
