import FrictionCore
import FrictionNumerics

/// Which arithmetic a dtype's elements are computed in: float32 (float32 and every narrower
/// float, rounded back after each op as NumPy does), float64, or 64-bit integers (all integer
/// types and bool, wrapping like NumPy's fixed-width integers).
public enum ComputeDomain: Sendable {
    case float, double, integer, string

    public init(_ type: DType) {
        switch type.traits.family {
        case .float: self = type == .float64 ? .double : .float
        case .signed, .unsigned, .bool: self = .integer
        case .complex, .string: self = .string
        }
    }
}

extension Tensor {
    /// The elements as float32 (narrow floats decoded exactly, integers converted).
    public func floats() -> [Float] {
        let n = count
        switch type {
        case .float32: return Array(values(Float.self))
        case .float64: return values(Double.self).map { Float($0) }
        case .float16: return values(UInt16.self).map { Float(Float16(bitPattern: $0)) }
        case .bfloat16: return values(UInt16.self).map { Float(bitPattern: UInt32($0) << 16) }
        default:
            if type.traits.family == .float, let format = ScalarFormat(type) {
                return values(UInt8.self).prefix(n).map { format.decode(UInt32($0)) }
            }
            return int64s().map { Float($0) }
        }
    }

    /// The elements as float64.
    public func doubles() -> [Double] {
        switch type {
        case .float64: return Array(values(Double.self))
        case .float32: return values(Float.self).map(Double.init)
        default:
            if type.traits.family == .float { return floats().map(Double.init) }
            if type == .uint64 { return values(UInt64.self).map { Double($0) } }
            return int64s().map(Double.init)
        }
    }

    /// The elements as Int64 (floats truncated toward zero; uint64 as its bit pattern).
    public func int64s() -> [Int64] {
        switch type {
        case .int64: return Array(values(Int64.self))
        case .int32: return values(Int32.self).map(Int64.init)
        case .int16: return values(Int16.self).map(Int64.init)
        case .int8, .int4, .int2: return values(Int8.self).map(Int64.init)
        case .uint8, .uint4, .uint2, .bool: return values(UInt8.self).map(Int64.init)
        case .uint16: return values(UInt16.self).map(Int64.init)
        case .uint32: return values(UInt32.self).map(Int64.init)
        case .uint64: return values(UInt64.self).map { Int64(bitPattern: $0) }
        case .float32, .float64, .float16, .bfloat16: return doubles().map { $0.isFinite ? Int64(clamping: Int64(exactly: $0.rounded(.towardZero)) ?? ($0 < 0 ? Int64.min : Int64.max)) : 0 }
        default:
            if type.traits.family == .float { return floats().map { $0.isFinite ? Int64(saturating: Double($0)) : 0 } }   // e8m0 reaches 2^127
            return Array(repeating: 0, count: count)
        }
    }

    /// A tensor of `type` from float32 values (narrow floats rounded to nearest even with
    /// ml_dtypes overflow; integers truncated and wrapped as NumPy's astype does).
    public static func fromFloats(_ v: [Float], type: DType, shape: [Int]) -> Tensor {
        switch type {
        case .float32: return from(v, type: .float32, shape: shape)
        case .float64: return from(v.map(Double.init), type: .float64, shape: shape)
        case .float16: return from(v.map { Float16($0).bitPattern }, type: .float16, shape: shape)
        default:
            if type.traits.family == .float, let format = ScalarFormat(type) {
                if type == .bfloat16 { return from(v.map { UInt16(format.encode($0)) }, type: type, shape: shape) }
                return from(v.map { UInt8(truncatingIfNeeded: format.encode($0)) }, type: type, shape: shape)
            }
            return fromInt64s(v.map { $0.isFinite ? Int64(exactly: $0.rounded(.towardZero)) ?? 0 : 0 }, type: type, shape: shape)
        }
    }

    /// A tensor of `type` from float64 values.
    public static func fromDoubles(_ v: [Double], type: DType, shape: [Int]) -> Tensor {
        switch type {
        case .float64: return from(v, type: .float64, shape: shape)
        case .float16: return from(v.map { Float16($0).bitPattern }, type: .float16, shape: shape)
        default:
            if type.traits.family == .float {
                if let format = ScalarFormat(type), type != .float32 {
                    if type == .bfloat16 { return from(v.map { UInt16(format.encode($0)) }, type: type, shape: shape) }
                    return from(v.map { UInt8(truncatingIfNeeded: format.encode($0)) }, type: type, shape: shape)
                }
                return from(v.map { Float($0) }, type: .float32, shape: shape)
            }
            return fromInt64s(v.map { $0.isFinite ? Int64(exactly: $0.rounded(.towardZero)) ?? 0 : 0 }, type: type, shape: shape)
        }
    }

    /// A tensor of an integer or bool `type` from Int64 values (wrapped to the type's width;
    /// bool is value != 0).
    public static func fromInt64s(_ v: [Int64], type: DType, shape: [Int]) -> Tensor {
        switch type {
        case .int64: return from(v, type: type, shape: shape)
        case .int32: return from(v.map { Int32(truncatingIfNeeded: $0) }, type: type, shape: shape)
        case .int16: return from(v.map { Int16(truncatingIfNeeded: $0) }, type: type, shape: shape)
        case .int8: return from(v.map { Int8(truncatingIfNeeded: $0) }, type: type, shape: shape)
        case .uint8: return from(v.map { UInt8(truncatingIfNeeded: $0) }, type: type, shape: shape)
        case .uint16: return from(v.map { UInt16(truncatingIfNeeded: $0) }, type: type, shape: shape)
        case .uint32: return from(v.map { UInt32(truncatingIfNeeded: $0) }, type: type, shape: shape)
        case .uint64: return from(v.map { UInt64(bitPattern: $0) }, type: type, shape: shape)
        case .bool: return from(v.map { $0 != 0 ? UInt8(1) : 0 }, type: type, shape: shape)
        case .int4: return from(v.map { Int8(truncatingIfNeeded: ($0 << 60) >> 60) }, type: type, shape: shape)
        case .uint4: return from(v.map { UInt8($0 & 0xF) }, type: type, shape: shape)
        case .int2: return from(v.map { Int8(truncatingIfNeeded: ($0 << 62) >> 62) }, type: type, shape: shape)
        case .uint2: return from(v.map { UInt8($0 & 0x3) }, type: type, shape: shape)
        case .float32, .float64, .float16, .bfloat16: return fromDoubles(v.map(Double.init), type: type, shape: shape)
        default: return fromDoubles(v.map(Double.init), type: type, shape: shape)
        }
    }

    /// The same values in another dtype through the compute domain of `type` (for kernels that
    /// compute in float32, float64 or Int64 and return the input's type).
    public static func from(domain values: DomainValues, type: DType, shape: [Int]) -> Tensor {
        switch values {
        case .float(let v): fromFloats(v, type: type, shape: shape)
        case .double(let v): fromDoubles(v, type: type, shape: shape)
        case .integer(let v): fromInt64s(v, type: type, shape: shape)
        }
    }

    /// The elements in the tensor's compute domain.
    public var domainValues: DomainValues {
        switch ComputeDomain(type) {
        case .float: .float(floats())
        case .double: .double(doubles())
        case .integer, .string: .integer(int64s())
        }
    }
}

/// Elements in one compute domain.
public enum DomainValues {
    case float([Float]), double([Double]), integer([Int64])
}

extension DType {
    /// The dtype with ONNX TensorProto.DataType `code`, if friction has one.
    public static func onnx(_ code: Int64) -> DType? {
        allCases.first { $0.traits.onnx.map(Int64.init) == code }
    }
}
