/// Bounds on the work one pickle may cause in ``PickleMachine``; reaching one stops the machine
/// with a `pickle-limit` problem (a finding), never a hang or an unbounded allocation.
public struct PickleLimits: Sendable, Hashable {
    /// Opcodes executed.
    public var opcodes: Int
    /// Values on the stack plus open marks.
    public var stackDepth: Int
    /// Memo entries.
    public var memoEntries: Int
    /// Values created (the arena size).
    public var nodes: Int
    /// Elements, entries and states attached to values, all together.
    public var references: Int

    public init(opcodes: Int = 50_000_000, stackDepth: Int = 1_000_000, memoEntries: Int = 4_000_000,
                nodes: Int = 4_000_000, references: Int = 16_000_000) {
        self.opcodes = opcodes
        self.stackDepth = stackDepth
        self.memoEntries = memoEntries
        self.nodes = nodes
        self.references = references
    }
}
