import FrictionCore

extension ONNXDecoder {
    /// `TensorProto.DataType` names by value (onnx/onnx.proto3).
    static let typeNames: [Int32: String] = [
        0: "UNDEFINED", 1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32", 7: "INT64", 8: "STRING",
        9: "BOOL", 10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64", 14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16",
        17: "FLOAT8E4M3FN", 18: "FLOAT8E4M3FNUZ", 19: "FLOAT8E5M2", 20: "FLOAT8E5M2FNUZ", 21: "UINT4", 22: "INT4",
        23: "FLOAT4E2M1", 24: "FLOAT8E8M0", 25: "UINT2", 26: "INT2",
    ]

    /// The TensorProto fields that may carry data, with the element counts each implies.
    static let typedFields: [UInt32: String] = [
        4: "float_data", 5: "int32_data", 6: "string_data", 7: "int64_data", 10: "double_data", 11: "uint64_data",
    ]

    /// Decodes a TensorProto (field numbers: dims 1, data_type 2, segment 3, typed data 4–7/10/11,
    /// name 8, raw_data 9, doc 12, external_data 13, data_location 14) and checks that its data
    /// has exactly the size its dims and type imply.
    mutating func tensor(_ range: Range<Int>, tag: Int) throws(ProtoError) -> TensorInfo {
        var reader = ProtoReader(bytes, range: range)
        let m = "TensorProto"
        var dims: [Int64] = []
        var code: Int32 = 0
        var name = ""
        var raw: Range<Int>?
        var typed: (field: String, range: Range<Int>, count: Int)?
        var external: [(String, String)] = []
        var location: UInt64 = 0
        var segment = false
        while let f = try reader.next() {
            switch f.number {
            case 1: dims += try f.varints(bytes, m).map { Int64(bitPattern: $0) }
            case 2: code = Int32(truncatingIfNeeded: try f.integer(m))
            case 3: segment = true
            case 8: name = try f.string(bytes, m)
            case 9: raw = try f.payload(m)
            case 13: external.append(try entry(try f.payload(m)))
            case 14: location = try f.integer(m)
            case let n where Self.typedFields[n] != nil:
                let field = Self.typedFields[n] ?? ""
                let (r, count) = try typedPayload(f, field: field)
                if let previous = typed, previous.field == field {
                    typed = (field, previous.range.lowerBound..<r.upperBound, previous.count + count)
                } else {
                    typed = (field, r, count)
                }
            default: break
            }
        }
        if segment {
            issues.append(ctx.issue("onnx-segment", "tensor \(name) is a segment of a larger tensor; segments are not joined", at: tag, path: name, level: .info))
        }
        guard dims.allSatisfy({ $0 >= 0 }), let count = Shape.checkedProduct(dims.map(UInt64.init)), count <= UInt64(Int64.max) else {
            throw ProtoError(code: "onnx-overflow", offset: tag, message: "tensor \(name) has dims \(dims) whose product is negative or overflows int64")
        }
        let type = elementType(code) ?? .unknown("onnx 0")
        let shape = Shape(fixed: dims.map(UInt64.init))
        let expectedBytes: UInt64? = {
            guard case .dtype(let d) = type, let bits = d.bits else { return nil }
            let (total, overflow) = count.multipliedReportingOverflow(by: UInt64(bits))
            return overflow ? nil : (total + 7) / 8
        }()
        let onnxName = Self.typeNames[code] ?? "onnx \(code)"
        if location == 1 {
            if raw != nil || typed != nil {
                throw ProtoError(code: "onnx-data-location", offset: tag, message: "tensor \(name) is EXTERNAL but also holds data in the file")
            }
            let storage = try externalStorage(external, name: name, tag: tag, expectedBytes: expectedBytes)
            return TensorInfo(name: name, type: type, storedType: onnxName, shape: shape, storage: storage, byteOrder: byteOrder(type))
        }
        if !external.isEmpty {
            issues.append(ctx.issue("onnx-external-key", "tensor \(name) has external_data entries but data_location is not EXTERNAL; they are ignored", at: tag, path: name))
        }
        if let raw {
            if let expectedBytes, UInt64(raw.count) != expectedBytes {
                throw ProtoError(code: "onnx-tensor-size", offset: tag,
                                 message: "tensor \(name): \(type) \(shape) needs \(expectedBytes) bytes of raw_data, found \(raw.count)")
            }
            let begin = UInt64(raw.lowerBound)
            return TensorInfo(name: name, type: type, storedType: onnxName, shape: shape,
                              storage: TensorStorage(file: ctx.file, range: begin..<(begin + UInt64(raw.count)), container: ctx.container),
                              byteOrder: byteOrder(type))
        }
        if let typed {
            if let expected = Self.expectedTypedCount(type, count: count, field: typed.field), expected != UInt64(typed.count) {
                throw ProtoError(code: "onnx-tensor-size", offset: tag,
                                 message: "tensor \(name): \(type) \(shape) needs \(expected) values in \(typed.field), found \(typed.count)")
            }
            let container = (ctx.container.map { $0 + "+" } ?? "") + "onnx:\(typed.field)"
            return TensorInfo(name: name, type: type, storedType: onnxName, shape: shape,
                              storage: TensorStorage(file: ctx.file, range: UInt64(typed.range.lowerBound)..<UInt64(typed.range.upperBound), container: container),
                              byteOrder: .notApplicable)
        }
        if count > 0 {
            throw ProtoError(code: "onnx-tensor-size", offset: tag, message: "tensor \(name): \(type) \(shape) has \(count) elements but no data")
        }
        let at = UInt64(range.lowerBound)
        return TensorInfo(name: name, type: type, storedType: onnxName, shape: shape, storage: TensorStorage(file: ctx.file, range: at..<at, container: ctx.container))
    }

    func byteOrder(_ type: ElementType) -> ByteOrder {
        if case .dtype(let d) = type, (d.bits ?? 8) > 8 { return .little }
        return .notApplicable
    }

    /// The payload range and element count of a typed data field (packed or not).
    func typedPayload(_ f: ProtoField, field: String) throws(ProtoError) -> (Range<Int>, Int) {
        switch (f.value, field) {
        case (.bytes(let r), "string_data"): return (f.tagOffset..<r.upperBound, 1)
        case (.bytes(let r), "float_data"):
            guard r.count % 4 == 0 else { throw ProtoError(code: "onnx-tensor-size", offset: f.tagOffset, message: "packed float_data is not a multiple of 4 bytes") }
            return (r, r.count / 4)
        case (.bytes(let r), "double_data"):
            guard r.count % 8 == 0 else { throw ProtoError(code: "onnx-tensor-size", offset: f.tagOffset, message: "packed double_data is not a multiple of 8 bytes") }
            return (r, r.count / 8)
        case (.bytes(let r), _):
            // Packed varints: one value ends at every byte without the continuation bit.
            var count = 0
            for i in r where bytes[i] & 0x80 == 0 { count += 1 }
            if let last = r.last, bytes[last] & 0x80 != 0 {
                throw ProtoError(code: "onnx-truncated", offset: f.tagOffset, message: "\(field) ends inside a varint")
            }
            return (r, count)
        case (.fixed32, _), (.fixed64, _), (.varint, _):
            return (f.tagOffset..<f.tagOffset, 1)
        }
    }

    /// Values a typed field must hold for `count` elements of `type` (nil: not checked).
    static func expectedTypedCount(_ type: ElementType, count: UInt64, field: String) -> UInt64? {
        guard case .dtype(let d) = type else { return nil }
        switch (field, d) {
        case ("float_data", .float32), ("int64_data", .int64), ("double_data", .float64), ("uint64_data", .uint32), ("uint64_data", .uint64),
             ("string_data", .string):
            return count
        case ("float_data", .complex64), ("double_data", .complex128):
            return count * 2
        case ("int32_data", _) where (d.bits ?? 0) >= 8 && d.traits.family != .complex:
            return count
        default:
            return nil
        }
    }

    func sparseTensor(_ range: Range<Int>, tag: Int) throws(ProtoError) -> SparseTensorInfo {
        var copy = self
        var reader = ProtoReader(bytes, range: range)
        var values: TensorInfo?, indices: TensorInfo?
        var dims: [UInt64] = []
        while let f = try reader.next() {
            switch f.number {
            case 1: values = try copy.tensor(try f.payload("SparseTensorProto"), tag: f.tagOffset)
            case 2: indices = try copy.tensor(try f.payload("SparseTensorProto"), tag: f.tagOffset)
            case 3: dims += try f.varints(bytes, "SparseTensorProto")
            default: break
            }
        }
        let empty = TensorInfo(name: "", type: .unknown("none"), storedType: "", shape: Shape(fixed: []),
                               storage: TensorStorage(file: ctx.file, range: UInt64(tag)..<UInt64(tag)))
        return SparseTensorInfo(values: values ?? empty, indices: indices ?? empty, shape: Shape(fixed: dims))
    }
}
