import FrictionCore

/// Operand readers: every length is checked against what remains before anything is read.
extension PickleMachine {
    func truncated() -> Stop { stop("pickle-truncated", "the pickle ends inside an opcode's operand") }

    /// A little-endian integer of 1, 2, 4 or 8 bytes.
    mutating func fixed(_ width: Int, signed: Bool) throws(Stop) -> Int64 {
        let value: Int64?
        switch (width, signed) {
        case (1, _): value = cursor.u8().map { Int64($0) }
        case (2, _): value = cursor.u16().map { Int64($0) }
        case (4, true): value = cursor.i32().map { Int64($0) }
        case (4, false): value = cursor.u32().map { Int64($0) }
        default: value = cursor.u64().flatMap { Int64(exactly: $0) }
        }
        guard let value else { throw truncated() }
        return value
    }

    /// A length operand; negative or larger than what remains is an error.
    mutating func length(_ width: Int, signed: Bool = false) throws(Stop) -> Int {
        let n = try fixed(width, signed: signed)
        guard n >= 0 else { throw stop("pickle-value", "negative length \(n)") }
        guard cursor.has(UInt64(n)) else { throw stop("pickle-truncated", "operand of \(n) bytes but \(cursor.remaining) remain") }
        return Int(n)
    }

    /// A protocol-0 text operand up to (not including) the next newline, decoded as UTF-8
    /// (Latin-1 for UNICODE's raw-unicode-escape), exactly as CPython reads it: only `\n` is removed.
    mutating func textLine(latin1: Bool = false) throws(Stop) -> String {
        let start = cursor.position
        var end = start
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        guard end < bytes.count else { throw stop("pickle-truncated", "a text operand has no newline") }
        let raw = bytes[start..<end]
        _ = cursor.seek(to: end + 1)
        if latin1 { return String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) })) }
        guard let text = String(validating: raw, as: UTF8.self) else { throw stop("pickle-value", "a text operand is not UTF-8") }
        return text
    }

    /// A numeric text operand with the surrounding whitespace Python's int() and float() ignore.
    mutating func numberLine() throws(Stop) -> String {
        let space: Set<Character> = [" ", "\t", "\r", "\u{0B}", "\u{0C}"]
        let line = try textLine()
        return String(line.drop { space.contains($0) }.reversed().drop { space.contains($0) }.reversed())
    }

    /// `n` bytes as a string: UTF-8, or (py2 BINSTRING) Latin-1 when not UTF-8.
    mutating func decoded(_ n: Int, utf8Only: Bool) throws(Stop) -> String {
        guard let raw = cursor.read(UInt64(n)) else { throw truncated() }
        if let text = String(validating: raw, as: UTF8.self) { return text }
        guard !utf8Only else { throw stop("pickle-value", "a string operand is not UTF-8") }
        return String(raw.map { Character(Unicode.Scalar($0)) })
    }

    mutating func byteRange(_ n: Int, mutable: Bool) throws(Stop) -> PickleNode.Kind {
        let offset = cursor.position
        guard cursor.skip(UInt64(n)) else { throw truncated() }
        return .bytes(offset: offset, count: n, mutable: mutable)
    }

    /// INT: `01`/`00` are True/False (protocol 0 bools), otherwise a decimal integer.
    mutating func integerLine() throws(Stop) -> PickleNode.Kind {
        let line = try numberLine()
        if line == "01" { return .bool(true) }
        if line == "00" { return .bool(false) }
        return try decimal(line)
    }

    /// LONG: a decimal integer with an optional trailing `L`.
    mutating func longLine() throws(Stop) -> PickleNode.Kind {
        let line = try numberLine()
        return try decimal(line.hasSuffix("L") ? String(line.dropLast()) : line)
    }

    func decimal(_ text: String) throws(Stop) -> PickleNode.Kind {
        if let v = Int64(text) { return .int(v) }
        guard let bytes = Self.twosComplement(decimal: text) else { throw stop("pickle-value", "'\(text.prefix(40))' is not an integer") }
        return .bigInt(bytes)
    }

    /// LONG1 / LONG4: `n` bytes of little-endian two's complement.
    mutating func longBytes(_ n: Int) throws(Stop) -> PickleNode.Kind {
        guard let raw = cursor.read(UInt64(n)) else { throw truncated() }
        if n == 0 { return .int(0) }
        if n <= 8 {
            var v: UInt64 = 0
            for (i, b) in raw.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
            if n < 8, raw[n - 1] & 0x80 != 0 { v |= ~0 << (8 * UInt64(n)) }
            return .int(Int64(bitPattern: v))
        }
        return .bigInt(Array(raw))
    }

    /// GET / PUT keys: a non-negative decimal.
    mutating func decimalKey() throws(Stop) -> UInt64 {
        let line = try numberLine()
        guard let key = UInt64(line) else { throw stop("pickle-value", "memo key '\(line.prefix(40))' is not a non-negative integer") }
        return key
    }

    /// STRING: a Python 2 repr in single or double quotes, with backslash escapes.
    mutating func quotedString() throws(Stop) -> String {
        let line = try textLine()
        let scalars = Array(line.unicodeScalars)
        guard scalars.count >= 2, let q = scalars.first, q == "'" || q == "\"", scalars.last == q else {
            throw stop("pickle-value", "STRING operand is not quoted")
        }
        var out = String.UnicodeScalarView()
        var i = 1
        while i < scalars.count - 1 {
            let c = scalars[i]
            i += 1
            guard c == "\\", i < scalars.count - 1 else { out.append(c); continue }
            let e = scalars[i]
            i += 1
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "0": out.append("\0")
            case "x" where i + 1 < scalars.count - 1:
                if let v = UInt8(String(String.UnicodeScalarView(scalars[i...(i + 1)])), radix: 16) {
                    out.append(Unicode.Scalar(v))
                    i += 2
                } else { out.append("\\"); out.append(e) }
            case "\\", "'", "\"": out.append(e)
            default: out.append("\\"); out.append(e)
            }
        }
        return String(out)
    }

    /// UNICODE: raw-unicode-escape (only `\uXXXX` and `\UXXXXXXXX` are escapes).
    func rawUnicodeEscape(_ line: String) -> String {
        let scalars = Array(line.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "\\", i + 1 < scalars.count, scalars[i + 1] == "u" || scalars[i + 1] == "U" {
                let width = scalars[i + 1] == "u" ? 4 : 8
                if i + 2 + width <= scalars.count,
                   let v = UInt32(String(String.UnicodeScalarView(scalars[(i + 2)..<(i + 2 + width)])), radix: 16),
                   let s = Unicode.Scalar(v) {
                    out.append(s)
                    i += 2 + width
                    continue
                }
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    /// A decimal integer of any size as little-endian two's-complement bytes; nil if not decimal.
    static func twosComplement(decimal text: String) -> [UInt8]? {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative || digits.first == "+" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 4_300 else { return nil }  // CPython's int max_str_digits
        var magnitude: [UInt8] = [0]
        for d in digits.utf8 {
            guard d >= 0x30, d <= 0x39 else { return nil }
            var carry = UInt16(d - 0x30)
            for k in magnitude.indices {
                let v = UInt16(magnitude[k]) * 10 + carry
                magnitude[k] = UInt8(v & 0xFF)
                carry = v >> 8
            }
            if carry > 0 { magnitude.append(UInt8(carry)) }
        }
        magnitude.append(0)  // room for the sign bit
        guard negative else { return magnitude }
        var carry: UInt16 = 1
        for k in magnitude.indices {
            let v = UInt16(~magnitude[k]) + carry
            magnitude[k] = UInt8(v & 0xFF)
            carry = v >> 8
        }
        return magnitude
    }
}
