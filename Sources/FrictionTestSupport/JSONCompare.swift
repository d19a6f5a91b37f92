import FrictionCore

extension JSONValue {
    /// Equality that treats numbers by value: `.int(5)`, `.uint(5)` and `.double(5)` are equal,
    /// so values written by Python's json module compare with values friction produced.
    public func sameNumbers(as other: JSONValue) -> Bool {
        switch (self, other) {
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.sameNumbers(as: $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            let index = Dictionary(b.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            return a.allSatisfy { member in index[member.key].map { member.value.sameNumbers(as: $0) } ?? false }
        case (.int, _), (.uint, _), (.double, _):
            switch (self, other) {
            case (.int(let x), .int(let y)): return x == y
            case (.uint(let x), .uint(let y)): return x == y
            case (.int(let x), .uint(let y)), (.uint(let y), .int(let x)): return x >= 0 && UInt64(x) == y
            default:
                guard let x = doubleValue, let y = other.doubleValue else { return false }
                return x == y || (x.isNaN && y.isNaN)
            }
        default:
            return self == other
        }
    }
}
