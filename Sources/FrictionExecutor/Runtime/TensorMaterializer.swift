import FrictionCore
import FrictionLoaders
#if canImport(Glibc)
import Glibc
#endif

/// Turns a ``TensorInfo`` from the ONNX loader (an initializer, a Constant's value, a `.pb`
/// test tensor) into a ``Tensor``: raw little-endian data is used in place when it is aligned
/// (copied otherwise), packed typed fields (`float_data`, `int32_data`, …) are decoded, and
/// packed 4- and 2-bit types are unpacked to a byte per element.
public final class TensorMaterializer: @unchecked Sendable {
    private var sources: [String: ByteSource] = [:]

    public init() {}

    private func source(_ path: String) throws(ExecutionError) -> ByteSource {
        if let s = sources[path] { return s }
        do throws(LoadError) {
            let s = try ByteSource.map(path: path)
            sources[path] = s
            return s
        } catch {
            throw ExecutionError("tensor-data", "cannot read tensor data: \(error.message)")
        }
    }

    public func tensor(_ info: TensorInfo) throws(ExecutionError) -> Tensor {
        guard case .dtype(let type) = info.type else {
            throw ExecutionError("unsupported-dtype", "tensor \(info.name) has element type \(info.type)")
        }
        guard let dims = info.shape.fixedDims else { throw ExecutionError("tensor-data", "tensor \(info.name) has a symbolic shape") }
        let shape = dims.map { Int(clamping: $0) }
        guard let count = Tensor.checkedCount(shape, type) else {
            throw ExecutionError("tensor-too-large", "tensor \(info.name) of shape \(shape) is larger than this machine's memory")
        }
        if count == 0 { return Tensor(zeros: type, shape) }
        let container = info.storage.container
        if let c = container, !c.hasPrefix("onnx:") {
            throw ExecutionError("tensor-data", "tensor \(info.name) is inside \(c); decode the file first")
        }
        let file = try source(info.storage.file)
        let range = info.storage.range
        guard range.upperBound <= file.count else {
            throw ExecutionError("tensor-data", "tensor \(info.name) data [\(range.lowerBound), \(range.upperBound)) lies past the end of \(info.storage.file)")
        }
        let bytes = UnsafeRawBufferPointer(rebasing: file.bytes[Int(range.lowerBound)..<Int(range.upperBound)])
        if let field = container?.dropFirst("onnx:".count) {
            return try typed(String(field), bytes, type: type, shape: shape, name: info.name)
        }
        // Misaligned raw data of a large tensor: read it with pread into aligned memory (cheaper
        // than faulting the mapping in and copying).
        let size = Tensor.elementSize(type)
        if (type.bits ?? 8) >= 8, size > 1, let base = bytes.baseAddress, Int(bitPattern: base) % size != 0,
           count * size >= 1 << 20, bytes.count >= count * size {
            let fd = open(info.storage.file, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                defer { close(fd) }
                if let buffer = TensorBuffer.reading(fd: fd, offset: range.lowerBound, byteCount: count * size) {
                    return Tensor(type: type, shape: shape, buffer: buffer)
                }
            }
        }
        return try raw(bytes, type: type, shape: shape, name: info.name, owner: file)
    }

    /// raw_data: little-endian elements, sub-byte types packed low nibble first.
    func raw(_ bytes: UnsafeRawBufferPointer, type: DType, shape: [Int], name: String, owner: ByteSource) throws(ExecutionError) -> Tensor {
        let count = shape.reduce(1, *)
        guard type != .string else { throw ExecutionError("unsupported-dtype", "string tensor \(name) in raw_data") }
        let bits = type.bits ?? 8
        if bits < 8 {
            let perByte = 8 / bits
            guard bytes.count >= (count + perByte - 1) / perByte else { throw ExecutionError("tensor-data", "tensor \(name) is short") }
            let mask = UInt8((1 << bits) - 1)
            let codes = (0..<count).map { i in (bytes[i / perByte] >> UInt8((i % perByte) * bits)) & mask }
            return Self.fromCodes(codes, type: type, shape: shape)
        }
        let size = Tensor.elementSize(type)
        guard bytes.count >= count * size else { throw ExecutionError("tensor-data", "tensor \(name) has \(bytes.count) bytes, needs \(count * size)") }
        if let base = bytes.baseAddress, Int(bitPattern: base) % max(size, 1) == 0 {
            return Tensor(type: type, shape: shape, buffer: TensorBuffer(borrowing: base, byteCount: count * size, owner: owner))
        }
        return Tensor(type: type, shape: shape, buffer: TensorBuffer(copying: bytes.baseAddress, byteCount: count * size))
    }

    /// Sub-byte codes (one per element) as a tensor: signed types sign-extended.
    static func fromCodes(_ codes: [UInt8], type: DType, shape: [Int]) -> Tensor {
        switch type {
        case .int4: Tensor.from(codes.map { Int8(bitPattern: $0 << 4) >> 4 }, type: type, shape: shape)
        case .int2: Tensor.from(codes.map { Int8(bitPattern: $0 << 6) >> 6 }, type: type, shape: shape)
        default: Tensor.from(codes, type: type, shape: shape)
        }
    }

    /// Packed repeated fields of TensorProto.
    func typed(_ field: String, _ bytes: UnsafeRawBufferPointer, type: DType, shape: [Int], name: String) throws(ExecutionError) -> Tensor {
        let count = shape.reduce(1, *)
        switch field {
        case "float_data":
            guard type == .float32, bytes.count >= count * 4 else { break }
            return Tensor.from((0..<count).map { bytes.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }, type: type, shape: shape)
        case "double_data":
            guard type == .float64, bytes.count >= count * 8 else { break }
            return Tensor.from((0..<count).map { bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }, type: type, shape: shape)
        case "int64_data", "int32_data", "uint64_data":
            let values = Self.varints(bytes)
            if field == "int32_data", (type.bits ?? 8) < 8 {
                // Packed sub-byte elements, two (or four) per int32 value.
                let bits = type.bits ?? 4
                let perValue = 8 / bits
                let mask = UInt64((1 << bits) - 1)
                let codes = (0..<count).map { i in UInt8(truncatingIfNeeded: (values[safe: i / perValue] ?? 0) >> UInt64((i % perValue) * bits) & mask) }
                return Self.fromCodes(codes, type: type, shape: shape)
            }
            guard values.count >= count else { break }
            let v = Array(values.prefix(count))
            switch type {
            case .float16, .bfloat16: return Tensor.from(v.map { UInt16(truncatingIfNeeded: $0) }, type: type, shape: shape)
            case .float8_e4m3fn, .float8_e4m3fnuz, .float8_e5m2, .float8_e5m2fnuz, .float8_e8m0fnu:
                return Tensor.from(v.map { UInt8(truncatingIfNeeded: $0) }, type: type, shape: shape)
            default: return Tensor.fromInt64s(v.map { Int64(bitPattern: $0) }, type: type, shape: shape)
            }
        default: break
        }
        throw ExecutionError("tensor-data", "tensor \(name): \(field) does not hold \(count) \(type) values")
    }

    static func varints(_ b: UnsafeRawBufferPointer) -> [UInt64] {
        var out: [UInt64] = []
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in b {
            if shift < 64 { value |= UInt64(byte & 0x7F) << shift }
            if byte & 0x80 == 0 { out.append(value); value = 0; shift = 0 } else { shift += 7 }
        }
        return out
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
