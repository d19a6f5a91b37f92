/// The subset of Python literal syntax a `.npy` header may use: dicts, tuples, lists, strings,
/// integers, True, False and None. Anything else (names, calls, operators, attribute access)
/// is a syntax error: the header is parsed, never evaluated.
indirect enum PythonLiteral: Equatable {
    case string(String)
    case int(String)
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(PythonLiteral, PythonLiteral)])

    static func == (lhs: PythonLiteral, rhs: PythonLiteral) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.none, .none): true
        case (.tuple(let a), .tuple(let b)), (.list(let a), .list(let b)): a == b
        case (.dict(let a), .dict(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    struct SyntaxError: Error {
        var offset: Int
        var message: String
    }

    /// Parses `text` as exactly one literal followed only by whitespace.
    static func parse(_ text: [UInt8], maxDepth: Int = 16) throws(SyntaxError) -> PythonLiteral {
        var parser = Parser(text: text, maxDepth: maxDepth)
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.i == text.count else { throw SyntaxError(offset: parser.i, message: "unexpected text after the literal") }
        return value
    }

    private struct Parser {
        let text: [UInt8]
        let maxDepth: Int
        var i = 0

        var peek: UInt8? { i < text.count ? text[i] : nil }

        mutating func skipSpace() {
            while let c = peek, c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D { i += 1 }
        }

        func fail(_ message: String) -> SyntaxError { SyntaxError(offset: i, message: message) }

        mutating func value(depth: Int) throws(SyntaxError) -> PythonLiteral {
            guard depth <= maxDepth else { throw fail("nesting too deep") }
            guard let c = peek else { throw fail("expected a literal, found the end") }
            switch c {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string(quote: c))
            case UInt8(ascii: "{"): return try dict(depth: depth)
            case UInt8(ascii: "("):
                let (items, trailingComma) = try sequence(close: UInt8(ascii: ")"), depth: depth)
                guard items.count != 1 || trailingComma else { return items[0] }
                return .tuple(items)
            case UInt8(ascii: "["): return .list(try sequence(close: UInt8(ascii: "]"), depth: depth).0)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .int(try integer())
            default:
                let start = i
                while let d = peek, (d >= 0x41 && d <= 0x5A) || (d >= 0x61 && d <= 0x7A) || d == 0x5F || (d >= 0x30 && d <= 0x39) { i += 1 }
                let word = String(decoding: text[start..<i], as: UTF8.self)
                switch word {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "None": return .none
                default:
                    i = start
                    throw fail(word.isEmpty ? "unexpected character" : "name '\(word)' is not a literal")
                }
            }
        }

        mutating func integer() throws(SyntaxError) -> String {
            let start = i
            if peek == UInt8(ascii: "-") { i += 1 }
            guard let d = peek, d >= 0x30, d <= 0x39 else { throw fail("expected a digit") }
            while let d = peek, d >= 0x30, d <= 0x39 { i += 1 }
            if let c = peek, c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "x") || c == UInt8(ascii: "L") {
                throw fail("only plain decimal integers are accepted")
            }
            return String(decoding: text[start..<i], as: UTF8.self)
        }

        mutating func string(quote: UInt8) throws(SyntaxError) -> String {
            i += 1
            var out: [UInt8] = []
            while true {
                guard let c = peek else { throw fail("unterminated string") }
                i += 1
                if c == quote { return String(decoding: out, as: UTF8.self) }
                if c == 0x0A { throw fail("newline in string") }
                if c == UInt8(ascii: "\\") {
                    guard let e = peek else { throw fail("unterminated escape") }
                    i += 1
                    switch e {
                    case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(e)
                    default: throw fail("unsupported escape in string")
                    }
                    continue
                }
                out.append(c)
            }
        }

        mutating func sequence(close: UInt8, depth: Int) throws(SyntaxError) -> ([PythonLiteral], Bool) {
            i += 1
            var items: [PythonLiteral] = []
            var trailingComma = false
            while true {
                skipSpace()
                if peek == close { i += 1; return (items, trailingComma) }
                items.append(try value(depth: depth + 1))
                skipSpace()
                trailingComma = false
                if peek == UInt8(ascii: ",") { i += 1; trailingComma = true; continue }
                guard peek == close else { throw fail("expected ',' or closing bracket") }
            }
        }

        mutating func dict(depth: Int) throws(SyntaxError) -> PythonLiteral {
            i += 1
            var pairs: [(PythonLiteral, PythonLiteral)] = []
            while true {
                skipSpace()
                if peek == UInt8(ascii: "}") { i += 1; return .dict(pairs) }
                let key = try value(depth: depth + 1)
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw fail("expected ':' in dict") }
                i += 1
                skipSpace()
                let value = try value(depth: depth + 1)
                pairs.append((key, value))
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                guard peek == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in dict") }
            }
        }
    }
}
