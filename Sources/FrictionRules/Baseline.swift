import FrictionCore

/// Accepted findings: `friction lint --write-baseline FILE` records them, `--baseline FILE`
/// then reports only findings whose fingerprint (code, file, tensor) is not in it.
public struct Baseline: Sendable {
    public static let schema = "friction.baseline/1"
    public var fingerprints: Set<String>

    public init(findings: [Finding]) { fingerprints = Set(findings.map(\.fingerprint)) }

    /// The baseline file's JSON: sorted entries, no timestamps.
    public static func document(_ findings: [Finding]) -> JSONValue {
        let entries = findings.sorted().map { f in
            JSONValue.object([("code", .string(f.code)), ("file", .string(f.location.file)), ("path", .string(f.location.path ?? "")),
                              ("fingerprint", .string(f.fingerprint)), ("message", .string(f.message))])
        }
        return .object([("schema", .string(schema)), ("findings", .array(entries))])
    }

    public static func load(path: String) throws(RuleFileError) -> Baseline {
        guard let text = readTextFile(path) else { throw RuleFileError(file: path, line: nil, message: "cannot read the baseline") }
        let node: JSONNode
        do throws(JSONParseError) { node = try JSONParser.parse(Array(text.utf8)) } catch {
            throw RuleFileError(file: path, line: nil, message: "baseline is not valid JSON (byte \(error.offset))")
        }
        guard node["schema"]?.string == schema, let items = node["findings"]?.items else {
            throw RuleFileError(file: path, line: nil, message: "not a \(schema) file")
        }
        var baseline = Baseline(findings: [])
        for item in items { if let f = item["fingerprint"]?.string { baseline.fingerprints.insert(f) } }
        return baseline
    }

    public func contains(_ finding: Finding) -> Bool { fingerprints.contains(finding.fingerprint) }
}
