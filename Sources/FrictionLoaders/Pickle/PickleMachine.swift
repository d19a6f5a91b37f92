import FrictionCore

/// A pickle interpreter for protocols 0 to 5 that builds a value tree and calls nothing: globals
/// become ``PickleNode/Kind/global(module:name:)`` references, REDUCE / NEWOBJ / NEWOBJ_EX / OBJ /
/// INST become recorded applications, BUILD records the state, persistent ids become
/// ``PickleNode/Kind/persistentID(_:)``. Memo indirection, marks and FRAME are handled as CPython's
/// `_pickle.c` handles them. Malformed input and the ``PickleLimits`` stop the machine with a
/// ``PickleResult/Problem`` and keep everything built so far (what the real loader would already
/// have run); nothing traps, nothing allocates more than the input and the limits allow.
public struct PickleMachine {
    let bytes: UnsafeRawBufferPointer
    let limits: PickleLimits
    var cursor: ByteCursor
    var result = PickleResult()
    var stack: [Int] = []
    var marks: [Int] = []
    var memo: [UInt64: Int] = [:]
    var references = 0
    var buffers = 0
    /// Offset of the opcode being executed.
    var at = 0
    /// Nesting of pickles read through joblib object arrays.
    var depth = 0
    /// Opcodes seen so far, by byte.
    var seen = [Bool](repeating: false, count: 256)

    struct Stop: Error { var problem: PickleResult.Problem }

    /// Runs the pickle that starts at `start` in `bytes` up to its STOP opcode.
    public static func run(_ bytes: UnsafeRawBufferPointer, start: Int = 0, limits: PickleLimits = PickleLimits()) -> PickleResult {
        run(bytes, start: start, limits: limits, depth: 0)
    }

    static func run(_ bytes: UnsafeRawBufferPointer, start: Int, limits: PickleLimits, depth: Int) -> PickleResult {
        var machine = PickleMachine(bytes: bytes, limits: limits, cursor: ByteCursor(bytes, position: min(max(start, 0), bytes.count)))
        machine.depth = depth
        do throws(Stop) {
            try machine.loop()
        } catch {
            machine.result.problem = error.problem
            machine.result.end = machine.at
        }
        return machine.result
    }

    func stop(_ code: String, _ message: String) -> Stop {
        Stop(problem: .init(code: code, message: message, offset: at))
    }

    mutating func loop() throws(Stop) {
        while true {
            at = cursor.position
            guard let byte = cursor.u8() else { throw stop("pickle-truncated", "the pickle ends without a STOP opcode") }
            result.opcodeCount += 1
            guard result.opcodeCount <= limits.opcodes else { throw stop("pickle-limit", "more than \(limits.opcodes) opcodes (raise with --limit pickle-opcodes=N)") }
            guard let op = PickleOpcode(rawValue: byte) else {
                throw stop("pickle-opcode", "unknown opcode 0x\(String(byte, radix: 16, uppercase: true))")
            }
            if !seen[Int(byte)] {
                seen[Int(byte)] = true
                result.opcodeUses.append((op.pythonName, at))
            }
            if op == .stop {
                result.root = try pop()
                result.end = cursor.position
                return
            }
            try execute(op)
        }
    }

    // MARK: - Stack, memo and arena

    mutating func make(_ kind: PickleNode.Kind) throws(Stop) -> Int {
        guard result.nodes.count < limits.nodes else { throw stop("pickle-limit", "more than \(limits.nodes) values (raise with --limit pickle-values=N)") }
        result.nodes.append(PickleNode(kind, offset: at))
        return result.nodes.count - 1
    }

    mutating func push(_ id: Int) throws(Stop) {
        guard stack.count + marks.count < limits.stackDepth else { throw stop("pickle-limit", "stack deeper than \(limits.stackDepth) (raise with --limit pickle-stack=N)") }
        stack.append(id)
    }

    mutating func push(_ kind: PickleNode.Kind) throws(Stop) { try push(make(kind)) }

    mutating func pop() throws(Stop) -> Int {
        guard stack.count > (marks.last ?? 0), let top = stack.popLast() else { throw stop("pickle-stack", "stack underflow") }
        return top
    }

    func top() throws(Stop) -> Int {
        guard stack.count > (marks.last ?? 0), let top = stack.last else { throw stop("pickle-stack", "stack underflow") }
        return top
    }

    mutating func pushMark() throws(Stop) {
        guard stack.count + marks.count < limits.stackDepth else { throw stop("pickle-limit", "stack deeper than \(limits.stackDepth) (raise with --limit pickle-stack=N)") }
        marks.append(stack.count)
    }

    /// The values above the topmost mark, removed from the stack with the mark.
    mutating func popMark() throws(Stop) -> [Int] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw stop("pickle-stack", "no MARK on the stack") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    mutating func memoize(_ key: UInt64) throws(Stop) {
        let value = try top()
        if memo[key] == nil {
            guard memo.count < limits.memoEntries else { throw stop("pickle-limit", "more than \(limits.memoEntries) memo entries (raise with --limit pickle-memo=N)") }
        }
        memo[key] = value
    }

    mutating func recall(_ key: UInt64) throws(Stop) {
        guard let value = memo[key] else { throw stop("pickle-memo", "memo key \(key) was never stored") }
        try push(value)
    }

    mutating func count(_ n: Int) throws(Stop) {
        references += n
        guard references <= limits.references else { throw stop("pickle-limit", "more than \(limits.references) elements") }
    }

    mutating func container(_ kind: PickleNode.Kind, _ items: [Int]) throws(Stop) {
        try count(items.count)
        let id = try make(kind)
        result.nodes[id].items = items
        try push(id)
    }

    mutating func addItems(_ items: [Int], to target: Int) throws(Stop) {
        try count(items.count)
        result.nodes[target].items.append(contentsOf: items)
    }

    mutating func setItems(_ pairs: [Int], on target: Int) throws(Stop) {
        guard pairs.count % 2 == 0 else { throw stop("pickle-stack", "SETITEMS with an odd number of values") }
        try count(pairs.count)
        var i = 0
        while i < pairs.count {
            result.nodes[target].keys.append(pairs[i])
            result.nodes[target].values.append(pairs[i + 1])
            i += 2
        }
    }
}
