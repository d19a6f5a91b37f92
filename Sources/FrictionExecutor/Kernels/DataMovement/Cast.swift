import FrictionCore
import FrictionNumerics

extension Kernels {
    /// Cast (`to`: a TensorProto code; Cast-1 also took a type name), `saturate` for the float8
    /// targets (19+, default 1), `round_mode` for FLOAT8E8M0 (24+). As the reference's
    /// `cast_to`: float8 with saturate clips to ±max, otherwise NumPy / ml_dtypes `astype`.
    static let cast: [KernelSpec] = [
        KernelSpec("Cast", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let x = try ctx.input(0)
            let to = try CastOp.target(ctx)
            return [try CastOp.cast(x, to: to, saturate: ctx.opset < 19 || ctx.int("saturate", 1) != 0,
                                    rounding: try CastOp.rounding(ctx), ctx)]
        },
    ]

    static let castLike: [KernelSpec] = [
        KernelSpec("CastLike", versions: 15...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let x = try ctx.input(0), like = try ctx.input(1)
            return [try CastOp.cast(x, to: like.type, saturate: ctx.opset < 19 || ctx.int("saturate", 1) != 0,
                                    rounding: try CastOp.rounding(ctx), ctx)]
        },
    ]
}

enum CastOp {
    static let names: [String: Int32] = [
        "FLOAT": 1, "UINT8": 2, "INT8": 3, "UINT16": 4, "INT16": 5, "INT32": 6, "INT64": 7, "STRING": 8, "BOOL": 9,
        "FLOAT16": 10, "DOUBLE": 11, "UINT32": 12, "UINT64": 13, "COMPLEX64": 14, "COMPLEX128": 15, "BFLOAT16": 16,
    ]

    static func target(_ ctx: KernelContext) throws(ExecutionError) -> DType {
        var code: Int32?
        if let v = ctx.node.int("to") {
            code = Int32(exactly: v)
        } else if let name = ctx.node.string("to") {
            code = names[name.uppercased()]
        }
        guard let c = code, let type = DType.fromONNX(c) else { throw ctx.fail("Cast has no valid `to` type") }
        return type
    }

    static func rounding(_ ctx: KernelContext) throws(ExecutionError) -> E8M0Rounding {
        switch ctx.string("round_mode", "up") {
        case "up": return .roundUp
        case "down": return .roundDown
        case "nearest": return .nearest
        case let other: throw ctx.fail("unknown round_mode \(other)")
        }
    }

    /// Narrow float targets that go through ONNX's float8 rules rather than a plain conversion.
    static func isNarrowFloat(_ t: DType) -> Bool {
        t.traits.family == .float && t != .float16 && t != .bfloat16 && t != .float32 && t != .float64
    }

    static func cast(_ x: Tensor, to: DType, saturate: Bool, rounding: E8M0Rounding,
                     _ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        if x.type == to { return x }
        let shape = x.shape
        let from = x.type
        if from.traits.family == .complex || to.traits.family == .complex {
            throw ctx.fail("Cast between \(from) and \(to) is not supported", code: "unsupported-dtype")
        }
        if to == .string { return toStrings(x) }
        if from == .string { return try fromStrings(x, to: to, saturate: saturate, rounding: rounding, ctx) }

        if to == .bool {
            return Tensor.from(DataMovement.isNonzero(x).map { $0 ? UInt8(1) : 0 }, type: .bool, shape: shape)
        }
        if isNarrowFloat(to) {
            guard let format = ScalarFormat(to) else { throw ctx.fail("cannot cast to \(to)", code: "unsupported-dtype") }
            if from == .float64 {
                let codes = x.values(Double.self).map { UInt8(truncatingIfNeeded: encode($0, format, saturate: saturate, rounding: rounding)) }
                return Tensor.from(codes, type: to, shape: shape)
            }
            let values: [Float]
            if from == .uint64 {
                values = x.values(UInt64.self).map { Float($0) }
            } else if from.traits.family == .float {
                values = x.floats()
            } else {
                values = x.int64s().map { Float($0) }
            }
            let codes = values.map { UInt8(truncatingIfNeeded: ONNXCast.encode($0, to: format, saturate: saturate, e8m0Rounding: rounding)) }
            return Tensor.from(codes, type: to, shape: shape)
        }
        switch to {
        case .float32:
            switch from {
            case .float64: return Tensor.from(x.values(Double.self).map { Float($0) }, type: .float32, shape: shape)
            case .uint64: return Tensor.from(x.values(UInt64.self).map { Float($0) }, type: .float32, shape: shape)
            default:
                if from.traits.family == .float { return Tensor.from(x.floats(), type: .float32, shape: shape) }
                return Tensor.from(x.int64s().map { Float($0) }, type: .float32, shape: shape)
            }
        case .float64:
            return Tensor.from(x.doubles(), type: .float64, shape: shape)
        case .float16, .bfloat16:
            switch from {
            case .float64, .uint64: return Tensor.fromDoubles(x.doubles(), type: to, shape: shape)
            default:
                if from.traits.family == .float { return Tensor.fromFloats(x.floats(), type: to, shape: shape) }
                return Tensor.fromDoubles(x.int64s().map { Double($0) }, type: to, shape: shape)
            }
        default:
            // Integer targets: floats truncate toward zero, integers wrap to the target width.
            if from.traits.family == .float {
                if from == .float64 { return Tensor.fromDoubles(x.doubles(), type: to, shape: shape) }
                return Tensor.fromDoubles(x.floats().map { Double($0) }, type: to, shape: shape)
            }
            return Tensor.fromInt64s(x.int64s(), type: to, shape: shape)
        }
    }

    /// ONNXCast.encode for a float64 source (float8 from the double directly; E8M0 through float32
    /// as the reference's `to_float8e8m0`).
    static func encode(_ v: Double, _ format: ScalarFormat, saturate: Bool, rounding: E8M0Rounding) -> UInt32 {
        switch format.dtype {
        case .float8_e8m0fnu: return ONNXCast.encode(Float(v), to: format, saturate: saturate, e8m0Rounding: rounding)
        case .float4_e2m1fn: return format.encode(v, overflow: .mlDtypes)
        default: return format.encode(v, overflow: saturate ? .saturate : .onnxNoSaturate)
        }
    }

    // MARK: - Strings

    /// Numeric → string as NumPy's `astype(str)`: shortest round-trip digits, positional for
    /// 1e-4 ≤ |x| < 10^p (p = 16 for float64, 6 for float32, 3 for float16), else scientific.
    static func toStrings(_ x: Tensor) -> Tensor {
        var out = Tensor(zeros: .string, x.shape)
        switch x.type {
        case .float64: out.strings = x.values(Double.self).map { numpyFloat($0.description, magnitude: $0.magnitude, limit: 16) }
        case .float32: out.strings = x.values(Float.self).map { numpyFloat($0.description, magnitude: Double($0.magnitude), limit: 6) }
        case .float16: out.strings = x.values(UInt16.self).map { numpyFloat(Float16(bitPattern: $0).description, magnitude: Double(Float16(bitPattern: $0).magnitude), limit: 3) }
        case .bool: out.strings = x.values(UInt8.self).map { $0 != 0 ? "True" : "False" }
        case .uint64: out.strings = x.values(UInt64.self).map { String($0) }
        default:
            if x.type.traits.family == .float {
                out.strings = x.floats().map { numpyFloat($0.description, magnitude: Double($0.magnitude), limit: 6) }
            } else {
                out.strings = x.int64s().map { String($0) }
            }
        }
        return out
    }

    /// Re-renders a Swift float description (of a value of `magnitude`) ("1e-05", "123.5", "1.2345679e+08") in NumPy's style.
    static func numpyFloat(_ description: String, magnitude: Double, limit: Int) -> String {
        var s = Substring(description)
        if s.hasSuffix("nan") { return "nan" }
        var sign = ""
        if s.hasPrefix("-") { sign = "-"; s = s.dropFirst() }
        if s == "inf" { return sign + "inf" }
        var mantissa = s
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = s[..<e]
            exponent = Int(s[s.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = parts.first.map { String($0) } ?? ""
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = Array(whole + fraction)
        var point = whole.count + exponent
        while digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty { return sign + "0.0" }
        let x = point - 1
        // The low bound compares the value itself (float32 0.0001 lies below 1e-4).
        if magnitude < 1e-4 || x >= limit {
            var text = String(digits[0])
            if digits.count > 1 { text += "." + String(digits[1...]) }
            let e = abs(x)
            return sign + text + "e" + (x < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + String(digits) }
        if point >= digits.count { return sign + String(digits) + String(repeating: "0", count: point - digits.count) + ".0" }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }

    /// String → numeric: decimal and scientific literals, INF / +INF / -INF / NaN in any case.
    static func fromStrings(_ x: Tensor, to: DType, saturate: Bool, rounding: E8M0Rounding,
                            _ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        let shape = x.shape
        if to == .bool {
            return Tensor.from(x.strings.map { s -> UInt8 in
                let t = s.trimmedASCII()
                if let v = Double(t) { return v != 0 ? 1 : 0 }
                return t.isEmpty ? 0 : 1
            }, type: .bool, shape: shape)
        }
        if to.traits.family == .float {
            let doubles = x.strings.map(parseDouble)
            if to == .float32 { return Tensor.from(doubles.map { Float($0) }, type: .float32, shape: shape) }
            return try cast(Tensor.from(doubles, type: .float64, shape: shape), to: to, saturate: saturate, rounding: rounding, ctx)
        }
        let ints = x.strings.map { s -> Int64 in
            let t = s.trimmedASCII()
            if let v = Int64(t) { return v }
            if to == .uint64, let v = UInt64(t) { return Int64(bitPattern: v) }
            let d = parseDouble(t)
            return d.isFinite ? Int64(exactly: d.rounded(.towardZero)) ?? 0 : 0
        }
        return Tensor.fromInt64s(ints, type: to, shape: shape)
    }

    static func parseDouble(_ s: String) -> Double {
        let t = s.trimmedASCII()
        switch t.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: return Double(t) ?? .nan
        }
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace.
    fileprivate func trimmedASCII() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
