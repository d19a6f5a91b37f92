import FrictionCore
import Yams

/// A YAML file read as JSON values, remembering the line of every value so that errors can
/// name the file and the line.
public struct YAMLDocument: Sendable {
    public let file: String
    public let root: JSONValue
    /// Line (1-based) of the value at each JSON pointer (`/params/dims/0`).
    public let lines: [String: Int]

    /// Parses YAML text; mappings keep their key order, duplicate keys are an error.
    public static func parse(_ text: String, file: String) throws(RuleFileError) -> YAMLDocument {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            if case .duplicatedKeysInMapping(let duplicates, _)? = error as? YamlError, let key = duplicates.first {
                throw RuleFileError(file: file, line: secondLine(startingWith: key + ":", in: text), message: "key '\(key)' appears twice")
            }
            throw RuleFileError(file: file, line: YAMLDocument.line(in: error), message: "not valid YAML: \(error)")
        }
        guard let node else { return YAMLDocument(file: file, root: .null, lines: [:]) }
        var lines: [String: Int] = [:]
        let root = try convert(node, pointer: "", file: file, lines: &lines)
        return YAMLDocument(file: file, root: root, lines: lines)
    }

    /// Reads and parses a file.
    public static func load(path: String, display: String? = nil) throws(RuleFileError) -> YAMLDocument {
        let name = display ?? path
        guard let text = readTextFile(path) else { throw RuleFileError(file: name, line: nil, message: "cannot read the file") }
        return try parse(text, file: name)
    }

    /// The line of the value at `pointer`, or of its nearest ancestor.
    public func line(of pointer: String) -> Int? {
        var p = pointer
        while true {
            if let line = lines[p] { return line }
            guard let slash = p.lastIndex(of: "/") else { return lines[""] }
            p = String(p[..<slash])
        }
    }

    /// An error located at `pointer` in this document.
    public func error(_ message: String, at pointer: String) -> RuleFileError {
        RuleFileError(file: file, line: line(of: pointer), message: message)
    }

    private static func convert(_ node: Node, pointer: String, file: String, lines: inout [String: Int]) throws(RuleFileError) -> JSONValue {
        if let mark = node.mark { lines[pointer] = mark.line }
        switch node {
        case .scalar(let scalar):
            return resolve(scalar.string, plain: scalar.style == .plain)
        case .mapping(let mapping):
            var members: [JSONMember] = []
            var seen = Set<String>()
            for (key, value) in mapping {
                guard let name = key.string else {
                    throw RuleFileError(file: file, line: key.mark?.line, message: "mapping keys must be strings")
                }
                guard seen.insert(name).inserted else {
                    throw RuleFileError(file: file, line: key.mark?.line, message: "key '\(name)' appears twice")
                }
                members.append(JSONMember(key: name, value: try convert(value, pointer: pointer + "/" + escape(name), file: file, lines: &lines)))
            }
            return .object(members)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for (i, item) in sequence.enumerated() {
                items.append(try convert(item, pointer: pointer + "/\(i)", file: file, lines: &lines))
            }
            return .array(items)
        default:
            throw RuleFileError(file: file, line: node.mark?.line, message: "YAML aliases are not supported")
        }
    }

    /// YAML 1.2 core-schema resolution of a scalar: quoted scalars are strings; plain ones
    /// are null, booleans, integers or floats when they read as such.
    static func resolve(_ text: String, plain: Bool) -> JSONValue {
        guard plain else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        let digits = text.replacingOccurrences(of: "_", with: "")
        if let i = Int64(digits) { return .int(i) }
        if let u = UInt64(digits) { return .uint(u) }
        if digits.hasPrefix("0x"), let i = Int64(digits.dropFirst(2), radix: 16) { return .int(i) }
        if digits.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true,
           digits.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }), let d = Double(digits) { return .double(d) }
        return .string(text)
    }

    /// JSON-pointer escaping of one key.
    static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// The 1-based line of the second line whose content starts with `prefix`.
    static func secondLine(startingWith prefix: String, in text: String) -> Int? {
        var seen = 0
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.drop { $0 == " " || $0 == "-" }
            if content.hasPrefix(prefix) { seen += 1; if seen == 2 { return i + 1 } }
        }
        return nil
    }

    private static func line(in error: Error) -> Int? {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
            default: return nil
            }
        }
        return nil
    }
}

/// A problem in a rule, knowledge or configuration file, located by file and line.
public struct RuleFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}
