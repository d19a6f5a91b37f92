import FrictionCore
import Foundation

/// A JSON Schema draft-07 validator over ``JSONValue``, written for checking friction's SARIF
/// output against the official SARIF 2.1.0 schema (`fixtures/schemas/sarif-schema-2.1.0.json`)
/// without any tool outside Swift.
///
/// Supported keywords:
/// - references: `$ref` to a JSON pointer inside the same schema (`#`, `#/definitions/x`,
///   any `#/a/b/0` pointer with `~0`/`~1` and percent escapes), also when prefixed by the
///   schema's own `$id` (or draft-04 `id`). As in draft-07, a schema holding `$ref` is checked
///   against the target only; its other keywords are ignored.
/// - any instance: `type` (a name or an array of names; `integer` also accepts an integral
///   double such as `1.0`), `enum`, `const` (numbers compare by value, objects ignore member
///   order, strings compare by Unicode scalars), boolean schemas `true`/`false`.
/// - numbers: `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (the draft-06+
///   number form and the draft-04 boolean form), `multipleOf`.
/// - strings: `minLength`, `maxLength` (in Unicode scalars), `pattern` (NSRegularExpression,
///   unanchored search as the spec says), `format` (below).
/// - arrays: `items` (one schema or an array of schemas), `additionalItems`, `minItems`,
///   `maxItems`, `uniqueItems`, `contains`.
/// - objects: `properties`, `patternProperties`, `additionalProperties` (boolean or schema),
///   `required`, `minProperties`, `maxProperties`, `dependencies` (property lists or schemas),
///   `propertyNames`.
/// - combinators: `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`.
/// - ignored annotations: `$schema`, `$id`, `id`, `$comment`, `title`, `description`, `default`,
///   `examples`, `definitions` (only a container for `$ref`), `readOnly`, `writeOnly`,
///   `contentMediaType`, `contentEncoding`, and any keyword not listed here.
///
/// `format` is checked loosely: `uri` needs a scheme (`https:`, `file:`…); `uri-reference` and
/// `iri-reference` reject whitespace and control characters (a path with a space must be
/// percent-encoded); `date-time` needs RFC 3339 (`2024-05-01T12:00:00Z`, optional fraction and
/// offset); `date` needs `YYYY-MM-DD`; `regex` must compile. Other formats are accepted.
///
/// Each violation is one string, `"<JSON pointer of the instance>: <message>"`, the pointer as in
/// RFC 6901 (the root is the empty pointer, so a root violation reads `": required property …"`).
/// Odd input never traps: a schema node that is not an object or boolean, a `$ref` that does
/// not resolve, a pattern that does not compile and recursion deeper than `maxDepth` each
/// become a violation instead.
public struct JSONSchemaValidator: Sendable {
    /// The root schema.
    public let schema: JSONValue
    /// How many schemas deep one check may nest (each `$ref` hop, subschema and instance level
    /// counts one) before it stops with a violation; guards against `$ref` cycles.
    public let maxDepth: Int

    private let regexes: RegexTable
    private let refs: [String: JSONValue]
    private let rootID: String?

    public init(schema: JSONValue) {
        self.init(schema: schema, maxDepth: 128)
    }

    public init(schema: JSONValue, maxDepth: Int) {
        self.schema = schema
        self.maxDepth = max(1, maxDepth)
        var id: String? = schema["$id"]?.stringValue ?? schema["id"]?.stringValue
        if let value = id, value.hasSuffix("#") { id = String(value.dropLast()) }
        if id?.isEmpty == true { id = nil }
        rootID = id
        var patterns: Set<String> = []
        var refStrings: Set<String> = []
        Self.collect(schema, patterns: &patterns, refs: &refStrings, depth: 0)
        regexes = RegexTable(patterns)
        var table: [String: JSONValue] = [:]
        for ref in refStrings {
            if let target = Self.resolve(ref, in: schema, rootID: id) { table[ref] = target }
        }
        refs = table
    }

    /// Every violation found, as "JSON-pointer-of-instance: message"; empty means valid.
    public func validate(_ instance: JSONValue) -> [String] {
        var errors: [String] = []
        check(instance, schema, path: "", depth: 0, into: &errors)
        return errors
    }

    /// Whether `instance` has no violation.
    public func isValid(_ instance: JSONValue) -> Bool { validate(instance).isEmpty }

    // MARK: - The check

    private func check(_ value: JSONValue, _ schema: JSONValue, path: String, depth: Int, into errors: inout [String]) {
        guard depth <= maxDepth else {
            errors.append("\(path): schema nesting deeper than \(maxDepth) levels (a $ref cycle?); not checked further")
            return
        }
        let members: [JSONMember]
        switch schema {
        case .bool(true): return
        case .bool(false):
            errors.append("\(path): no value is allowed here (the schema is false)")
            return
        case .object(let m): members = m
        default:
            errors.append("\(path): the schema here is \(Self.typeName(schema)), not an object or boolean")
            return
        }
        func keyword(_ name: String) -> JSONValue? { members.first { $0.key == name }?.value }

        if let ref = keyword("$ref") {
            guard let text = ref.stringValue else {
                errors.append("\(path): the schema's $ref is \(Self.typeName(ref)), not a string")
                return
            }
            guard let target = refs[text] ?? Self.resolve(text, in: self.schema, rootID: rootID) else {
                errors.append("\(path): cannot resolve $ref \(Self.quote(text)) (only pointers into this schema are supported)")
                return
            }
            check(value, target, path: path, depth: depth + 1, into: &errors)
            return
        }

        if let type = keyword("type") { checkType(value, type, path: path, into: &errors) }
        if case .array(let options)? = keyword("enum"), !options.contains(where: { Self.equal(value, $0) }) {
            let listed = options.prefix(12).map(Self.describe).joined(separator: ", ")
            errors.append("\(path): \(Self.describe(value)) is not one of [\(listed)\(options.count > 12 ? ", …" : "")]")
        }
        if let constant = keyword("const"), !Self.equal(value, constant) {
            errors.append("\(path): \(Self.describe(value)) is not the constant \(Self.describe(constant))")
        }

        switch value {
        case .int, .uint, .double:
            checkNumber(value, keyword, path: path, into: &errors)
        case .string(let text):
            checkString(text, keyword, path: path, into: &errors)
        case .array(let items):
            checkArray(items, keyword, path: path, depth: depth, into: &errors)
        case .object(let object):
            checkObject(object, keyword, path: path, depth: depth, into: &errors)
        case .null, .bool:
            break
        }

        if case .array(let all)? = keyword("allOf") {
            for sub in all { check(value, sub, path: path, depth: depth + 1, into: &errors) }
        }
        if case .array(let any)? = keyword("anyOf") {
            var failures: [[String]] = []
            var passed = false
            for sub in any {
                var sink: [String] = []
                check(value, sub, path: path, depth: depth + 1, into: &sink)
                if sink.isEmpty { passed = true; break }
                failures.append(sink)
            }
            if !passed {
                errors.append("\(path): not valid against any of the \(any.count) schemas in anyOf (\(Self.summary(failures, at: path)))")
            }
        }
        if case .array(let one)? = keyword("oneOf") {
            var failures: [[String]] = []
            var passed: [Int] = []
            for (index, sub) in one.enumerated() {
                var sink: [String] = []
                check(value, sub, path: path, depth: depth + 1, into: &sink)
                if sink.isEmpty { passed.append(index) } else { failures.append(sink) }
            }
            if passed.isEmpty {
                errors.append("\(path): not valid against any of the \(one.count) schemas in oneOf (\(Self.summary(failures, at: path)))")
            } else if passed.count > 1 {
                errors.append("\(path): valid against schemas \(passed.map(String.init).joined(separator: ", ")) of oneOf; exactly one must match")
            }
        }
        if let not = keyword("not") {
            var sink: [String] = []
            check(value, not, path: path, depth: depth + 1, into: &sink)
            if sink.isEmpty { errors.append("\(path): must not be valid against the schema in 'not'") }
        }
        if let condition = keyword("if") {
            var sink: [String] = []
            check(value, condition, path: path, depth: depth + 1, into: &sink)
            if sink.isEmpty {
                if let then = keyword("then") { check(value, then, path: path, depth: depth + 1, into: &errors) }
            } else if let otherwise = keyword("else") {
                check(value, otherwise, path: path, depth: depth + 1, into: &errors)
            }
        }
    }

    private func checkType(_ value: JSONValue, _ type: JSONValue, path: String, into errors: inout [String]) {
        let names: [String]
        switch type {
        case .string(let name): names = [name]
        case .array(let items): names = items.compactMap(\.stringValue)
        default: return
        }
        guard !names.isEmpty, !names.contains(where: { Self.matches(value, type: $0) }) else { return }
        errors.append("\(path): expected \(names.joined(separator: " or ")), found \(Self.typeName(value))")
    }

    private func checkNumber(_ value: JSONValue, _ keyword: (String) -> JSONValue?, path: String,
                             into errors: inout [String]) {
        let shown = Self.describe(value)
        if let limit = keyword("minimum"), limit.doubleValue != nil, let order = Self.compare(value, limit) {
            let exclusive = keyword("exclusiveMinimum") == .bool(true)
            if order < 0 || (exclusive && order == 0) {
                errors.append("\(path): \(shown) is less than the minimum \(exclusive ? "(exclusive) " : "")\(Self.describe(limit))")
            }
        }
        if let limit = keyword("maximum"), limit.doubleValue != nil, let order = Self.compare(value, limit) {
            let exclusive = keyword("exclusiveMaximum") == .bool(true)
            if order > 0 || (exclusive && order == 0) {
                errors.append("\(path): \(shown) is greater than the maximum \(exclusive ? "(exclusive) " : "")\(Self.describe(limit))")
            }
        }
        if let limit = keyword("exclusiveMinimum"), limit.doubleValue != nil, let order = Self.compare(value, limit), order <= 0 {
            errors.append("\(path): \(shown) is not greater than the exclusive minimum \(Self.describe(limit))")
        }
        if let limit = keyword("exclusiveMaximum"), limit.doubleValue != nil, let order = Self.compare(value, limit), order >= 0 {
            errors.append("\(path): \(shown) is not less than the exclusive maximum \(Self.describe(limit))")
        }
        if let divisor = keyword("multipleOf"), !Self.isMultiple(value, of: divisor) {
            errors.append("\(path): \(shown) is not a multiple of \(Self.describe(divisor))")
        }
    }

    private func checkString(_ text: String, _ keyword: (String) -> JSONValue?, path: String,
                             into errors: inout [String]) {
        let length = text.unicodeScalars.count
        if let limit = keyword("minLength")?.int64Value, Int64(length) < limit {
            errors.append("\(path): \(Self.quote(text)) is shorter than \(limit) characters")
        }
        if let limit = keyword("maxLength")?.int64Value, Int64(length) > limit {
            errors.append("\(path): \(Self.quote(text)) is longer than \(limit) characters")
        }
        if let pattern = keyword("pattern")?.stringValue {
            switch regexes.search(pattern, in: text) {
            case .some(true): break
            case .some(false): errors.append("\(path): \(Self.quote(text)) does not match the pattern \(Self.quote(pattern))")
            case .none: errors.append("\(path): the schema's pattern \(Self.quote(pattern)) does not compile")
            }
        }
        if let format = keyword("format")?.stringValue, let problem = formatProblem(text, format: format) {
            errors.append("\(path): \(Self.quote(text)) is not a valid \(format) (\(problem))")
        }
    }

    private func checkArray(_ items: [JSONValue], _ keyword: (String) -> JSONValue?, path: String, depth: Int,
                            into errors: inout [String]) {
        if let limit = keyword("minItems")?.int64Value, Int64(items.count) < limit {
            errors.append("\(path): has \(items.count) items, fewer than the minimum \(limit)")
        }
        if let limit = keyword("maxItems")?.int64Value, Int64(items.count) > limit {
            errors.append("\(path): has \(items.count) items, more than the maximum \(limit)")
        }
        if keyword("uniqueItems") == .bool(true) {
            var seen: [[UInt8]: Int] = [:]
            for (index, item) in items.enumerated() {
                var key: [UInt8] = []
                Self.canonical(item, into: &key, depth: 0)
                if let first = seen[key] {
                    errors.append("\(path): items \(first) and \(index) are equal, but uniqueItems is true")
                    break
                }
                seen[key] = index
            }
        }
        switch keyword("items") {
        case .array(let tuple)?:
            for (index, item) in items.enumerated() {
                let childPath = path + "/" + String(index)
                if index < tuple.count {
                    check(item, tuple[index], path: childPath, depth: depth + 1, into: &errors)
                } else if let extra = keyword("additionalItems") {
                    check(item, extra, path: childPath, depth: depth + 1, into: &errors)
                }
            }
        case let single?:
            for (index, item) in items.enumerated() {
                check(item, single, path: path + "/" + String(index), depth: depth + 1, into: &errors)
            }
        case nil:
            break
        }
        if let contains = keyword("contains") {
            let found = items.contains { item in
                var sink: [String] = []
                check(item, contains, path: path, depth: depth + 1, into: &sink)
                return sink.isEmpty
            }
            if !found { errors.append("\(path): no item is valid against the schema in 'contains'") }
        }
    }

    private func checkObject(_ object: [JSONMember], _ keyword: (String) -> JSONValue?, path: String, depth: Int,
                             into errors: inout [String]) {
        func has(_ name: String) -> Bool { object.contains { Self.same($0.key, name) } }

        if case .array(let names)? = keyword("required") {
            for case .string(let name) in names where !has(name) {
                errors.append("\(path): required property \(Self.quote(name)) is missing")
            }
        }
        if let limit = keyword("minProperties")?.int64Value, Int64(object.count) < limit {
            errors.append("\(path): has \(object.count) properties, fewer than the minimum \(limit)")
        }
        if let limit = keyword("maxProperties")?.int64Value, Int64(object.count) > limit {
            errors.append("\(path): has \(object.count) properties, more than the maximum \(limit)")
        }

        var declared: [JSONMember] = []
        if case .object(let properties)? = keyword("properties") { declared = properties }
        var patterned: [JSONMember] = []
        if case .object(let patterns)? = keyword("patternProperties") {
            for pattern in patterns {
                if regexes.search(pattern.key, in: "") == nil {
                    errors.append("\(path): the schema's patternProperties pattern \(Self.quote(pattern.key)) does not compile")
                } else {
                    patterned.append(pattern)
                }
            }
        }
        let additional = keyword("additionalProperties")

        for member in object {
            let childPath = path + "/" + Self.escape(member.key)
            var known = false
            if let sub = declared.first(where: { Self.same($0.key, member.key) }) {
                known = true
                check(member.value, sub.value, path: childPath, depth: depth + 1, into: &errors)
            }
            for pattern in patterned where regexes.search(pattern.key, in: member.key) == true {
                known = true
                check(member.value, pattern.value, path: childPath, depth: depth + 1, into: &errors)
            }
            guard !known, let additional else { continue }
            if additional == .bool(false) {
                errors.append("\(path): property \(Self.quote(member.key)) is not allowed (additionalProperties is false)")
            } else {
                check(member.value, additional, path: childPath, depth: depth + 1, into: &errors)
            }
        }

        if case .object(let dependencies)? = keyword("dependencies") {
            for dependency in dependencies where has(dependency.key) {
                switch dependency.value {
                case .array(let needed):
                    for case .string(let name) in needed where !has(name) {
                        errors.append("\(path): property \(Self.quote(dependency.key)) requires property \(Self.quote(name)), which is missing")
                    }
                default:
                    check(.object(object), dependency.value, path: path, depth: depth + 1, into: &errors)
                }
            }
        }
        if let names = keyword("propertyNames") {
            for member in object {
                var sink: [String] = []
                check(.string(member.key), names, path: path, depth: depth + 1, into: &sink)
                if let first = sink.first {
                    errors.append("\(path): property name \(Self.quote(member.key)) is not allowed by propertyNames (\(Self.stripPath(first, path)))")
                }
            }
        }
    }

    // MARK: - Formats

    private func formatProblem(_ text: String, format: String) -> String? {
        switch format {
        case "uri", "iri":
            if let bad = Self.badURICharacter(text) { return bad }
            return Self.hasScheme(text) ? nil : "no scheme such as 'https:' or 'file:'"
        case "uri-reference", "iri-reference":
            return Self.badURICharacter(text)
        case "date-time":
            return Self.isDateTime(text) ? nil : "expected RFC 3339 such as 2024-05-01T12:00:00Z"
        case "date":
            let bytes = Array(text.utf8)
            return bytes.count == 10 && Self.isDate(bytes[...]) ? nil : "expected YYYY-MM-DD"
        case "regex":
            return regexes.search(text, in: "") == nil ? "does not compile" : nil
        default:
            return nil
        }
    }

    private static func badURICharacter(_ text: String) -> String? {
        for scalar in text.unicodeScalars {
            if scalar == " " { return "contains a space; percent-encode it as %20" }
            if scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F {
                return "contains whitespace or a control character"
            }
        }
        return nil
    }

    private static func hasScheme(_ text: String) -> Bool {
        var first = true
        for scalar in text.unicodeScalars {
            if first {
                guard scalar.isASCII, scalar.properties.isAlphabetic else { return false }
                first = false
                continue
            }
            if scalar == ":" { return true }
            guard scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || scalar == "+" || scalar == "-" || scalar == "." else { return false }
        }
        return false
    }

    private static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var result = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            result = result * 10 + Int(byte - 0x30)
        }
        return result
    }

    private static func isDate(_ bytes: ArraySlice<UInt8>) -> Bool {
        let b = Array(bytes)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              digits(b[0..<4]) != nil, let month = digits(b[5..<7]), let day = digits(b[8..<10]) else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }

    /// RFC 3339 `date-time`: `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`, `t`/`z` allowed in lower case.
    private static func isDateTime(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count >= 20, isDate(b[0..<10]), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let hour = digits(b[11..<13]), let minute = digits(b[14..<16]), let second = digits(b[17..<19]),
              hour <= 23, minute <= 59, second <= 60 else { return false }
        var i = 19
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            guard i > start, i < b.count else { return false }
        }
        let zone = b[i...]
        if zone.count == 1 { return zone.first == UInt8(ascii: "Z") || zone.first == UInt8(ascii: "z") }
        guard zone.count == 6, let sign = zone.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
              zone[zone.startIndex + 3] == UInt8(ascii: ":"),
              let offsetHour = digits(zone[(zone.startIndex + 1)..<(zone.startIndex + 3)]),
              let offsetMinute = digits(zone[(zone.startIndex + 4)..<(zone.startIndex + 6)]) else { return false }
        return offsetHour <= 23 && offsetMinute <= 59
    }

    // MARK: - Values

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): true
        case ("number", .int), ("number", .uint), ("number", .double): true
        case ("integer", .int), ("integer", .uint): true
        case ("integer", .double(let d)): d.isFinite && d.rounded(.towardZero) == d
        default: false
        }
    }

    private static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .int, .uint: "integer"
        case .double(let d): d.isFinite && d.rounded(.towardZero) == d ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Exact string comparison by Unicode scalars (Swift's `==` would also equate canonically
    /// equivalent strings, which JSON Schema does not).
    private static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// -1, 0 or 1, or nil when either side is not a number or is NaN.
    private static func compare(_ a: JSONValue, _ b: JSONValue) -> Int? {
        func order<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch (a, b) {
        case (.int(let x), .int(let y)): return order(x, y)
        case (.uint(let x), .uint(let y)): return order(x, y)
        case (.int(let x), .uint(let y)): return x < 0 ? -1 : order(UInt64(x), y)
        case (.uint(let x), .int(let y)): return y < 0 ? 1 : order(x, UInt64(y))
        default:
            guard let x = a.doubleValue, let y = b.doubleValue, !x.isNaN, !y.isNaN else { return nil }
            return order(x, y)
        }
    }

    private static func isMultiple(_ value: JSONValue, of divisor: JSONValue) -> Bool {
        switch (value, divisor) {
        case (.int(let x), .int(let d)) where d > 0: return x.magnitude % d.magnitude == 0
        case (.uint(let x), .int(let d)) where d > 0: return x % d.magnitude == 0
        case (.int(let x), .uint(let d)) where d > 0: return x.magnitude % d == 0
        case (.uint(let x), .uint(let d)) where d > 0: return x % d == 0
        default:
            guard let x = value.doubleValue, let d = divisor.doubleValue, d > 0, x.isFinite else { return true }
            let quotient = x / d
            return quotient.isFinite && quotient.rounded(.towardZero) == quotient
        }
    }

    private static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        equal(a, b, depth: 0)
    }

    private static func equal(_ a: JSONValue, _ b: JSONValue, depth: Int) -> Bool {
        guard depth < 512 else { return false }
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return same(x, y)
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1, depth: depth + 1) }
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            return x.allSatisfy { m in y.contains { same($0.key, m.key) && equal(m.value, $0.value, depth: depth + 1) } }
        case (.int, _), (.uint, _), (.double, _):
            return compare(a, b) == 0
        default:
            return false
        }
    }

    /// Bytes that are equal exactly when two values are equal as JSON Schema sees them
    /// (numbers by value, object members in any order).
    private static func canonical(_ value: JSONValue, into out: inout [UInt8], depth: Int) {
        func tagged(_ tag: Character, _ text: String) {
            out.append(UInt8(ascii: tag.unicodeScalars.first!))
            out.append(contentsOf: String(text.utf8.count).utf8)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: text.utf8)
        }
        // Never equal to anything (as `equal` says): NaN, and values nested too deep to compare.
        func distinct() { tagged("?", String(UInt64.random(in: .min ... .max))) }
        guard depth < 512 else { distinct(); return }
        switch value {
        case .null: out.append(UInt8(ascii: "n"))
        case .bool(let b): out.append(UInt8(ascii: b ? "t" : "f"))
        case .int(let x): tagged("i", String(x))
        case .uint(let x): tagged("i", String(x))
        case .double(let d):
            if d.isNaN {
                distinct()
            } else if d.isFinite, d.rounded(.towardZero) == d, let x = Int64(exactly: d) {
                tagged("i", String(x))
            } else if d.isFinite, d.rounded(.towardZero) == d, let x = UInt64(exactly: d) {
                tagged("i", String(x))
            } else {
                tagged("d", String(d.bitPattern))
            }
        case .string(let s): tagged("s", s)
        case .array(let items):
            tagged("[", String(items.count))
            for item in items { canonical(item, into: &out, depth: depth + 1) }
        case .object(let members):
            tagged("{", String(members.count))
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for member in sorted {
                tagged("k", member.key)
                canonical(member.value, into: &out, depth: depth + 1)
            }
        }
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let x): String(x)
        case .uint(let x): String(x)
        case .double(let d): String(d)
        case .string(let s): quote(s)
        case .array(let items): items.count == 1 ? "an array of 1 item" : "an array of \(items.count) items"
        case .object(let members): members.count == 1 ? "an object with 1 member" : "an object with \(members.count) members"
        }
    }

    private static func quote(_ text: String) -> String {
        let limit = 80
        var shown = ""
        for (count, scalar) in text.unicodeScalars.enumerated() {
            if count == limit { shown += "…"; break }
            switch scalar {
            case "\"": shown += "\\\""
            case "\\": shown += "\\\\"
            case "\n": shown += "\\n"
            case "\r": shown += "\\r"
            case "\t": shown += "\\t"
            default:
                if scalar.value < 0x20 { shown += "\\u{\(String(scalar.value, radix: 16))}" } else { shown.unicodeScalars.append(scalar) }
            }
        }
        return "\"" + shown + "\""
    }

    /// RFC 6901 escaping of one reference token.
    private static func escape(_ token: String) -> String {
        var out = ""
        for scalar in token.unicodeScalars {
            switch scalar {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func stripPath(_ error: String, _ path: String) -> String {
        let prefix = path + ": "
        return error.hasPrefix(prefix) ? String(error.dropFirst(prefix.count)) : error
    }

    /// One clause per failed branch: its first violation (without the pointer when it is the
    /// combinator's own) and how many more it had.
    private static func summary(_ failures: [[String]], at path: String) -> String {
        failures.enumerated().map { index, errors in
            "[\(index)] " + stripPath(errors[0], path) + (errors.count > 1 ? " (+\(errors.count - 1) more)" : "")
        }.joined(separator: "; ")
    }

    // MARK: - Schema walking

    /// Gathers every `pattern` and `patternProperties` key (to compile once) and every `$ref`.
    private static func collect(_ node: JSONValue, patterns: inout Set<String>, refs: inout Set<String>, depth: Int) {
        guard depth < 256 else { return }
        switch node {
        case .object(let members):
            for member in members {
                switch member.key {
                case "pattern": if let p = member.value.stringValue { patterns.insert(p) }
                case "$ref": if let r = member.value.stringValue { refs.insert(r) }
                case "patternProperties":
                    if case .object(let entries) = member.value { for entry in entries { patterns.insert(entry.key) } }
                default: break
                }
                collect(member.value, patterns: &patterns, refs: &refs, depth: depth + 1)
            }
        case .array(let items):
            for item in items { collect(item, patterns: &patterns, refs: &refs, depth: depth + 1) }
        default:
            break
        }
    }

    /// The schema node a `$ref` names, or nil when it points outside this schema or nowhere.
    private static func resolve(_ ref: String, in root: JSONValue, rootID: String?) -> JSONValue? {
        let fragment: Substring
        if let hash = ref.firstIndex(of: "#") {
            let base = ref[..<hash]
            guard base.isEmpty || String(base) == rootID else { return nil }
            fragment = ref[ref.index(after: hash)...]
        } else {
            return ref == rootID ? root : nil
        }
        guard let pointer = String(fragment).removingPercentEncoding else { return nil }
        if pointer.isEmpty { return root }
        guard pointer.hasPrefix("/") else { return nil }
        var node = root
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch node {
            case .object(let members):
                guard let member = members.first(where: { same($0.key, token) }) else { return nil }
                node = member.value
            case .array(let items):
                guard let index = Int(token), index >= 0, index < items.count else { return nil }
                node = items[index]
            default:
                return nil
            }
        }
        return node
    }
}

/// Compiled regular expressions, built once per validator and only read afterwards.
private final class RegexTable: @unchecked Sendable {
    private let compiled: [String: NSRegularExpression]

    init(_ patterns: Set<String>) {
        var table: [String: NSRegularExpression] = [:]
        for pattern in patterns {
            if let regex = try? NSRegularExpression(pattern: pattern) { table[pattern] = regex }
        }
        compiled = table
    }

    /// Whether `pattern` matches somewhere in `text` (unanchored), or nil if it does not compile.
    func search(_ pattern: String, in text: String) -> Bool? {
        guard let regex = compiled[pattern] ?? (try? NSRegularExpression(pattern: pattern)) else { return nil }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
