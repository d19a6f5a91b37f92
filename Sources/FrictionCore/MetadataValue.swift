/// The GGUF metadata value types, with their on-disk ids (ggml docs/gguf.md).
public enum MetadataType: UInt32, Sendable, CaseIterable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6
    case bool = 7, string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// The spelling gguf-py uses (`UINT8`, `ARRAY`, …).
    public var name: String { String(describing: self).uppercased() }

    /// Encoded size of one scalar value in bytes, or nil for strings and arrays.
    public var scalarSize: Int? {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64: 8
        case .string, .array: nil
        }
    }
}

/// A typed metadata value: GGUF key/values keep their exact type; safetensors metadata are
/// strings; JSON documents (config.json) keep their JSON form.
public indirect enum MetadataValue: Sendable, Hashable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64)
    case float32(Float), float64(Double)
    case bool(Bool)
    case string(String)
    case array(MetadataType, [MetadataValue])
    case json(JSONValue)

    /// The GGUF type name of this value (`JSON` for JSON documents).
    public var typeName: String {
        switch self {
        case .uint8: "UINT8"
        case .int8: "INT8"
        case .uint16: "UINT16"
        case .int16: "INT16"
        case .uint32: "UINT32"
        case .int32: "INT32"
        case .uint64: "UINT64"
        case .int64: "INT64"
        case .float32: "FLOAT32"
        case .float64: "FLOAT64"
        case .bool: "BOOL"
        case .string: "STRING"
        case .array: "ARRAY"
        case .json: "JSON"
        }
    }

    /// The value as JSON: integers exact, float32 widened exactly to double.
    public var jsonValue: JSONValue {
        switch self {
        case .uint8(let v): .uint(UInt64(v))
        case .int8(let v): .int(Int64(v))
        case .uint16(let v): .uint(UInt64(v))
        case .int16(let v): .int(Int64(v))
        case .uint32(let v): .uint(UInt64(v))
        case .int32(let v): .int(Int64(v))
        case .uint64(let v): .uint(v)
        case .int64(let v): .int(v)
        case .float32(let v): .double(Double(v))
        case .float64(let v): .double(v)
        case .bool(let v): .bool(v)
        case .string(let v): .string(v)
        case .array(_, let items): .array(items.map(\.jsonValue))
        case .json(let v): v
        }
    }
}

/// One metadata key/value with where it came from.
public struct MetadataEntry: Sendable, Hashable {
    public var key: String
    public var value: MetadataValue
    public var location: Location

    public init(key: String, value: MetadataValue, location: Location) {
        self.key = key
        self.value = value
        self.location = location
    }
}
