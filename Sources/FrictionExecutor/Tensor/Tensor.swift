import Foundation
import FrictionCore

/// A dense row-major tensor. Sub-byte types (int4, uint4, int2, uint2, float4) and bool are kept
/// one element per byte; string tensors keep their values in ``strings``.
public struct Tensor: @unchecked Sendable {
    public var type: DType
    public var shape: [Int]
    public var buffer: TensorBuffer
    public var strings: [String] = []

    public init(type: DType, shape: [Int], buffer: TensorBuffer, strings: [String] = []) {
        self.type = type
        self.shape = shape
        self.buffer = buffer
        self.strings = strings
    }

    /// A zero-filled tensor.
    public init(zeros type: DType, _ shape: [Int]) {
        let count = shape.reduce(1, *)
        self.init(type: type, shape: shape, buffer: TensorBuffer(byteCount: count * Tensor.elementSize(type)),
                  strings: type == .string ? Array(repeating: "", count: count) : [])
    }

    /// Bytes per stored element (sub-byte types are unpacked to one byte; strings are not in the buffer).
    public static func elementSize(_ type: DType) -> Int {
        guard type != .string, let bits = type.bits else { return 0 }
        return max(1, bits / 8)
    }

    public var count: Int { shape.reduce(1, *) }

    /// The largest tensor the executor allocates: the machine's physical memory (an output
    /// larger than that is an error, never an allocation failure).
    public static let maxBytes = Int(clamping: ProcessInfo.processInfo.physicalMemory)

    /// Elements of `shape` × `type`'s size, or nil when a dimension is negative, the product
    /// overflows, or the bytes exceed ``maxBytes``.
    public static func checkedCount(_ shape: [Int], _ type: DType) -> Int? {
        var n = 1
        var extent = 1   // the product with zeros counted as one: strides of an empty tensor must not overflow
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            let (e, eo) = extent.multipliedReportingOverflow(by: max(d, 1))
            guard !o, !eo else { return nil }
            n = p
            extent = e
        }
        let (bytes, o) = n.multipliedReportingOverflow(by: max(elementSize(type), 1))
        return o || bytes > maxBytes ? nil : n
    }
    public var rank: Int { shape.count }
    public var elementSize: Int { Tensor.elementSize(type) }

    /// The elements as `T` (the caller matches `T` to ``type``).
    public func values<T>(_: T.Type) -> UnsafeMutableBufferPointer<T> {
        UnsafeMutableBufferPointer(start: buffer.base.assumingMemoryBound(to: T.self), count: count)
    }

    /// A tensor holding `values`.
    public static func from<T>(_ values: [T], type: DType, shape: [Int]) -> Tensor {
        let t = Tensor(zeros: type, shape)
        values.withUnsafeBytes { src in
            if let from = src.baseAddress, src.count > 0 {
                t.buffer.base.copyMemory(from: from, byteCount: min(src.count, t.buffer.byteCount))
            }
        }
        return t
    }

    public static func scalar(_ v: Float) -> Tensor { from([v], type: .float32, shape: []) }
    public static func int64s(_ v: [Int64], shape: [Int]? = nil) -> Tensor { from(v, type: .int64, shape: shape ?? [v.count]) }
    public static func floats(_ v: [Float], shape: [Int]) -> Tensor { from(v, type: .float32, shape: shape) }

    /// The same elements under another shape (no copy).
    public func reshaped(_ shape: [Int]) -> Tensor {
        Tensor(type: type, shape: shape, buffer: buffer, strings: strings)
    }

    /// Row-major strides in elements.
    public static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var step = 1
        for i in shape.indices.reversed() {
            s[i] = step
            step *= max(shape[i], 1)
        }
        return s
    }
}
