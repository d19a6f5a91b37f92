import FrictionCore

/// Raw pickle files (.pkl, joblib-style dumps, or a pickle under any other name): runs
/// ``PickleMachine`` — which calls nothing — and records every global the stream names. A stream
/// that stops early still yields the globals before the stop, since the real loader would have
/// imported and called them by then.
enum PickleLoader {
    /// Protocol 2–5 streams start with PROTO and their version.
    static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 3 && bytes[0] == 0x80 && (2...5).contains(bytes[1])
    }

    /// Protocol 0/1 streams have no header: they match when the machine runs them to STOP
    /// (bounded work; text and binary files of other kinds stop at their first bytes).
    static func matchesHeaderless(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let first = bytes.first, PickleOpcode(rawValue: first) != nil, first != 0x80 else { return false }
        let result = PickleMachine.run(bytes, limits: PickleLimits(opcodes: 1_000_000))
        return result.problem == nil && result.root != nil
    }

    /// The opcode that made a global node, by its byte.
    static func opcodeName(_ byte: UInt8) -> String {
        switch PickleOpcode(rawValue: byte) {
        case .global: "GLOBAL"
        case .stackGlobal: "STACK_GLOBAL"
        case .inst: "INST"
        case .ext1, .ext2, .ext4: "EXT"
        default: "?"
        }
    }

    /// The globals of one run, located in `file` (and `member`, for pickles inside archives).
    static func globals(_ result: PickleResult, _ bytes: UnsafeRawBufferPointer, file: String, base: UInt64 = 0, member: String? = nil) -> [PickleGlobalRef] {
        result.globals.map { g in
            let op = g.offset < bytes.count ? opcodeName(bytes[g.offset]) : "?"
            return PickleGlobalRef(module: g.module, name: g.name, opcode: op,
                                   location: Location(file: file, offset: base + UInt64(g.offset), path: member))
        }
    }

    /// The problem that stopped a run, as a load issue with the machine's code (`pickle-truncated` …).
    static func issue(_ problem: PickleResult.Problem, file: String, base: UInt64 = 0, member: String? = nil) -> LoadIssue {
        LoadIssue(code: problem.code, message: problem.message,
                  location: Location(file: file, offset: base + UInt64(problem.offset), path: member))
    }

    static func load(_ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> Model {
        var findings = PickleFindings(limits: ctx.options.pickle)
        let result = findings.scan(bytes, file: ctx.file, stacked: true)
        var model = Model(path: ctx.file, format: .pickle, sources: [ctx.source(.pickle, decodedSize: bytes.count)])
        findings.absorb(into: &model)
        model.properties["pickle.protocol"] = String(result.protocolVersion)
        model.properties["pickle.opcodes"] = String(result.opcodeCount)
        if findings.streams.count > 1 { model.properties["pickle.streams"] = String(findings.streams.count) }
        return model
    }
}
