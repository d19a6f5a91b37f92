import FrictionCore
import FrictionRules

/// SARIF 2.1.0 for code-scanning uploads: full rule metadata in `tool.driver.rules`, results
/// located by artifact URI and, for binary files, `region.byteOffset`; tensors as logical locations.
public struct SARIFReporter: Reporter {
    public static let id = "sarif"
    public static let summary = "SARIF 2.1.0 with rule metadata (GitHub code scanning)"
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    public static let informationURI = "https://github.com/friction-tools/friction"

    public init() {}

    static func level(_ s: Severity) -> String {
        switch s {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// A relative-reference URI for a path: unreserved characters and `/` kept, the rest percent-encoded.
    static func uri(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let c = Character(UnicodeScalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~/".contains(c)) { out.append(c) } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPad(2)
            }
        }
        return out
    }

    public func document(_ report: LintReport) -> JSONValue {
        let rules = report.rules
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.code, $0) })
        let results: [JSONValue] = report.findings.map { f in
            var location: [(String, JSONValue)] = [("artifactLocation", .object([("uri", .string(Self.uri(f.location.file)))]))]
            if let offset = f.location.offset { location.append(("region", .object([("byteOffset", .uint(offset))]))) }
            var loc: [(String, JSONValue)] = [("physicalLocation", .object(location))]
            if let path = f.location.path {
                loc.append(("logicalLocations", .array([.object([("fullyQualifiedName", .string(path)), ("kind", .string("member"))])])))
            }
            var result: [(String, JSONValue)] = [
                ("ruleId", .string(f.code)), ("level", .string(Self.level(f.severity))),
                ("message", .object([("text", .string(f.message))])), ("locations", .array([.object(loc)])),
                ("partialFingerprints", .object([("friction/v1", .string(f.fingerprint))])),
            ]
            if let i = index[f.code] { result.append(("ruleIndex", .int(Int64(i)))) }
            return .object(result)
        }
        let notifications: [JSONValue] = report.inputs.compactMap { input in
            guard let e = input.error else { return nil }
            var loc: [(String, JSONValue)] = [("artifactLocation", .object([("uri", .string(Self.uri(input.path)))]))]
            if let offset = e.location.offset { loc.append(("region", .object([("byteOffset", .uint(offset))]))) }
            return .object([
                ("level", .string("error")), ("message", .object([("text", .string("\(e.message) [\(e.code)]"))])),
                ("locations", .array([.object([("physicalLocation", .object(loc))])])),
            ])
        }
        let driver: JSONValue = .object([
            ("name", .string("friction")), ("version", .string(report.toolVersion)), ("semanticVersion", .string(report.toolVersion)),
            ("informationUri", .string(Self.informationURI)),
            ("rules", .array(rules.map(rule))),
        ])
        let run: JSONValue = .object([
            ("tool", .object([("driver", driver)])),
            ("results", .array(results)),
            ("invocations", .array([.object([
                ("executionSuccessful", .bool(notifications.isEmpty)),
                ("commandLine", .string(report.command)),
                ("toolExecutionNotifications", .array(notifications)),
            ])])),
            ("columnKind", .string("unicodeCodePoints")),
        ])
        return .object([("$schema", .string(Self.schemaURI)), ("version", .string("2.1.0")), ("runs", .array([run]))])
    }

    func rule(_ r: Rule) -> JSONValue {
        let help = "\(r.docs.fix)\n\nReferences:\n" + r.docs.references.map { "- \($0)" }.joined(separator: "\n")
        return .object([
            ("id", .string(r.code)), ("name", .string(r.name)),
            ("shortDescription", .object([("text", .string(r.summary))])),
            ("fullDescription", .object([("text", .string(r.docs.what + " " + r.docs.why))])),
            ("help", .object([("text", .string(help)), ("markdown", .string("**Fix:** \(r.docs.fix)\n\n" + r.docs.references.map { "- \($0)" }.joined(separator: "\n")))])),
            ("defaultConfiguration", .object([("level", .string(Self.level(r.severity)))])),
            ("properties", .object([("category", .string(r.category)), ("tags", .array([.string(r.category), .string("friction")]))])),
        ])
    }

    public func render(_ report: LintReport) -> String { document(report).serialized(indent: 2) + "\n" }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
