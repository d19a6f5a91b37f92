#if canImport(Glibc)
import Glibc
#endif
import FrictionCore

/// `.friction.yml`: rule selection, severity and parameter overrides, targets, ignores,
/// baseline and extra rule files. Command-line options override it.
public struct Configuration: Sendable {
    /// Codes, code prefixes or rule names to enable (empty: all).
    public var select: [String] = []
    /// Codes, code prefixes or rule names to disable.
    public var ignore: [String] = []
    public var severity: [String: Severity] = [:]
    public var params: [String: JSONValue] = [:]
    public var targets: [String] = []
    /// Path globs whose inputs are skipped entirely.
    public var excludePaths: [String] = []
    /// Path glob → codes/prefixes ignored for inputs under it.
    public var perPathIgnores: [(glob: String, codes: [String])] = []
    /// Tensor ignores: a tensor-name glob, optionally limited to some codes.
    public var tensorIgnores: [(glob: String, codes: [String])] = []
    public var baseline: String?
    public var rules: [String] = []
    public var failOn: String?
    /// The file this came from.
    public var file: String?

    public init() {}

    public static let fileName = ".friction.yml"

    /// The nearest `.friction.yml` in `start` or a folder above it.
    public static func find(from start: String) -> String? {
        var dir = isDirectory(start) ? start : (start.contains("/") ? String(start[..<(start.lastIndex(of: "/") ?? start.endIndex)]) : ".")
        if dir.isEmpty { dir = "/" }
        if !dir.hasPrefix("/"), let cwd = currentDirectory() { dir = dir == "." ? cwd : cwd + "/" + dir }
        while true {
            if fileExists(dir + "/" + fileName) { return dir + "/" + fileName }
            guard let slash = dir.lastIndex(of: "/"), dir != "/" else { return nil }
            dir = slash == dir.startIndex ? "/" : String(dir[..<slash])
        }
    }

    /// Parses a configuration file; unknown keys and wrong types are errors with line numbers.
    public static func load(path: String) throws(RuleFileError) -> Configuration {
        try parse(try YAMLDocument.load(path: path), file: path)
    }

    /// Parses a configuration document already read (`file` names it in errors).
    public static func parse(_ doc: YAMLDocument, file path: String) throws(RuleFileError) -> Configuration {
        var config = Configuration()
        config.file = path
        guard case .object(let members) = doc.root else {
            if doc.root == .null { return config }
            throw doc.error("the configuration is a mapping", at: "")
        }
        func strings(_ m: JSONMember) throws(RuleFileError) -> [String] {
            guard case .array(let items) = m.value, items.allSatisfy({ $0.stringValue != nil }) else {
                throw doc.error("'\(m.key)' must be a list of strings", at: "/" + m.key)
            }
            return items.compactMap(\.stringValue)
        }
        for m in members {
            switch m.key {
            case "select": config.select = try strings(m)
            case "ignore": config.ignore = try strings(m)
            case "rules": config.rules = try strings(m)
            case "exclude": config.excludePaths = try strings(m)
            case "baseline", "fail_on":
                guard let s = m.value.stringValue else { throw doc.error("'\(m.key)' must be a string", at: "/" + m.key) }
                if m.key == "baseline" { config.baseline = s } else { config.failOn = s }
            case "severity":
                guard case .object(let rows) = m.value else { throw doc.error("'severity' maps codes to error, warning or info", at: "/severity") }
                for row in rows {
                    guard let s = row.value.stringValue.flatMap(Severity.init(rawValue:)) else {
                        throw doc.error("severity of \(row.key) must be error, warning or info", at: "/severity/" + row.key)
                    }
                    config.severity[row.key] = s
                }
            case "params":
                guard case .object(let rows) = m.value else { throw doc.error("'params' maps codes to parameter mappings", at: "/params") }
                for row in rows {
                    guard case .object = row.value else { throw doc.error("params of \(row.key) must be a mapping", at: "/params/" + row.key) }
                    config.params[row.key] = row.value
                }
            case "targets":
                guard case .array(let items) = m.value else { throw doc.error("'targets' is a list", at: "/targets") }
                for (i, item) in items.enumerated() {
                    switch item {
                    case .string(let s): config.targets.append(s)
                    case .object(let parts):
                        config.targets.append(parts.map { "\($0.key)=\($0.value.stringValue ?? $0.value.serialized())" }.joined(separator: ","))
                    default: throw doc.error("a target is a string like gpu=a100,runtime=vllm@0.11 or a mapping", at: "/targets/\(i)")
                    }
                }
            case "per_path_ignores":
                guard case .object(let rows) = m.value else { throw doc.error("'per_path_ignores' maps path globs to code lists", at: "/per_path_ignores") }
                for row in rows { config.perPathIgnores.append((row.key, try strings(row))) }
            case "ignore_tensors":
                guard case .array(let items) = m.value else { throw doc.error("'ignore_tensors' is a list of {tensor, codes}", at: "/ignore_tensors") }
                for (i, item) in items.enumerated() {
                    guard let glob = item["tensor"]?.stringValue else { throw doc.error("an ignore_tensors entry needs 'tensor'", at: "/ignore_tensors/\(i)") }
                    var codes: [String] = []
                    if case .array(let cs)? = item["codes"] { codes = cs.compactMap(\.stringValue) }
                    config.tensorIgnores.append((glob, codes))
                }
            default:
                throw doc.error("unknown key '\(m.key)'; known: baseline, exclude, fail_on, ignore, ignore_tensors, params, per_path_ignores, rules, select, severity, targets", at: "/" + m.key)
            }
        }
        return config
    }

    /// Whether a code or prefix list names `rule`.
    static func names(_ list: [String], _ rule: Rule) -> Bool {
        list.contains { $0 == "ALL" || rule.code.hasPrefix($0.uppercased()) || $0 == rule.name }
    }
}

func currentDirectory() -> String? {
    guard let cwd = getcwd(nil, 0) else { return nil }
    defer { free(cwd) }
    return String(cString: cwd)
}
