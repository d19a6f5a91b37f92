import FrictionLoaders

/// The canonical rendering of gen_pickle.py, computed from the machine's value tree (tests only).
enum PickleRender {
    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// Decimal of a little-endian two's-complement integer.
    static func decimal(_ le: [UInt8]) -> String {
        let negative = (le.last ?? 0) & 0x80 != 0
        var mag = le
        if negative {
            var carry: UInt16 = 1
            for k in mag.indices {
                let v = UInt16(~mag[k]) + carry
                mag[k] = UInt8(v & 0xFF)
                carry = v >> 8
            }
        }
        var digits: [Character] = []
        var words = Array(mag.reversed())  // big-endian
        while words.contains(where: { $0 != 0 }) {
            var rem: UInt16 = 0
            for k in words.indices {
                let v = rem << 8 | UInt16(words[k])
                words[k] = UInt8(v / 10)
                rem = v % 10
            }
            digits.append(Character(String(rem)))
        }
        if digits.isEmpty { return "0" }
        return (negative ? "-" : "") + String(digits.reversed())
    }

    static func render(_ id: Int, _ r: PickleResult, _ data: [UInt8], depth: Int = 0) -> String {
        guard depth < 64 else { return "…" }
        let node = r.nodes[id]
        let items = node.items.map { render($0, r, data, depth: depth + 1) }
        switch node.kind {
        case .none: return "N"
        case .bool(let b): return b ? "T" : "F"
        case .int(let v): return "i\(v)"
        case .bigInt(let le): return "i" + decimal(le)
        case .float(let v):
            let h = String(v.bitPattern, radix: 16)
            return "f" + String(repeating: "0", count: 16 - h.count) + h
        case .string(let s): return "s" + hex(s.utf8)
        case .bytes(let offset, let count, let mutable): return (mutable ? "a" : "b") + hex(data[offset..<(offset + count)])
        case .list: return "[" + items.joined(separator: ",") + "]"
        case .tuple: return "(" + items.joined(separator: ",") + ")"
        case .set: return "<" + items.sorted().joined(separator: ",") + ">"
        case .frozenSet: return "z<" + items.sorted().joined(separator: ",") + ">"
        case .dict:
            let pairs = zip(node.keys, node.values).map { render($0, r, data, depth: depth + 1) + ":" + render($1, r, data, depth: depth + 1) }
            return "{" + pairs.joined(separator: ",") + "}"
        default: return "?\(node.kind)"
        }
    }
}
