/// A global a pickle stream names (GLOBAL, STACK_GLOBAL, INST or EXT): loading the pickle would
/// import it and, through REDUCE / NEWOBJ / BUILD, call it. friction only records it.
public struct PickleGlobalRef: Sendable, Hashable {
    public var module: String
    /// The attribute name; may be a dotted qualified name (`a.b`) from protocol 4.
    public var name: String
    /// The opcode that named it (`GLOBAL`, `STACK_GLOBAL`, `INST`, `EXT`).
    public var opcode: String
    /// The file and byte offset of that opcode (and the member, for pickles inside archives).
    public var location: Location

    public init(module: String, name: String, opcode: String, location: Location) {
        self.module = module
        self.name = name
        self.opcode = opcode
        self.location = location
    }

    /// `module.name`.
    public var dottedPath: String { module + "." + name }
}
