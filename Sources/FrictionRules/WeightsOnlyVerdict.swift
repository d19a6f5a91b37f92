import FrictionCore

/// What `torch.load(weights_only=True)` (the default since PyTorch 2.6) would do with a
/// checkpoint, replayed statically from the pickle streams torch reads: its restricted
/// unpickler refuses any opcode outside its subset, any GLOBAL not on its allowlist, and the
/// modules `sys`, `os`, `posix`, `nt` outright; it refuses TorchScript archives. The first
/// refusal in stream order is what the user would see.
public enum WeightsOnlyVerdict: Sendable, Hashable {
    case loads
    /// Refused, with the reason and where.
    case refused(reason: String, location: Location)
    /// Not a torch checkpoint: `torch.load` reads it as neither zip nor legacy format.
    case notApplicable

    /// The opcodes `torch/_weights_only_unpickler.py` (2.13) executes.
    public static let opcodes: Set<String> = [
        "PROTO", "STOP", "GLOBAL", "NEWOBJ", "REDUCE", "BUILD", "APPEND", "APPENDS", "SETITEM", "SETITEMS", "MARK",
        "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3", "NONE", "NEWTRUE", "NEWFALSE", "EMPTY_TUPLE", "EMPTY_LIST", "EMPTY_DICT",
        "EMPTY_SET", "BININT", "BININT1", "BININT2", "BINFLOAT", "BINUNICODE", "SHORT_BINSTRING", "LONG1", "BINPERSID",
        "BINGET", "LONG_BINGET", "BINPUT", "LONG_BINPUT",
    ]
    /// Loader issues that mean torch.load fails on the container before unpickling.
    public static let archiveRefusals: Set<String> = ["torch-not-a-zip", "torch-unsupported-record"]
    /// Modules refused even when a user allowlists them.
    public static let blockedModules: Set<String> = ["sys", "os", "posix", "nt"]

    /// The verdict for `model` under `policy`'s weights_only allowlist.
    public static func evaluate(_ model: Model, policy: PickleGlobalPolicy) -> WeightsOnlyVerdict {
        guard model.format == .pytorch || model.pickleStreams.contains(where: \.readByTorchLoad) else { return .notApplicable }
        if model.properties["pytorch.layout"] == "torchscript" || model.issues.contains(where: { $0.code == "torch-torchscript" }) {
            let at = model.issues.first { $0.code == "torch-torchscript" }?.location ?? Location(file: model.path)
            return .refused(reason: "it is a TorchScript archive (torch.load refuses those with weights_only=True; use torch.jit.load)", location: at)
        }
        // The archive itself is refused before any pickle is read.
        if let refusal = model.issues.first(where: { Self.archiveRefusals.contains($0.code) }) {
            return .refused(reason: refusal.message, location: refusal.location)
        }
        var first: (offset: UInt64, reason: String, location: Location)?
        func consider(_ offset: UInt64, _ reason: String, _ location: Location) {
            if first.map({ offset < $0.offset }) ?? true { first = (offset, reason, location) }
        }
        for stream in model.pickleStreams where stream.readByTorchLoad {
            first = nil
            if let op = stream.opcodes.first(where: { !opcodes.contains($0.name) }) {
                var at = stream.location
                at.offset = op.offset
                consider(op.offset, "opcode \(op.name) at byte \(op.offset) is outside its opcode subset", at)
            }
            for g in model.pickleGlobals[stream.globals] {
                let offset = g.location.offset ?? 0
                if g.opcode != "GLOBAL" {
                    consider(offset, "\(g.opcode) \(g.dottedPath) at byte \(offset): only the GLOBAL opcode is accepted", g.location)
                } else if blockedModules.contains(g.module) {
                    consider(offset, "GLOBAL \(g.dottedPath) at byte \(offset): module \(g.module) is always blocked", g.location)
                } else if policy.classify(module: g.module, name: g.name) != .weightsOnly {
                    consider(offset, "GLOBAL \(g.dottedPath) at byte \(offset) is not on its allowlist", g.location)
                }
            }
            if let first { return .refused(reason: first.reason, location: first.location) }
        }
        return .loads
    }

    /// One line for reports: `loads`, or `refused: <reason>`.
    public var summary: String? {
        switch self {
        case .loads: "loads"
        case .refused(let reason, _): "refused: " + reason
        case .notApplicable: nil
        }
    }
}
