extension PickleOpcode {
    /// CPython's name for the opcode (`pickletools`), e.g. `SHORT_BINUNICODE`.
    var pythonName: String { Self.pythonNames[self] ?? "?" }

    /// Every opcode's CPython name; a test checks the table against `pickletools`.
    static let pythonNames: [PickleOpcode: String] = [
        .mark: "MARK", .stop: "STOP", .pop: "POP", .popMark: "POP_MARK", .dup: "DUP", .float: "FLOAT", .int: "INT",
        .binInt: "BININT", .binInt1: "BININT1", .long: "LONG", .binInt2: "BININT2", .none: "NONE", .persID: "PERSID",
        .binPersID: "BINPERSID", .reduce: "REDUCE", .string: "STRING", .binString: "BINSTRING",
        .shortBinString: "SHORT_BINSTRING", .unicode: "UNICODE", .binUnicode: "BINUNICODE", .append: "APPEND",
        .build: "BUILD", .global: "GLOBAL", .dict: "DICT", .emptyDict: "EMPTY_DICT", .appends: "APPENDS", .get: "GET",
        .binGet: "BINGET", .inst: "INST", .longBinGet: "LONG_BINGET", .list: "LIST", .emptyList: "EMPTY_LIST",
        .obj: "OBJ", .put: "PUT", .binPut: "BINPUT", .longBinPut: "LONG_BINPUT", .setItem: "SETITEM", .tuple: "TUPLE",
        .emptyTuple: "EMPTY_TUPLE", .setItems: "SETITEMS", .binFloat: "BINFLOAT", .proto: "PROTO", .newObj: "NEWOBJ",
        .ext1: "EXT1", .ext2: "EXT2", .ext4: "EXT4", .tuple1: "TUPLE1", .tuple2: "TUPLE2", .tuple3: "TUPLE3",
        .newTrue: "NEWTRUE", .newFalse: "NEWFALSE", .long1: "LONG1", .long4: "LONG4", .binBytes: "BINBYTES",
        .shortBinBytes: "SHORT_BINBYTES", .shortBinUnicode: "SHORT_BINUNICODE", .binUnicode8: "BINUNICODE8",
        .binBytes8: "BINBYTES8", .emptySet: "EMPTY_SET", .addItems: "ADDITEMS", .frozenSet: "FROZENSET",
        .newObjEx: "NEWOBJ_EX", .stackGlobal: "STACK_GLOBAL", .memoize: "MEMOIZE", .frame: "FRAME",
        .byteArray8: "BYTEARRAY8", .nextBuffer: "NEXT_BUFFER", .readonlyBuffer: "READONLY_BUFFER",
    ]
}
