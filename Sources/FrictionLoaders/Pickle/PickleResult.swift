/// What ``PickleMachine`` built from one pickle stream: every value, the root, and where and why
/// it stopped early, if it did.
public struct PickleResult: Sendable {
    /// Why the machine stopped before STOP: a kebab-case code (`pickle-truncated`,
    /// `pickle-opcode`, `pickle-stack`, `pickle-memo`, `pickle-value`, `pickle-unresolved-global`, `pickle-limit`,
    /// `pickle-protocol`), a message and the byte offset of the opcode.
    public struct Problem: Sendable, Hashable {
        public var code: String
        public var message: String
        public var offset: Int
    }

    /// The value arena; nodes refer to each other by index.
    public var nodes: [PickleNode] = []
    /// The value STOP returned (nil if the machine stopped early).
    public var root: Int?
    /// The offset just past STOP, or where the machine stopped.
    public var end: Int = 0
    /// The protocol from the PROTO opcode (0 when there is none).
    public var protocolVersion = 0
    /// Opcodes executed.
    public var opcodeCount = 0
    public var problem: Problem?
    /// Each distinct opcode executed (CPython's name) with the offset of its first use, in order
    /// of first use: what `torch.load(weights_only=True)`'s opcode subset is checked against.
    public var opcodeUses: [(name: String, offset: Int)] = []
    /// Byte ranges read outside the pickle stream (joblib array data after a
    /// `NumpyArrayWrapper`), and whether each holds a nested pickle (object arrays).
    public var embedded: [(range: Range<Int>, pickle: Bool)] = []

    /// Every global the stream references, in order of appearance, with its opcode's offset —
    /// including those made before an error, since the real loader would already have run them.
    public var globals: [(module: String, name: String, offset: Int)] {
        nodes.compactMap { node in
            if case .global(let module, let name) = node.kind { return (module, name, node.offset) }
            return nil
        }
    }
}
