import FrictionCore

/// Converting between inference's ``DimExpr`` and the IR's ``Dim``.
extension DimExpr {
    /// The text used for a dimension whose size inference could not determine.
    public static let unknownText = "?"

    /// Reads a `Dim`. Fixed sizes become constants; `"?"` and `""` are unknown (nil); text in
    /// ``description``'s own form (`past + seq`, `2*n - 1`, `batch*seq`) is parsed back so that
    /// declared expressions combine with inferred ones; any other text is one opaque symbol.
    public init?(_ dim: Dim) {
        switch dim {
        case .fixed(let n):
            guard n <= UInt64(Int64.max) else { return nil }
            self.init(Int64(n))
        case .symbolic(let text):
            guard !text.isEmpty, text != Self.unknownText else { return nil }
            let expr = Self.parse(text) ?? DimExpr(symbol: text)
            // A declared size that parses to a negative constant (`"-1"`) is not a size.
            if let value = expr.constant, value < 0 { return nil }
            self = expr
        }
    }

    /// The `Dim` for a possibly unknown size: a non-negative constant is `.fixed`, an expression is
    /// `.symbolic(description)`, unknown or negative sizes are `.symbolic("?")`.
    public static func dim(_ expr: DimExpr?) -> Dim {
        guard let expr else { return .symbolic(unknownText) }
        if let value = expr.constant { return value >= 0 ? .fixed(UInt64(value)) : .symbolic(unknownText) }
        return .symbolic(expr.description)
    }

    /// The shape for possibly unknown sizes.
    public static func shape(_ dims: [DimExpr?]) -> Shape { Shape(dims.map(dim)) }

    /// Parses ``description``'s form, or returns nil when `text` is a plain symbol or does not parse.
    static func parse(_ text: String) -> DimExpr? {
        guard text.contains(" + ") || text.contains(" - ") || text.contains("*") || text.hasPrefix("-") else { return nil }
        var total = DimExpr(0)
        for (sign, term) in splitTerms(text) {
            var product = DimExpr(sign)
            for factor in splitTopLevel(term, on: "*") {
                guard let value = parseFactor(factor) else { return nil }
                guard let next = DimExpr.product(product, value) else { return nil }
                product = next
            }
            guard let next = DimExpr.sum(total, product) else { return nil }
            total = next
        }
        return total
    }

    private static func parseFactor(_ factor: Substring) -> DimExpr? {
        if factor.isEmpty || factor.contains(" ") && !(factor.hasPrefix("(") && factor.hasSuffix(")")) { return nil }
        if let value = Int64(factor) { return DimExpr(value) }
        if factor.hasPrefix("("), factor.hasSuffix(")"), factor.count >= 2 {
            return DimExpr(symbol: String(factor.dropFirst().dropLast()))
        }
        return DimExpr(symbol: String(factor))
    }

    /// Splits at top-level ` + ` and ` - ` (outside parentheses), with each term's sign.
    private static func splitTerms(_ text: String) -> [(Int64, Substring)] {
        var terms: [(Int64, Substring)] = []
        var sign: Int64 = 1
        var body = Substring(text)
        if body.hasPrefix("-") {
            sign = -1
            body = body.dropFirst()
        }
        var depth = 0
        var start = body.startIndex
        var index = body.startIndex
        while index < body.endIndex {
            let char = body[index]
            if char == "(" { depth += 1 } else if char == ")" { depth -= 1 }
            if depth == 0, char == " ", let op = body[index...].dropFirst().first, op == "+" || op == "-",
               body[index...].dropFirst(2).first == " " {
                terms.append((sign, body[start..<index]))
                sign = op == "+" ? 1 : -1
                index = body.index(index, offsetBy: 3)
                start = index
                continue
            }
            index = body.index(after: index)
        }
        terms.append((sign, body[start...]))
        return terms
    }

    /// Splits at top-level occurrences of `separator`.
    private static func splitTopLevel(_ text: Substring, on separator: Character) -> [Substring] {
        var parts: [Substring] = []
        var depth = 0
        var start = text.startIndex
        for index in text.indices {
            let char = text[index]
            if char == "(" { depth += 1 } else if char == ")" { depth -= 1 }
            if depth == 0, char == separator {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
        }
        parts.append(text[start...])
        return parts
    }
}
