/// One value built by ``PickleMachine``. Values live in an arena and refer to each other by index,
/// so memo sharing, in-place mutation (APPEND, SETITEMS, BUILD) and cycles behave as in Python
/// without copying, and the arena size bounds the work any pickle can cause.
public struct PickleNode: Sendable, Hashable {
    /// What the value is. Calls are recorded, never made.
    public enum Kind: Sendable, Hashable {
        case none
        case bool(Bool)
        case int(Int64)
        /// An integer outside Int64, as little-endian two's-complement bytes (LONG, LONG1, LONG4).
        case bigInt([UInt8])
        case float(Double)
        case string(String)
        /// Bytes (BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8), as a range of the pickle
        /// buffer, never copied.
        case bytes(offset: Int, count: Int, mutable: Bool)
        /// Containers; their elements are the node's ``PickleNode/items`` (dicts: ``PickleNode/keys``
        /// and ``PickleNode/values``).
        case list, tuple, dict, set, frozenSet
        /// A reference to `module.name` (GLOBAL, STACK_GLOBAL, INST, EXT1/2/4 as `copyreg.extension`).
        case global(module: String, name: String)
        /// `callable(*args)` as REDUCE records it.
        case call(callable: Int, args: Int)
        /// `cls.__new__(cls, *args, **kwargs)` (NEWOBJ, NEWOBJ_EX) or `cls(*args)` (OBJ, INST).
        case newObject(cls: Int, args: Int, kwargs: Int?)
        /// A persistent id (PERSID, BINPERSID): in torch files, a storage reference.
        case persistentID(Int)
        /// An out-of-band buffer (NEXT_BUFFER), numbered in order of appearance.
        case outOfBandBuffer(Int)
    }

    public var kind: Kind
    /// Byte offset in the pickle stream of the opcode that made the value.
    public var offset: Int
    /// Elements: of a list, tuple, set or frozenset, or what APPEND(S) / ADDITEMS added to any
    /// other object (recorded, not called).
    public var items: [Int] = []
    /// Entries: of a dict, or what SETITEM(S) set on any other object (an OrderedDict made by REDUCE).
    public var keys: [Int] = []
    public var values: [Int] = []
    /// States applied by BUILD, in order (`obj.__setstate__(state)` or a `__dict__` update).
    public var states: [Int] = []

    public init(_ kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
    }
}
