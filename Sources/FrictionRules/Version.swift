/// A dotted version (`0.11`, `10.3.0`) or a llama.cpp build tag (`b4567`), compared numerically.
public struct Version: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let text: String
    public let components: [Int]

    /// Parses `1.2.3`, `v1.2`, `b4567`; nil for anything else.
    public init?(_ text: String) {
        var body = Substring(text.trimmingCharacters())
        if body.first == "v" || body.first == "b" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        var numbers: [Int] = []
        for part in parts {
            let digits = part.prefix { $0.isNumber }
            guard !digits.isEmpty, let n = Int(digits) else { return nil }
            numbers.append(n)
        }
        guard !numbers.isEmpty else { return nil }
        self.text = text
        self.components = numbers
    }

    public static func < (lhs: Version, rhs: Version) -> Bool {
        let n = max(lhs.components.count, rhs.components.count)
        for i in 0..<n {
            let a = i < lhs.components.count ? lhs.components[i] : 0
            let b = i < rhs.components.count ? rhs.components[i] : 0
            if a != b { return a < b }
        }
        return false
    }

    public static func == (lhs: Version, rhs: Version) -> Bool { !(lhs < rhs) && !(rhs < lhs) }
    public func hash(into hasher: inout Hasher) { hasher.combine(components.reversed().drop { $0 == 0 }.reversed() as [Int]) }

    public var description: String { text }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}
