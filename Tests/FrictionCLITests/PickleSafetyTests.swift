import FrictionCore
import FrictionTestSupport
import Foundation
import Testing

/// `friction lint` and `inspect` on the hostile and benign pickles of fixtures/pickle
/// (expected.json, written by gen_pickle.py): every hostile file gets its error-level SEC finding
/// naming the global and the byte offset of the opcode that names it; no benign file gets any.
@Suite struct PickleSafetyTests {
    static let expected: [JSONValue] = {
        guard case .array(let rows) = Fixtures.json("fixtures/pickle/expected.json") else { return [] }
        return rows
    }()
    static let paths = expected.compactMap { $0["path"]?.stringValue }

    static func findings(_ run: RunResult) throws -> [JSONValue] {
        let doc = try JSONParser.parse(Array(run.stdout.utf8)).value
        guard case .array(let inputs)? = doc["inputs"], case .array(let findings)? = inputs.first?["findings"] else { return [] }
        return findings
    }

    @Test func thereAreAtLeastThirtyHostileFixtures() {
        #expect(Self.expected.filter { $0["rule"]?.stringValue != nil }.count >= 30)
        #expect(Self.expected.filter { $0["rule"] == .null }.count >= 5)
    }

    @Test(arguments: paths)
    func lintFlagsExactlyTheHostileOnes(path: String) throws {
        let row = try #require(Self.expected.first { $0["path"]?.stringValue == path })
        let run = FrictionBinary.run(["lint", "--format", "json", Fixtures.path(path)])
        #expect(!run.signaled)
        let findings = try Self.findings(run)
        let security = findings.filter { $0["code"]?.stringValue?.hasPrefix("SEC") == true }
        guard let rule = row["rule"]?.stringValue else {
            #expect(security.isEmpty, "\(path): \(security)")
            #expect(run.status == 0, "\(path): exit \(run.status) \(run.stderr)")
            return
        }
        #expect(run.status == 1, "\(path): exit \(run.status) \(run.stderr)")
        let offset = row["offset"]?.int64Value ?? -1
        let hit = security.first { $0["code"]?.stringValue == rule && $0["offset"]?.int64Value == offset }
        #expect(hit?["severity"]?.stringValue == "error", "\(path): no error \(rule) at \(offset): \(security)")
        if let name = row["global"]?.stringValue, !name.isEmpty {
            #expect(hit?["message"]?.stringValue?.contains(name) == true, "\(path): \(String(describing: hit))")
            #expect(hit?["message"]?.stringValue?.contains("at byte \(offset)") == true)
        }
    }

    @Test func inspectListsTheGlobalsWithOffsets() throws {
        let run = FrictionBinary.run(["inspect", "--format", "json", Fixtures.path("pickle/benign/state_dict_like.pkl")])
        #expect(run.status == 0)
        let doc = try JSONParser.parse(Array(run.stdout.utf8)).value
        guard case .array(let inputs)? = doc["inputs"], case .array(let globals)? = inputs.first?["pickle_globals"] else {
            Issue.record("no pickle_globals: \(run.stdout)")
            return
        }
        #expect(globals.map { "\($0["module"]?.stringValue ?? "").\($0["name"]?.stringValue ?? "")@\($0["offset"]?.int64Value ?? -1)" }
                == ["collections.OrderedDict@2", "torch._utils._rebuild_tensor_v2@42", "torch.FloatStorage@93"])
        let text = FrictionBinary.run(["inspect", Fixtures.path("pickle/hostile/memo_indirection.pkl")])
        #expect(text.stdout.contains("subprocess.Popen  STACK_GLOBAL"))
    }
}

/// `friction lint` on the torch fixtures (fixtures/torch/expected.json, gen_torch.py): every
/// hand-assembled hostile archive gets an error-level SEC004 naming the global, its byte offset
/// and the member path; torch-written checkpoints get no pickle-global finding at all.
@Suite struct TorchSafetyTests {
    static let files: [JSONMember] = {
        guard case .object(let files)? = Fixtures.json("fixtures/torch/expected.json")["files"] else { return [] }
        return files
    }()
    static let hostile = files.filter { $0.value["hostile"] != nil }.map(\.key).sorted()
    static let benign = files.filter { $0.value["hostile"] == nil }.map(\.key).sorted()

    @Test(arguments: hostile)
    func everyHostileArchiveIsFlagged(name: String) throws {
        let row = try #require(Self.files.first { $0.key == name }?.value)
        let run = FrictionBinary.run(["lint", "--format", "json", Fixtures.path("torch/" + name)])
        #expect(!run.signaled)
        #expect(run.status == 1, "\(name): exit \(run.status) \(run.stderr)")
        let findings = try PickleSafetyTests.findings(run)
        guard case .array(let globals)? = row["globals"] else { Issue.record("\(name): no globals"); return }
        for g in globals {
            let global = g["global"]?.stringValue ?? "?"
            let offset = g["offset"]?.int64Value ?? -1
            let hit = findings.first { $0["code"]?.stringValue == "SEC004" && $0["offset"]?.int64Value == offset }
            #expect(hit?["severity"]?.stringValue == "error", "\(name): no SEC004 at \(offset): \(findings)")
            #expect(hit?["message"]?.stringValue?.contains(global) == true, "\(name): \(String(describing: hit))")
            if let member = g["member"]?.stringValue {
                #expect(hit?["path"]?.stringValue == member, "\(name): \(String(describing: hit))")
            }
        }
    }

    @Test(arguments: benign)
    func torchWrittenFilesNameNoSuspiciousGlobal(name: String) throws {
        let run = FrictionBinary.run(["lint", "--format", "json", Fixtures.path("torch/" + name)])
        #expect(!run.signaled)
        let findings = try PickleSafetyTests.findings(run)
        let globals = findings.filter { ["SEC004", "SEC005", "SEC006"].contains($0["code"]?.stringValue ?? "") }
        #expect(globals.isEmpty, "\(name): \(globals)")
        let anomalies = findings.filter { $0["code"]?.stringValue == "SEC009" }
        #expect(anomalies.isEmpty == !name.hasPrefix("anomaly_") || name == "anomaly_extra_member.pt" || name == "anomaly_top_dir.pt",
                "\(name): \(anomalies)")
    }
}
