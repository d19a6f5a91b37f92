/// A parsed JSON value that remembers the byte offset where it starts, so loaders can point
/// at the exact field that is wrong.
public struct JSONNode: Sendable {
    /// What a node holds. Numbers keep their source text so integers stay exact.
    public indirect enum Kind: Sendable {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array([JSONNode])
        case object([Member])
    }

    /// An object member with the offset of its key's opening quote.
    public struct Member: Sendable {
        public var key: String
        public var keyOffset: Int
        public var value: JSONNode
    }

    /// Offset of the first byte of this value in the parsed buffer.
    public var offset: Int
    public var kind: Kind

    public var members: [Member]? { if case .object(let m) = kind { m } else { nil } }
    public var items: [JSONNode]? { if case .array(let a) = kind { a } else { nil } }
    public var string: String? { if case .string(let s) = kind { s } else { nil } }

    public subscript(key: String) -> JSONNode? { members?.first { $0.key == key }?.value }

    /// The value as an unsigned integer if it is a plain non-negative integer literal that fits.
    public var uint64: UInt64? {
        guard case .number(let text) = kind else { return nil }
        return UInt64(text)
    }

    /// The value as a signed integer if it is an integer literal that fits.
    public var int64: Int64? {
        guard case .number(let text) = kind else { return nil }
        return Int64(text)
    }

    /// The value as JSON, integers kept exact where they fit in 64 bits.
    public var value: JSONValue {
        switch kind {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let text):
            if let i = Int64(text) { return .int(i) }
            if let u = UInt64(text) { return .uint(u) }
            return .double(Double(text) ?? .nan)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(\.value))
        case .object(let members): return .object(members.map { JSONMember(key: $0.key, value: $0.value.value) })
        }
    }
}

/// Why JSON text could not be parsed, and where.
public struct JSONParseError: Error, Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        case syntax(String)
        case duplicateKey(String)
        case tooDeep
    }
    public var offset: Int
    public var reason: Reason

    public init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }
}

/// A strict RFC 8259 parser over raw bytes: no trailing commas, no comments, duplicate object
/// keys rejected, nesting capped, every read bounds-checked.
public struct JSONParser {
    private let bytes: UnsafeRawBufferPointer
    private var i = 0
    private let maxDepth: Int

    /// Parses one JSON document from `bytes`; only whitespace may follow it.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 64) throws(JSONParseError) -> JSONNode {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        parser.skipWhitespace()
        let node = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.i == bytes.count else { throw parser.fail("unexpected data after the JSON value") }
        return node
    }

    /// Parses a `[UInt8]` document.
    public static func parse(_ array: [UInt8], maxDepth: Int = 64) throws(JSONParseError) -> JSONNode {
        var result: Result<JSONNode, JSONParseError> = .failure(JSONParseError(offset: 0, reason: .syntax("empty")))
        array.withUnsafeBytes { raw in
            do throws(JSONParseError) { result = .success(try parse(raw, maxDepth: maxDepth)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    private init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private func fail(_ message: String) -> JSONParseError { JSONParseError(offset: i, reason: .syntax(message)) }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipWhitespace() {
        while let c = peek, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 }
    }

    private mutating func expect(_ literal: StaticString) throws(JSONParseError) {
        let start = i
        let count = literal.utf8CodeUnitCount
        guard bytes.count - i >= count else { throw fail("truncated literal") }
        for k in 0..<count where bytes[i + k] != literal.utf8Start[k] {
            i = start
            throw fail("invalid literal")
        }
        i += count
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONNode {
        guard depth <= maxDepth else { throw JSONParseError(offset: i, reason: .tooDeep) }
        let start = i
        guard let c = peek else { throw fail("expected a value, found end of input") }
        switch c {
        case UInt8(ascii: "{"): return JSONNode(offset: start, kind: .object(try parseObject(depth: depth)))
        case UInt8(ascii: "["): return JSONNode(offset: start, kind: .array(try parseArray(depth: depth)))
        case UInt8(ascii: "\""): return JSONNode(offset: start, kind: .string(try parseString()))
        case UInt8(ascii: "t"): try expect("true"); return JSONNode(offset: start, kind: .bool(true))
        case UInt8(ascii: "f"): try expect("false"); return JSONNode(offset: start, kind: .bool(false))
        case UInt8(ascii: "n"): try expect("null"); return JSONNode(offset: start, kind: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONNode(offset: start, kind: .number(try parseNumber()))
        default: throw fail("unexpected character")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> [JSONNode.Member] {
        i += 1
        var members: [JSONNode.Member] = []
        var seen = Set<String>()
        skipWhitespace()
        if peek == UInt8(ascii: "}") { i += 1; return members }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let keyOffset = i
            let key = try parseString()
            guard seen.insert(key).inserted else {
                throw JSONParseError(offset: keyOffset, reason: .duplicateKey(key))
            }
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            members.append(JSONNode.Member(key: key, keyOffset: keyOffset, value: value))
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"): i += 1; return members
            default: throw fail("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> [JSONNode] {
        i += 1
        var items: [JSONNode] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") { i += 1; return items }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"): i += 1; return items
            default: throw fail("expected ',' or ']'")
            }
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> String {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        guard let first = peek, first >= 0x30, first <= 0x39 else { throw fail("expected a digit") }
        if first == 0x30 { i += 1 } else { digits() }
        if peek == UInt8(ascii: ".") {
            i += 1
            guard let d = peek, d >= 0x30, d <= 0x39 else { throw fail("expected a digit after '.'") }
            digits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard let d = peek, d >= 0x30, d <= 0x39 else { throw fail("expected an exponent digit") }
            digits()
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    }

    private mutating func digits() {
        while let d = peek, d >= 0x30, d <= 0x39 { i += 1 }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard bytes.count - i >= 4 else { throw fail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw fail("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        i += 1
        var scalars = String.UnicodeScalarView()
        var runStart = i
        func flush(_ end: Int) {
            if end > runStart {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[runStart..<end]), as: UTF8.self)
                scalars.append(contentsOf: text.unicodeScalars)
            }
        }
        while true {
            guard let c = peek else { throw fail("unterminated string") }
            if c == UInt8(ascii: "\"") {
                flush(i)
                i += 1
                return String(scalars)
            }
            if c < 0x20 { throw fail("unescaped control character in string") }
            if c != UInt8(ascii: "\\") { i += 1; continue }
            flush(i)
            i += 1
            guard let e = peek else { throw fail("unterminated escape") }
            i += 1
            switch e {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code) {
                    guard bytes.count - i >= 6, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                scalars.append(scalar)
            default: throw fail("invalid escape")
            }
            runStart = i
        }
    }
}
