import ArgumentParser
import FrictionCore
import Foundation

/// `friction merge PART...`: combines the partial reports of `friction lint --shard K/N` (one
/// per part, any order) into the report a single `friction lint --format json` run writes.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the partial JSON reports of `friction lint --shard K/N` into one report.",
        discussion: """
            Every part must come from the same command (apart from --shard) and all N parts must be present. \
            Findings are united per input (header-level findings appear in every part), sorted as lint sorts them, \
            and the summary is recounted. Exit codes as lint: 1 for findings at or above the run's --fail-on, \
            2 when an input could not be read or a part is missing or inconsistent.
            """)

    @Argument(help: "The partial reports (friction lint --shard K/N --format json).")
    var parts: [String]

    @Option(name: .shortAndLong, help: "Write the merged report to this file instead of standard output.")
    var output: String?

    struct Part {
        var file: String
        var doc: JSONValue
        var shard: Int
        var of: Int
    }

    func run() throws {
        guard !parts.isEmpty else { throw ValidationError("name the partial reports to merge") }
        let loaded = try parts.map(read)
        let merged = try Self.merge(loaded)
        let text = merged.doc.serialized(indent: 2) + "\n"
        if let output { try writeFile(output, text) } else { FileHandleOutput.standardOutput(text) }
        if merged.loadErrors > 0 { throw ExitCode(2) }
        if merged.failsThreshold { throw ExitCode(1) }
    }

    func read(_ path: String) throws -> Part {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let doc: JSONValue
        do { doc = try JSONParser.parse(Array(data)).value } catch { throw ValidationError("\(path): not JSON: \(error)") }
        guard doc["schema"]?.stringValue == "friction.lint/1" else { throw ValidationError("\(path): not a friction.lint/1 report") }
        guard let shard = doc["partial"]?["shard"]?.int64Value, let of = doc["partial"]?["of"]?.int64Value else {
            throw ValidationError("\(path): not a partial report (run lint with --shard K/N --format json)")
        }
        return Part(file: path, doc: doc, shard: Int(shard), of: Int(of))
    }

    static let severityRank = ["info": 0, "warning": 1, "error": 2]

    /// The merged document, its load-error count and whether it fails its `fail_on`.
    static func merge(_ parts: [Part]) throws -> (doc: JSONValue, loadErrors: Int, failsThreshold: Bool) {
        let n = parts.first?.of ?? 0
        let shards = parts.map(\.shard).sorted()
        guard n >= 1, n == parts.count, parts.allSatisfy({ $0.of == n }), shards == Array(1...n) else {
            throw ValidationError("need parts 1…\(n) exactly once each; got \(shards.map(String.init).joined(separator: ", "))")
        }
        for key in ["command", "fail_on", "targets", "tool"] {
            let values = Set(parts.map { $0.doc[key]?.serialized() ?? "" })
            guard values.count == 1 else { throw ValidationError("the parts disagree on \(key): they come from different runs") }
        }
        // Inputs by path: format and load error must agree; findings are united.
        var order: [String] = []
        var format: [String: JSONValue] = [:], loadError: [String: JSONValue] = [:]
        var findings: [String: [String: JSONValue]] = [:]
        var rules: [String: JSONValue] = [:]
        for part in parts {
            for input in part.doc["inputs"]?.arrayValue ?? [] {
                guard let path = input["path"]?.stringValue else { continue }
                if format[path] == nil {
                    order.append(path)
                    format[path] = input["format"] ?? .null
                    loadError[path] = input["load_error"] ?? .null
                } else if format[path] != (input["format"] ?? .null) || loadError[path] != (input["load_error"] ?? .null) {
                    throw ValidationError("the parts read \(path) differently")
                }
                for f in input["findings"]?.arrayValue ?? [] { findings[path, default: [:]][f.serialized()] = f }
            }
            for r in part.doc["rules"]?.arrayValue ?? [] { if let code = r["code"]?.stringValue { rules[code] = r } }
        }
        func key(_ f: JSONValue) -> (String, UInt64, String, String, String) {
            (f["file"]?.stringValue ?? "", f["offset"]?.int64Value.map { UInt64(max(0, $0)) } ?? 0, f["path"]?.stringValue ?? "",
             f["code"]?.stringValue ?? "", f["message"]?.stringValue ?? "")
        }
        var counts = ["error": 0, "warning": 0, "info": 0]
        var worst = -1
        let inputs: [JSONValue] = order.sorted().map { path in
            let list = (findings[path] ?? [:]).values.sorted { key($0) < key($1) }
            for f in list {
                let s = f["severity"]?.stringValue ?? ""
                counts[s, default: 0] += 1
                worst = max(worst, severityRank[s] ?? -1)
            }
            return .object([JSONMember(key: "path", value: .string(path)), JSONMember(key: "format", value: format[path] ?? .null),
                             JSONMember(key: "load_error", value: loadError[path] ?? .null), JSONMember(key: "findings", value: .array(list))])
        }
        let loadErrors = order.filter { loadError[$0] != .null }.count
        let baselined = parts.map { $0.doc["partial"]?["baselined"]?.int64Value ?? 0 }.max() ?? 0
        let first = parts[0].doc
        let summary: JSONValue = .object([
            JSONMember(key: "errors", value: .int(Int64(counts["error"] ?? 0))), JSONMember(key: "warnings", value: .int(Int64(counts["warning"] ?? 0))),
            JSONMember(key: "infos", value: .int(Int64(counts["info"] ?? 0))), JSONMember(key: "inputs", value: .int(Int64(order.count))),
            JSONMember(key: "load_errors", value: .int(Int64(loadErrors))), JSONMember(key: "baselined", value: .int(baselined)),
        ])
        let doc: JSONValue = .object([
            JSONMember(key: "schema", value: .string("friction.lint/1")), JSONMember(key: "tool", value: first["tool"] ?? .null),
            JSONMember(key: "command", value: first["command"] ?? .null), JSONMember(key: "fail_on", value: first["fail_on"] ?? .null),
            JSONMember(key: "targets", value: first["targets"] ?? .array([])), JSONMember(key: "summary", value: summary),
            JSONMember(key: "inputs", value: .array(inputs)), JSONMember(key: "rules", value: .array(rules.keys.sorted().compactMap { rules[$0] })),
        ])
        let failOn = first["fail_on"]?.stringValue ?? "error"
        let fails = failOn != "never" && worst >= (severityRank[failOn] ?? 2)
        return (doc, loadErrors, fails)
    }
}
