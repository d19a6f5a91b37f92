import FrictionCore
#if canImport(Glibc)
import Glibc
#endif

/// All rules (bundled and user files) and the knowledge base, loaded and validated.
public struct RuleCatalog: Sendable {
    public var rules: [Rule]
    public var knowledge: Knowledge
    /// The rules directory the catalog came from.
    public var directory: String

    /// A catalog of already-parsed rules (tests, single-rule runs).
    public init(rules: [Rule], knowledge: Knowledge, directory: String) {
        self.rules = rules
        self.knowledge = knowledge
        self.directory = directory
    }

    /// The bundled rules directory: `$FRICTION_RULES`, then `share/friction/rules` beside the
    /// executable's prefix, then the nearest `rules/` holding `schema.json` above the
    /// executable or the working directory.
    public static func locateBundled() -> String? {
        if let env = getenv("FRICTION_RULES").map({ String(cString: $0) }), !env.isEmpty { return env }
        var starts: [String] = []
        if let exe = executablePath() { starts.append(parent(exe)) }
        if let cwd = getcwd(nil, 0) { starts.append(String(cString: cwd)); free(cwd) }
        for start in starts {
            let share = parent(start) + "/share/friction/rules"
            if fileExists(share + "/schema.json") { return share }
            var dir = start
            while true {
                if fileExists(dir + "/rules/schema.json") { return dir + "/rules" }
                let up = parent(dir)
                if up == dir { break }
                dir = up
            }
        }
        return nil
    }

    /// Loads `directory` (every `<area>/<CODE>-<name>.yaml` and `knowledge/`) plus `extraFiles`.
    public static func load(directory: String, extraFiles: [String] = []) throws(RuleFileError) -> RuleCatalog {
        let knowledge = try Knowledge.load(directory: directory + "/knowledge")
        var rules: [Rule] = []
        for area in listDirectory(directory) where isDirectory(directory + "/" + area) && area != "knowledge" {
            for name in listDirectory(directory + "/" + area) where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                let path = directory + "/" + area + "/" + name
                let rule = try Rule.parse(try YAMLDocument.load(path: path, display: "rules/\(area)/\(name)"))
                let expected = "\(rule.code)-\(rule.name).yaml"
                guard name == expected else {
                    throw RuleFileError(file: rule.file, line: 1, message: "file must be named \(expected)")
                }
                guard area == rule.area else {
                    throw RuleFileError(file: rule.file, line: 1, message: "a \(rule.area) rule belongs in rules/\(rule.area)/")
                }
                rules.append(rule)
            }
        }
        for path in extraFiles {
            rules.append(try Rule.parse(try YAMLDocument.load(path: path)))
        }
        var codes: [String: String] = [:]
        var names: [String: String] = [:]
        for rule in rules {
            if let other = codes[rule.code] { throw RuleFileError(file: rule.file, line: rule.document.line(of: "/code"), message: "code \(rule.code) is also used by \(other)") }
            if let other = names[rule.name] { throw RuleFileError(file: rule.file, line: rule.document.line(of: "/name"), message: "name \(rule.name) is also used by \(other)") }
            codes[rule.code] = rule.file
            names[rule.name] = rule.file
            _ = try compile(rule, params: rule.params, knowledge: knowledge)
        }
        return RuleCatalog(rules: rules.sorted { $0.code < $1.code }, knowledge: knowledge, directory: directory)
    }

    /// Instantiates a rule's check kind with `params`, mapping parameter errors to the rule file's lines.
    public static func compile(_ rule: Rule, params: JSONValue, knowledge: Knowledge) throws(RuleFileError) -> any CheckKind {
        guard let kind = CheckRegistry.kind(rule.check) else {
            throw RuleFileError(file: rule.file, line: rule.document.line(of: "/check"),
                                message: "unknown check '\(rule.check)'; known: \(CheckRegistry.kinds.map { $0.id }.joined(separator: ", "))")
        }
        do throws(ParamError) {
            return try kind.init(params: try Params(params, specs: kind.parameters), knowledge: knowledge)
        } catch {
            let pointer = "/params" + (error.key.map { "/" + YAMLDocument.escape($0) } ?? "")
            throw RuleFileError(file: rule.file, line: rule.document.line(of: pointer), message: error.message)
        }
    }

    /// The rule with this code or name.
    public func rule(_ codeOrName: String) -> Rule? {
        rules.first { $0.code == codeOrName.uppercased() || $0.name == codeOrName }
    }

    private static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
