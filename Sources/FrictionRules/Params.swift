import FrictionCore

/// The declared type of a check parameter.
public enum ParamType: String, Sendable {
    case string, int, number, bool, strings, ints, object, any

    func accepts(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.any, _): true
        case (.string, .string), (.bool, .bool), (.object, .object): true
        case (.int, .int), (.int, .uint): true
        case (.number, .int), (.number, .uint), (.number, .double): true
        case (.strings, .array(let items)): items.allSatisfy { $0.stringValue != nil }
        case (.ints, .array(let items)): items.allSatisfy { $0.int64Value != nil && $0.doubleValue == $0.int64Value.map(Double.init) }
        default: false
        }
    }
}

/// One parameter a check kind accepts, with its documentation.
public struct ParamSpec: Sendable {
    public var name: String
    public var type: ParamType
    public var required: Bool
    public var doc: String

    public init(_ name: String, _ type: ParamType, required: Bool = false, _ doc: String) {
        self.name = name
        self.type = type
        self.required = required
        self.doc = doc
    }
}

/// Why a check kind refused its parameters; `key` names the parameter.
public struct ParamError: Error, Sendable {
    public var key: String?
    public var message: String

    public init(_ message: String, key: String? = nil) {
        self.key = key
        self.message = message
    }
}

/// A rule's parameters after validation against its check kind's specs: unknown names and
/// wrong types are refused before any model is looked at.
public struct Params: Sendable {
    public let values: [String: JSONValue]

    public init(_ value: JSONValue, specs: [ParamSpec]) throws(ParamError) {
        var values: [String: JSONValue] = [:]
        switch value {
        case .null: break
        case .object(let members): for m in members { values[m.key] = m.value }
        default: throw ParamError("params must be a mapping")
        }
        let known = Dictionary(specs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (key, v) in values {
            guard let spec = known[key] else {
                throw ParamError("unknown parameter '\(key)'; this check takes: \(specs.map(\.name).sorted().joined(separator: ", "))", key: key)
            }
            guard spec.type.accepts(v) else { throw ParamError("parameter '\(key)' must be of type \(spec.type.rawValue)", key: key) }
        }
        for spec in specs where spec.required && values[spec.name] == nil {
            throw ParamError("missing required parameter '\(spec.name)'", key: spec.name)
        }
        self.values = values
    }

    public func string(_ key: String) -> String? { values[key]?.stringValue }
    public func int(_ key: String) -> Int64? { values[key]?.int64Value }
    public func number(_ key: String) -> Double? { values[key]?.doubleValue }
    public func bool(_ key: String) -> Bool? { if case .bool(let b)? = values[key] { b } else { nil } }
    public func strings(_ key: String) -> [String]? {
        if case .array(let items)? = values[key] { items.compactMap(\.stringValue) } else { nil }
    }
    public func ints(_ key: String) -> [Int64]? {
        if case .array(let items)? = values[key] { items.compactMap(\.int64Value) } else { nil }
    }
    public subscript(key: String) -> JSONValue? { values[key] }

    /// Parameters merged with overrides (configuration `params:`), overrides winning.
    public static func merge(_ base: JSONValue, _ overrides: JSONValue?) -> JSONValue {
        guard case .object(let extra)? = overrides else { return base }
        var members: [JSONMember] = []
        if case .object(let b) = base { members = b }
        for m in extra {
            if let i = members.firstIndex(where: { $0.key == m.key }) { members[i].value = m.value } else { members.append(m) }
        }
        return .object(members)
    }
}
