import FrictionCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads the values of small tensors (shape tensors, constants) from their files, for shape
/// inference and checks that need a value. Payloads above `maxElements` are never read.
public struct TensorReader: Sendable {
    public var maxElements: UInt64
    /// An in-memory image read instead of the file it is named after (fuzzers, tests).
    public var image: ByteSource?

    public init(maxElements: UInt64 = 1 << 16, image: ByteSource? = nil) {
        self.maxElements = maxElements
        self.image = image
    }

    /// The stored bytes of `tensor` (raw storage or an ONNX typed field), or nil.
    func bytes(_ tensor: TensorInfo) -> [UInt8]? {
        let storage = tensor.storage
        guard storage.byteCount <= maxElements * 16 else { return nil }
        if let container = storage.container, container.contains("zstd") || container.contains("deflated") { return nil }
        if let image, image.name == storage.file {
            guard storage.range.upperBound <= image.count else { return nil }
            return Array(image.slice(Int(storage.range.lowerBound)..<Int(storage.range.upperBound)))
        }
        let fd = open(storage.file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: Int(storage.byteCount))
        let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(storage.range.lowerBound)) }
        return n == out.count ? out : nil
    }

    /// Integer values (int8…int64, uint8…uint64, bool) as Int64.
    public func int64s(_ tensor: TensorInfo) -> [Int64]? {
        guard let count = tensor.parameterCount, count <= maxElements, case .dtype(let d) = tensor.type, let raw = bytes(tensor) else { return nil }
        if let field = tensor.storage.container?.split(separator: ":").last, field.hasSuffix("_data") {
            guard field == "int64_data" || field == "int32_data" || field == "uint64_data" else { return nil }
            let values = Self.varints(raw).map { Int64(bitPattern: $0) }
            return field == "int32_data" ? values.map { Int64(Int32(truncatingIfNeeded: $0)) } : values
        }
        let width = (d.bits ?? 0) / 8
        guard width > 0, d.traits.family != .float, raw.count == Int(count) * width else { return nil }
        return (0..<Int(count)).map { i in
            var v: UInt64 = 0
            for k in 0..<width { v |= UInt64(raw[i * width + k]) << (8 * k) }
            switch d {
            case .int8: return Int64(Int8(truncatingIfNeeded: v))
            case .int16: return Int64(Int16(truncatingIfNeeded: v))
            case .int32: return Int64(Int32(truncatingIfNeeded: v))
            default: return Int64(bitPattern: v)
            }
        }
    }

    /// Floating values (float16, bfloat16, float32, float64) as Double.
    public func doubles(_ tensor: TensorInfo) -> [Double]? {
        guard let count = tensor.parameterCount, count <= maxElements, case .dtype(let d) = tensor.type, let raw = bytes(tensor) else { return nil }
        if let field = tensor.storage.container?.split(separator: ":").last, field.hasSuffix("_data") {
            switch field {
            case "float_data": return stride(from: 0, to: raw.count - 3, by: 4).map { Double(Float(bitPattern: Self.le32(raw, $0))) }
            case "double_data": return stride(from: 0, to: raw.count - 7, by: 8).map { Double(bitPattern: Self.le64(raw, $0)) }
            default: return int64s(tensor)?.map(Double.init)
            }
        }
        switch d {
        case .float32 where raw.count == Int(count) * 4: return (0..<Int(count)).map { Double(Float(bitPattern: Self.le32(raw, $0 * 4))) }
        case .float64 where raw.count == Int(count) * 8: return (0..<Int(count)).map { Double(bitPattern: Self.le64(raw, $0 * 8)) }
        case .float16 where raw.count == Int(count) * 2:
            return (0..<Int(count)).map { Double(Float(Float16(bitPattern: UInt16(raw[$0 * 2]) | UInt16(raw[$0 * 2 + 1]) << 8))) }
        case .bfloat16 where raw.count == Int(count) * 2:
            return (0..<Int(count)).map { Double(Float(bitPattern: (UInt32(raw[$0 * 2]) | UInt32(raw[$0 * 2 + 1]) << 8) << 16)) }
        default: return int64s(tensor)?.map(Double.init)
        }
    }

    static func le32(_ b: [UInt8], _ i: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[i + $1]) << (8 * $1) } }
    static func le64(_ b: [UInt8], _ i: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[i + $1]) << (8 * $1) } }

    static func varints(_ b: [UInt8]) -> [UInt64] {
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
