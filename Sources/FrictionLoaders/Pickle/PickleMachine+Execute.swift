import FrictionCore

extension PickleMachine {
    /// Executes one opcode (STOP is handled by the loop).
    mutating func execute(_ op: PickleOpcode) throws(Stop) {
        switch op {
        case .stop: break
        case .mark: try pushMark()
        case .pop:
            // CPython: with an empty stack above the mark, POP discards the mark.
            if stack.count > (marks.last ?? 0) { _ = stack.popLast() } else { _ = try popMark() }
        case .popMark: _ = try popMark()
        case .dup: try push(top())
        case .none: try push(.none)
        case .newTrue: try push(.bool(true))
        case .newFalse: try push(.bool(false))
        case .int: try push(integerLine())
        case .long: try push(longLine())
        case .binInt: try push(.int(Int64(try fixed(4, signed: true))))
        case .binInt1: try push(.int(Int64(try fixed(1, signed: false))))
        case .binInt2: try push(.int(Int64(try fixed(2, signed: false))))
        case .long1: try push(longBytes(try length(1)))
        case .long4: try push(longBytes(try length(4, signed: true)))
        case .float:
            let line = try numberLine()
            guard let v = Double(line) else { throw stop("pickle-value", "FLOAT '\(line.prefix(40))' is not a number") }
            try push(.float(v))
        case .binFloat:
            guard let raw = cursor.u64() else { throw truncated() }
            try push(.float(Double(bitPattern: UInt64(bigEndian: raw))))
        case .string: try push(.string(try quotedString()))
        case .binString: try push(.string(try decoded(try length(4, signed: true), utf8Only: false)))
        case .shortBinString: try push(.string(try decoded(try length(1), utf8Only: false)))
        case .unicode: try push(.string(rawUnicodeEscape(try textLine(latin1: true))))
        case .binUnicode: try push(.string(try decoded(try length(4), utf8Only: true)))
        case .shortBinUnicode: try push(.string(try decoded(try length(1), utf8Only: true)))
        case .binUnicode8: try push(.string(try decoded(try length(8), utf8Only: true)))
        case .binBytes: try push(try byteRange(try length(4), mutable: false))
        case .shortBinBytes: try push(try byteRange(try length(1), mutable: false))
        case .binBytes8: try push(try byteRange(try length(8), mutable: false))
        case .byteArray8: try push(try byteRange(try length(8), mutable: true))
        case .nextBuffer:
            buffers += 1
            try push(.outOfBandBuffer(buffers - 1))
        case .readonlyBuffer: _ = try top()
        case .emptyList: try container(.list, [])
        case .emptyDict: try container(.dict, [])
        case .emptyTuple: try container(.tuple, [])
        case .emptySet: try container(.set, [])
        case .list: try container(.list, try popMark())
        case .tuple: try container(.tuple, try popMark())
        case .frozenSet: try container(.frozenSet, try popMark())
        case .tuple1, .tuple2, .tuple3:
            let n = Int(op.rawValue - PickleOpcode.tuple1.rawValue) + 1
            var items: [Int] = []
            for _ in 0..<n { items.append(try pop()) }
            try container(.tuple, items.reversed())
        case .dict:
            let pairs = try popMark()
            try container(.dict, [])
            try setItems(pairs, on: try top())
        case .append:
            let value = try pop()
            try addItems([value], to: try top())
        case .appends, .addItems:
            let items = try popMark()
            try addItems(items, to: try top())
        case .setItem:
            let value = try pop(), key = try pop()
            try setItems([key, value], on: try top())
        case .setItems:
            let pairs = try popMark()
            try setItems(pairs, on: try top())
        case .build:
            let state = try pop()
            let target = try top()
            try count(1)
            result.nodes[target].states.append(state)
            try skipJoblibArray(target: target, state: state)
        case .get: try recall(try decimalKey())
        case .binGet: try recall(UInt64(try fixed(1, signed: false)))
        case .longBinGet: try recall(UInt64(try fixed(4, signed: false)))
        case .put: try memoize(try decimalKey())
        case .binPut: try memoize(UInt64(try fixed(1, signed: false)))
        case .longBinPut: try memoize(UInt64(try fixed(4, signed: false)))
        case .memoize: try memoize(UInt64(memo.count))
        case .global:
            let module = try textLine(), name = try textLine()
            try push(.global(module: module, name: name))
        case .stackGlobal:
            let nameID = try pop(), moduleID = try pop()
            guard case .string(let name) = result.nodes[nameID].kind, case .string(let module) = result.nodes[moduleID].kind else {
                throw stop("pickle-unresolved-global", "STACK_GLOBAL operands are not two strings: the global cannot be resolved statically")
            }
            try push(.global(module: module, name: name))
        case .inst:
            let module = try textLine(), name = try textLine()
            let items = try popMark()
            let cls = try make(.global(module: module, name: name))
            try container(.tuple, items)
            let args = try pop()
            try push(.newObject(cls: cls, args: args, kwargs: nil))
        case .obj:
            let items = try popMark()
            guard let cls = items.first else { throw stop("pickle-stack", "OBJ without a class") }
            try container(.tuple, Array(items.dropFirst()))
            let args = try pop()
            try push(.newObject(cls: cls, args: args, kwargs: nil))
        case .newObj:
            let args = try pop(), cls = try pop()
            try push(.newObject(cls: cls, args: args, kwargs: nil))
        case .newObjEx:
            let kwargs = try pop(), args = try pop(), cls = try pop()
            try push(.newObject(cls: cls, args: args, kwargs: kwargs))
        case .reduce:
            let args = try pop(), callable = try pop()
            try push(.call(callable: callable, args: args))
        case .persID:
            let pid = try make(.string(try textLine()))
            try push(.persistentID(pid))
        case .binPersID: try push(.persistentID(try pop()))
        case .ext1, .ext2, .ext4:
            let code = try fixed(op == .ext1 ? 1 : op == .ext2 ? 2 : 4, signed: false)
            try push(.global(module: "copyreg", name: "_inverted_registry[\(code)]"))
        case .proto:
            let version = try fixed(1, signed: false)
            guard version <= 5 else { throw stop("pickle-protocol", "protocol \(version) is newer than 5") }
            result.protocolVersion = Int(version)
        case .frame:
            let size = try length(8)
            guard cursor.has(UInt64(size)) else { throw stop("pickle-truncated", "FRAME of \(size) bytes but \(cursor.remaining) remain") }
        }
    }
}
