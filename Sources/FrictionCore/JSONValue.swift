/// A JSON value for reports and metadata. Objects keep their members in the order given;
/// ``serialized(indent:)`` writes keys sorted, so output is deterministic.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// Member lookup for objects (first match).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }

    /// The items of an `.array`.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }

    /// The value of a `.bool`.
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }

    /// Integer view of `.int`, `.uint` (if it fits) or an integral `.double`.
    public var int64Value: Int64? {
        switch self {
        case .int(let v): v
        case .uint(let v): v <= UInt64(Int64.max) ? Int64(v) : nil
        case .double(let v): v.rounded() == v && abs(v) < 9.2e18 ? Int64(v) : nil
        default: nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let v): Double(v)
        case .uint(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }

    /// Convenience constructor for an object from pairs (keys must be unique).
    public static func object(_ pairs: [(String, JSONValue)]) -> JSONValue {
        .object(pairs.map { JSONMember(key: $0.0, value: $0.1) })
    }
}

/// One member of a JSON object.
public struct JSONMember: Sendable, Hashable {
    public var key: String
    public var value: JSONValue
    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}
