import FrictionCore

/// The pickle streams found in one input, with the globals they name and the problems met;
/// shared by every loader that meets pickles (raw pickles, object arrays, archive members,
/// torch checkpoints).
struct PickleFindings {
    /// Work bounds for every stream scanned (`--limit pickle-…`).
    var limits = PickleLimits()
    var globals: [PickleGlobalRef] = []
    var streams: [PickleStream] = []
    var issues: [LoadIssue] = []

    /// At most this many stacked pickles are read from one buffer.
    static let maxStacked = 16

    /// Runs the pickle that starts at `start` in `bytes` and records it. `base` is the offset of
    /// `bytes` in `file` (0 for a decoded member named by `member`). With `stacked`, pickles
    /// that follow the first STOP are read too, while they parse (torch's legacy format and
    /// `pickle.load` loops read several). Returns the first stream's result.
    @discardableResult
    mutating func scan(_ bytes: UnsafeRawBufferPointer, start: Int = 0, file: String, base: UInt64 = 0, member: String? = nil,
                       readByTorchLoad: Bool = false, stacked: Bool = false) -> PickleResult {
        let first = record(PickleMachine.run(bytes, start: start, limits: limits), bytes, start: start, file: file, base: base, member: member,
                           readByTorchLoad: readByTorchLoad)
        guard stacked, first.problem == nil else { return first }
        var end = first.end
        var count = 1
        while end < bytes.count, count < Self.maxStacked {
            let next = PickleMachine.run(bytes, start: end, limits: limits)
            let headed = bytes.count - end >= 2 && bytes[end] == 0x80 && (2...5).contains(bytes[end + 1])
            guard next.problem == nil || headed else { break }
            record(next, bytes, start: end, file: file, base: base, member: member, readByTorchLoad: readByTorchLoad)
            count += 1
            guard next.problem == nil else { return first }
            end = next.end
        }
        if end < bytes.count {
            issues.append(LoadIssue(code: "pickle-trailing-data", level: .info,
                                    message: "\(bytes.count - end) bytes after the last pickle's STOP (appended data)",
                                    location: Location(file: file, offset: base + UInt64(end), path: member)))
        }
        return first
    }

    /// Records one run: its globals, stream summary and problem.
    @discardableResult
    mutating func record(_ result: PickleResult, _ bytes: UnsafeRawBufferPointer, start: Int, file: String, base: UInt64,
                         member: String?, readByTorchLoad: Bool, level: Int = 0) -> PickleResult {
        let firstGlobal = globals.count
        globals += PickleLoader.globals(result, bytes, file: file, base: base, member: member)
        let uses = result.opcodeUses.map { PickleStream.OpcodeUse(name: $0.name, offset: base + UInt64($0.offset)) }
        streams.append(PickleStream(location: Location(file: file, offset: base + UInt64(start), path: member),
                                    protocolVersion: result.protocolVersion, opcodes: uses, readByTorchLoad: readByTorchLoad,
                                    globals: firstGlobal..<globals.count))
        if let problem = result.problem { issues.append(PickleLoader.issue(problem, file: file, base: base, member: member)) }
        for region in result.embedded where level < PickleMachine.maxJoblibNesting {
            if region.pickle {
                // A joblib object array: joblib's unpickler runs this nested pickle.
                record(PickleMachine.run(bytes, start: region.range.lowerBound, limits: limits), bytes, start: region.range.lowerBound, file: file,
                       base: base, member: member, readByTorchLoad: false, level: level + 1)
            } else {
                // Raw array data that a plain pickle.load would read as opcodes: its globals count too.
                let probe = PickleMachine.run(bytes, start: region.range.lowerBound, limits: limits)
                if !probe.globals.isEmpty {
                    var quiet = probe
                    quiet.problem = nil
                    record(quiet, bytes, start: region.range.lowerBound, file: file, base: base, member: member, readByTorchLoad: false,
                           level: level + 1)
                }
            }
        }
        return result
    }

    /// Adds everything found to `model` (global indices of the streams shift with it).
    func absorb(into model: inout Model) {
        let shift = model.pickleGlobals.count
        model.pickleGlobals += globals
        model.pickleStreams += streams.map { s in
            var s = s
            s.globals = (s.globals.lowerBound + shift)..<(s.globals.upperBound + shift)
            return s
        }
        model.issues += issues
    }
}
