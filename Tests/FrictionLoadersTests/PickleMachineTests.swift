import FrictionCore
@testable import FrictionLoaders
import FrictionTestSupport
import Foundation
import Testing

/// The non-executing pickle machine against CPython's pickle (fixtures/pickle, gen_pickle.py)
/// and against hand-assembled hostile and malformed streams.
@Suite struct PickleMachineTests {
    static let rows: [JSONValue] = {
        guard case .array(let rows) = Fixtures.json("fixtures/pickle/values.json") else { return [] }
        return rows
    }()
    static let names = rows.compactMap { row in row["name"]?.stringValue.map { "\($0) p\(row["protocol"]?.int64Value ?? -1)" } }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = hex.utf8.makeIterator()
        while let a = it.next(), let b = it.next() {
            out.append(UInt8(String(decoding: [a, b], as: UTF8.self), radix: 16) ?? 0)
        }
        return out
    }

    static func run(_ data: [UInt8], limits: PickleLimits = PickleLimits()) -> PickleResult {
        data.withUnsafeBytes { PickleMachine.run($0, limits: limits) }
    }

    @Test func theOpcodeTableIsCPythons() {
        guard case .array(let table) = Fixtures.json("fixtures/pickle/opcodes.json") else { Issue.record("no table"); return }
        let reference = Set(table.compactMap { $0["code"]?.int64Value.map { UInt8($0) } })
        #expect(table.count == 68)
        #expect(Set(PickleOpcode.allCases.map(\.rawValue)) == reference)
    }

    @Test(arguments: names)
    func cpythonPicklesLoadToTheSameValue(name: String) throws {
        let row = try #require(Self.rows.first { "\($0["name"]?.stringValue ?? "") p\($0["protocol"]?.int64Value ?? -1)" == name })
        let data = Self.bytes(hex: row["pickle"]?.stringValue ?? "")
        let result = Self.run(data)
        #expect(result.problem == nil, "\(name): \(String(describing: result.problem))")
        #expect(result.end == data.count)
        #expect(result.globals.isEmpty)
        #expect(result.protocolVersion == (row["protocol"]?.int64Value.map(Int.init) ?? -1) || row["protocol"]?.int64Value ?? 0 < 2)
        let root = try #require(result.root)
        #expect(PickleRender.render(root, result, data) == row["render"]?.stringValue, "\(name)")
    }

    @Test func globalsAndCallsAreRecordedNotMade() throws {
        // Protocol 0: os.system('echo hi') via GLOBAL + REDUCE.
        let p0 = Array("cos\nsystem\n(S'echo hi'\ntR.".utf8)
        let r0 = Self.run(p0)
        #expect(r0.problem == nil)
        #expect(r0.globals.map { "\($0.module).\($0.name)@\($0.offset)" } == ["os.system@0"])
        guard case .call(let callable, let args)? = r0.root.map({ r0.nodes[$0].kind }) else { Issue.record("no call"); return }
        #expect(r0.nodes[callable].kind == .global(module: "os", name: "system"))
        #expect(PickleRender.render(args, r0, p0) == "(s" + Array("echo hi".utf8).map { String(format: "%02x", $0) }.joined() + ")")

        // Protocol 4: STACK_GLOBAL whose names come through the memo.
        var p4: [UInt8] = [0x80, 0x04, 0x8C, 0x02] + Array("os".utf8) + [0x94, 0x8C, 0x06] + Array("system".utf8) + [0x94]
        p4 += [0x68, 0x00, 0x68, 0x01, 0x93, 0x8C, 0x02] + Array("id".utf8) + [0x85, 0x52, 0x2E]
        let r4 = Self.run(p4)
        #expect(r4.problem == nil)
        #expect(r4.globals.map { "\($0.module).\($0.name)@\($0.offset)" } == ["os.system@20"])
    }

    @Test func torchStyleStateDictKeepsEntriesAndPersistentIDs() throws {
        // collections.OrderedDict() then SETITEMS {'w': BINPERSID(('storage', 'FloatStorage', '0', 'cpu', 4))}.
        var p: [UInt8] = [0x80, 0x02, 0x63] + Array("collections\nOrderedDict\n".utf8) + [0x71, 0x00, 0x29, 0x52, 0x71, 0x01]
        p += [0x28, 0x58, 0x01, 0, 0, 0, 0x77, 0x28, 0x58, 0x07, 0, 0, 0] + Array("storage".utf8)
        p += [0x63] + Array("torch\nFloatStorage\n".utf8) + [0x58, 0x01, 0, 0, 0, 0x30, 0x58, 0x03, 0, 0, 0] + Array("cpu".utf8)
        p += [0x4B, 0x04, 0x74, 0x51, 0x75, 0x2E]
        let r = Self.run(p)
        #expect(r.problem == nil)
        let root = try #require(r.root)
        #expect(r.nodes[root].keys.count == 1 && r.nodes[root].values.count == 1)
        guard case .persistentID(let pid) = r.nodes[r.nodes[root].values[0]].kind else { Issue.record("no persistent id"); return }
        #expect(r.nodes[pid].items.count == 5)
        #expect(r.globals.map(\.name) == ["OrderedDict", "FloatStorage"])
    }

    @Test(arguments: [
        ([0x4E], "pickle-truncated"),                                  // no STOP
        ([0xFF, 0x2E], "pickle-opcode"),                               // unknown opcode
        ([0x2E], "pickle-stack"),                                      // STOP on an empty stack
        ([0x68, 0x05, 0x2E], "pickle-memo"),                           // BINGET of a key never stored
        ([0x80, 0x06, 0x4E, 0x2E], "pickle-protocol"),                 // protocol 6
        ([0x58, 0xFF, 0xFF, 0xFF, 0x7F, 0x61], "pickle-truncated"),    // BINUNICODE longer than the file
        ([0x8B, 0xFF, 0xFF, 0xFF, 0xFF, 0x2E], "pickle-value"),        // LONG4 with a negative length
        ([0x95, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x2E], "pickle-truncated"),  // FRAME past the end
        ([0x8C, 0x02, 0xC3, 0x28, 0x2E], "pickle-value"),              // SHORT_BINUNICODE not UTF-8
        ([0x4E, 0x4E, 0x93, 0x2E], "pickle-unresolved-global"),        // STACK_GLOBAL of non-strings
        ([0x31, 0x2E], "pickle-stack"),                                // POP_MARK without MARK
        ([0x28, 0x4E, 0x4E, 0x75, 0x4E, 0x2E], "pickle-stack"),        // SETITEMS with no target under the mark
    ] as [([UInt8], String)])
    func malformedStreamsStopWithACode(data: [UInt8], code: String) {
        let r = Self.run(data)
        #expect(r.problem?.code == code, "\(data): \(String(describing: r.problem))")
        #expect(r.root == nil)
    }

    @Test func globalsBeforeAnErrorAreStillReported() {
        let data = Array("cposix\nsystem\n".utf8) + [0xFF]
        let r = Self.run(data)
        #expect(r.problem?.code == "pickle-opcode" && r.problem?.offset == 14)
        #expect(r.globals.map(\.module) == ["posix"])
    }

    @Test func limitsStopBillionLaughsAndDeepNesting() {
        // A list appended to itself over and over (shared by id: no blow-up, but counted).
        var laughs: [UInt8] = [0x5D, 0x71, 0x00]
        for _ in 0..<5000 { laughs += [0x68, 0x00, 0x61] }
        laughs += [0x2E]
        let ok = Self.run(laughs)
        #expect(ok.problem == nil && ok.nodes.count == 1)
        #expect(Self.run(laughs, limits: PickleLimits(references: 1000)).problem?.code == "pickle-limit")
        #expect(Self.run(laughs, limits: PickleLimits(opcodes: 100)).problem?.code == "pickle-limit")
        let deep = [UInt8](repeating: 0x28, count: 100_000) + [0x2E]
        #expect(Self.run(deep, limits: PickleLimits(stackDepth: 1000)).problem?.code == "pickle-limit")
        var memo: [UInt8] = [0x4E]
        for _ in 0..<2000 { memo += [0x94] }
        #expect(Self.run(memo + [0x2E], limits: PickleLimits(memoEntries: 1000)).problem?.code == "pickle-limit")
        let many = [UInt8](repeating: 0x4E, count: 5000) + [0x2E]
        #expect(Self.run(many, limits: PickleLimits(nodes: 1000)).problem?.code == "pickle-limit")
    }

    @Test func protocolZeroTextOperands() {
        // INT bools, memo PUT/GET, a decimal LONG beyond Int64, FLOAT, a quoted STRING with escapes, UNICODE.
        let fixed = Array("(I01\np0\nI00\nL-123456789012345678901234567890L\nF1.5\nS'a\\'b\\x41'\nVx\\u20acy\ng0\nl.".utf8)
        let r = Self.run(fixed)
        #expect(r.problem == nil, "\(String(describing: r.problem))")
        let root = r.root ?? 0
        let expected = ["T", "F", "i-123456789012345678901234567890", "f3ff8000000000000",
                        "s" + Array("a'bA".utf8).map { String(format: "%02x", $0) }.joined(),
                        "s" + Array("x€y".utf8).map { String(format: "%02x", $0) }.joined(), "T"]
        #expect(PickleRender.render(root, r, fixed) == "[" + expected.joined(separator: ",") + "]")
    }

    /// Every byte of every fixture pickle replaced by a few values: the machine and the loader
    /// must stop cleanly (a trap here kills the test process).
    @Test func everySingleByteMutationStopsCleanly() throws {
        let dir = Fixtures.path("pickle")
        let files = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? [])
            .filter { ($0.hasPrefix("hostile/") || $0.hasPrefix("benign/")) && !$0.hasSuffix(".zst") }.sorted()
        #expect(files.count >= 40)
        var runs = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: dir + "/" + file) else { continue }
            var bytes = Array(data)
            for i in bytes.indices {
                let original = bytes[i]
                for v: UInt8 in [0x00, 0xFF, 0x80, 0x28, 0x93, 0x2E] where v != original {
                    bytes[i] = v
                    let r = Self.run(bytes, limits: PickleLimits(opcodes: 100_000))
                    #expect(r.end <= bytes.count)
                    _ = bytes.withUnsafeBytes { try? ModelLoader.load(bytes: $0, name: file) }
                    runs += 1
                }
                bytes[i] = original
            }
        }
        #expect(runs > 1000)
    }

    /// joblib.dump files (fixtures/generate/joblib_layout.py, joblib 1.x layout): the raw array
    /// bytes after each NumpyArrayWrapper are stepped over (padding byte, padding, elements) and
    /// object arrays are read as nested pickles, so the stream runs to its STOP at the end.
    @Test(arguments: ["model_p2.joblib", "model_p4.joblib"])
    func joblibArraysAreSteppedOver(name: String) throws {
        let data = try #require(FileManager.default.contents(atPath: Fixtures.path("pickle/benign/" + name)).map(Array.init))
        let result = Self.run(data)
        #expect(result.problem == nil, "\(String(describing: result.problem))")
        #expect(result.end == data.count)
        // coef (f8), idx (i4), labels (object: a nested pickle), fortran (f4).
        #expect(result.embedded.map(\.pickle) == [false, false, true, false])
        // Each raw range: a padding-length byte, padding to a 16-byte boundary, then the elements.
        let raw = result.embedded.filter { !$0.pickle }.map(\.range)
        #expect(raw.map { $0.count - 1 - Int(data[$0.lowerBound]) } == [96, 20, 24])
        #expect(raw.allSatisfy { ($0.lowerBound + 1 + Int(data[$0.lowerBound])) % 16 == 0 })
    }
}

