import Foundation
import FrictionCore

/// A 16-byte element (complex128), moved as one unit.
struct Bytes16 {
    var low: UInt64
    var high: UInt64
}

/// Shared machinery for the data-movement kernels: shape and index checks, and moving elements
/// as raw bytes of `elementSize` (or `strings` for string tensors) — contiguous runs with
/// memcpy, strided views with typed loops chosen by element size.
enum DataMovement {
    /// Outputs larger than this many bytes are refused rather than allocated.
    static var maxBytes: Int { Tensor.maxBytes }

    // MARK: - Shapes and indices

    /// The element count of `shape`, or an error when a dimension is negative or the tensor
    /// would be absurdly large (overflow included).
    static func count(_ shape: [Int], elementSize: Int = 1, _ ctx: KernelContext) throws(ExecutionError) -> Int {
        var n = 1
        var extent = 1   // zeros counted as one: the strides of an empty [0, 2^40, 2^40] overflow
        for d in shape {
            guard d >= 0 else { throw ctx.fail("shape \(shape) has a negative dimension") }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            let (e, eo) = extent.multipliedReportingOverflow(by: max(d, 1))
            guard !o, !eo else { throw ctx.fail("shape \(shape) is too large", code: "tensor-too-large") }
            n = p
            extent = e
        }
        let (bytes, o) = n.multipliedReportingOverflow(by: max(elementSize, 1))
        guard !o, bytes <= maxBytes else { throw ctx.fail("shape \(shape) is too large", code: "tensor-too-large") }
        return n
    }

    /// A zero-filled output of `type` and `shape` (shape validated first).
    static func allocate(_ type: DType, _ shape: [Int], _ ctx: KernelContext) throws(ExecutionError) -> Tensor {
        _ = try count(shape, elementSize: Tensor.elementSize(type), ctx)
        return Tensor(zeros: type, shape)
    }

    /// The elements of an integer (or float, truncated) tensor as Int.
    static func ints(_ t: Tensor) -> [Int] {
        if t.type == .int64 {
            let v = t.values(Int64.self)
            return (0..<v.count).map { Int(truncatingIfNeeded: v[$0]) }
        }
        return t.int64s().map { Int(truncatingIfNeeded: $0) }
    }

    /// `i` in [0, n) after one wrap of a negative value, or nil when out of range.
    @inline(__always)
    static func wrap(_ i: Int, _ n: Int) -> Int? {
        let j = i < 0 ? i &+ n : i
        return j >= 0 && j < n ? j : nil
    }

    /// An axis in [0, rank) from a possibly negative value (rank 0 has no axes).
    static func axis(_ value: Int, rank: Int, _ ctx: KernelContext) throws(ExecutionError) -> Int {
        guard let a = wrap(value, rank) else { throw ctx.fail("axis \(value) is out of range for rank \(rank)") }
        return a
    }

    /// Product of `shape[range]` (dimensions already validated).
    static func product(_ shape: [Int], _ range: Range<Int>) -> Int {
        var n = 1
        for i in range { n &*= shape[i] }
        return n
    }

    /// The attribute `name` (opset < `inputSince`) or input `index` (opset ≥ `inputSince`) as
    /// integers; nil when absent.
    static func intsAttributeOrInput(_ ctx: KernelContext, attribute name: String, input index: Int,
                                     inputSince: Int) -> [Int]? {
        if ctx.opset < inputSince {
            if let v = ctx.ints(name) { return v }
            // Some exporters already use the input form: accept it.
            return ctx.optional(index).map(ints)
        }
        if let t = ctx.optional(index) { return ints(t) }
        return ctx.ints(name)
    }

    // MARK: - Whole tensors

    /// An owned copy of `t`.
    static func clone(_ t: Tensor) -> Tensor {
        var out = Tensor(zeros: t.type, t.shape)
        if t.type == .string {
            out.strings = t.strings
        } else {
            let bytes = t.count * t.elementSize
            if bytes > 0 { out.buffer.base.copyMemory(from: t.buffer.base, byteCount: bytes) }
        }
        return out
    }

    /// Copies `count` consecutive elements from `src[srcIndex...]` to `dst[dstIndex...]`.
    @inline(__always)
    static func copy(_ src: Tensor, _ srcIndex: Int, into dst: inout Tensor, _ dstIndex: Int, count: Int) {
        guard count > 0 else { return }
        if src.type == .string {
            for k in 0..<count { dst.strings[dstIndex + k] = src.strings[srcIndex + k] }
            return
        }
        let es = src.elementSize
        (dst.buffer.base + dstIndex * es).copyMemory(from: src.buffer.base + srcIndex * es, byteCount: count * es)
    }

    /// Fills every element of `t` with element `index` of `src` (same dtype).
    static func fill(_ t: inout Tensor, with src: Tensor, at index: Int) {
        let n = t.count
        guard n > 0 else { return }
        if t.type == .string {
            let s = src.strings[index]
            for k in 0..<n { t.strings[k] = s }
            return
        }
        let es = t.elementSize
        guard es > 0 else { return }
        let base = t.buffer.base
        base.copyMemory(from: src.buffer.base + index * es, byteCount: es)
        var filled = 1
        while filled < n {
            let c = min(filled, n - filled)
            (base + filled * es).copyMemory(from: base, byteCount: c * es)
            filled += c
        }
    }

    /// Fills elements [start, start + count) of `t` with the `es` bytes at `element` (doubling memcpy).
    static func fill(_ t: Tensor, start: Int, count: Int, element: UnsafeRawPointer) {
        guard count > 0 else { return }
        let es = t.elementSize
        guard es > 0 else { return }
        let base = t.buffer.base + start * es
        base.copyMemory(from: element, byteCount: es)
        var filled = 1
        while filled < count {
            let c = min(filled, count - filled)
            (base + filled * es).copyMemory(from: base, byteCount: c * es)
            filled += c
        }
    }

    /// A tensor of `shape` whose element k is `src`'s element `offsets[k]` (offsets valid).
    static func take(_ src: Tensor, offsets: [Int], shape: [Int]) -> Tensor {
        var out = Tensor(zeros: src.type, shape)
        if src.type == .string {
            for (k, o) in offsets.enumerated() { out.strings[k] = src.strings[o] }
            return out
        }
        let s = UnsafeRawPointer(src.buffer.base), d = out.buffer.base
        switch src.elementSize {
        case 1: takeTyped(UInt8.self, s, d, offsets)
        case 2: takeTyped(UInt16.self, s, d, offsets)
        case 4: takeTyped(UInt32.self, s, d, offsets)
        case 8: takeTyped(UInt64.self, s, d, offsets)
        case 16: takeTyped(Bytes16.self, s, d, offsets)
        default:
            let es = src.elementSize
            for (k, o) in offsets.enumerated() { (d + k * es).copyMemory(from: s + o * es, byteCount: es) }
        }
        return out
    }

    @inline(__always)
    static func takeTyped<T>(_: T.Type, _ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, _ offsets: [Int]) {
        let s = src.assumingMemoryBound(to: T.self), d = dst.assumingMemoryBound(to: T.self)
        offsets.withUnsafeBufferPointer { o in
            for k in 0..<o.count { d[k] = s[o[k]] }
        }
    }

    // MARK: - Strided copies

    /// `shape` elements read at `srcOffset + Σ i·srcStrides` and written at
    /// `dstOffset + Σ i·dstStrides` (offsets and strides in elements; strides may be 0 or negative).
    struct StridedCopy {
        var shape: [Int]
        var srcOffset = 0
        var srcStrides: [Int]
        var dstOffset = 0
        var dstStrides: [Int]

        init(shape: [Int], srcOffset: Int = 0, srcStrides: [Int], dstOffset: Int = 0, dstStrides: [Int]) {
            self.shape = shape
            self.srcOffset = srcOffset
            self.srcStrides = srcStrides
            self.dstOffset = dstOffset
            self.dstStrides = dstStrides
        }

        /// The same copy with size-1 dimensions dropped and adjacent dimensions merged where both
        /// sides are contiguous across them.
        func simplified() -> StridedCopy {
            var n: [Int] = [], s: [Int] = [], d: [Int] = []
            for i in shape.indices where shape[i] != 1 {
                if let last = n.indices.last, s[last] == srcStrides[i] &* shape[i], d[last] == dstStrides[i] &* shape[i] {
                    n[last] &*= shape[i]
                    s[last] = srcStrides[i]
                    d[last] = dstStrides[i]
                } else {
                    n.append(shape[i]); s.append(srcStrides[i]); d.append(dstStrides[i])
                }
            }
            return StridedCopy(shape: n, srcOffset: srcOffset, srcStrides: s, dstOffset: dstOffset, dstStrides: d)
        }
    }

    /// Runs `copy` from `src` into `dst` (same dtype).
    static func run(_ copy: StridedCopy, from src: Tensor, into dst: inout Tensor) {
        if copy.shape.contains(0) { return }
        let v = copy.simplified()
        let r = v.shape.count
        let rows = r >= 2 ? v.shape[r - 2] : 1
        let cols = r >= 1 ? v.shape[r - 1] : 1
        let sr = r >= 2 ? v.srcStrides[r - 2] : 0, sc = r >= 1 ? v.srcStrides[r - 1] : 0
        let dr = r >= 2 ? v.dstStrides[r - 2] : 0, dc = r >= 1 ? v.dstStrides[r - 1] : 0
        let outer = max(r - 2, 0)
        let isString = src.type == .string
        let es = src.elementSize
        let sBase = UnsafeRawPointer(src.buffer.base), dBase = dst.buffer.base
        var index = [Int](repeating: 0, count: outer)
        var so = v.srcOffset, dO = v.dstOffset
        while true {
            if isString {
                for i in 0..<rows {
                    var sp = so + i * sr, dp = dO + i * dr
                    for _ in 0..<cols {
                        dst.strings[dp] = src.strings[sp]
                        sp += sc; dp += dc
                    }
                }
            } else {
                let s = sBase + so * es, d = dBase + dO * es
                switch es {
                case 1: copy2D(UInt8.self, s, d, rows, cols, sr, sc, dr, dc)
                case 2: copy2D(UInt16.self, s, d, rows, cols, sr, sc, dr, dc)
                case 4: copy2D(UInt32.self, s, d, rows, cols, sr, sc, dr, dc)
                case 8: copy2D(UInt64.self, s, d, rows, cols, sr, sc, dr, dc)
                case 16: copy2D(Bytes16.self, s, d, rows, cols, sr, sc, dr, dc)
                default:
                    for i in 0..<rows {
                        for j in 0..<cols {
                            (d + (i * dr + j * dc) * es).copyMemory(from: s + (i * sr + j * sc) * es, byteCount: es)
                        }
                    }
                }
            }
            // Advance the outer odometer.
            var k = outer - 1
            while k >= 0 {
                index[k] += 1
                so += v.srcStrides[k]; dO += v.dstStrides[k]
                if index[k] < v.shape[k] { break }
                so -= v.srcStrides[k] * v.shape[k]; dO -= v.dstStrides[k] * v.shape[k]
                index[k] = 0
                k -= 1
            }
            if k < 0 { break }
        }
    }

    /// A rows × cols block: element (i, j) from `src[i·sr + j·sc]` to `dst[i·dr + j·dc]`.
    @inline(__always)
    static func copy2D<T>(_: T.Type, _ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer,
                          _ rows: Int, _ cols: Int, _ sr: Int, _ sc: Int, _ dr: Int, _ dc: Int) {
        let s = src.assumingMemoryBound(to: T.self), d = dst.assumingMemoryBound(to: T.self)
        if sc == 1 && dc == 1 {
            let bytes = cols * MemoryLayout<T>.stride
            for i in 0..<rows { UnsafeMutableRawPointer(d + i * dr).copyMemory(from: s + i * sr, byteCount: bytes) }
            return
        }
        if sc == 0 {
            // Broadcast along the row: one source element repeated.
            for i in 0..<rows {
                let value = s[i * sr]
                var dp = i * dr
                for _ in 0..<cols { d[dp] = value; dp += dc }
            }
            return
        }
        if rows == 1 || sr == 0 {
            for i in 0..<rows {
                var sp = i * sr, dp = i * dr
                for _ in 0..<cols { d[dp] = s[sp]; sp += sc; dp += dc }
            }
            return
        }
        // Transposed access on one side: go in tiles so both sides stay in cache.
        let tile = 32
        var i0 = 0
        while i0 < rows {
            let i1 = min(i0 + tile, rows)
            var j0 = 0
            while j0 < cols {
                let j1 = min(j0 + tile, cols)
                for i in i0..<i1 {
                    var sp = i * sr + j0 * sc, dp = i * dr + j0 * dc
                    for _ in j0..<j1 { d[dp] = s[sp]; sp += sc; dp += dc }
                }
                j0 = j1
            }
            i0 = i1
        }
    }

    /// Copies the strided view of `src` described by `shape`, `offset` and `strides` into a new
    /// contiguous tensor of `shape`.
    static func materialize(_ src: Tensor, shape: [Int], offset: Int, strides: [Int]) -> Tensor {
        var out = Tensor(zeros: src.type, shape)
        run(StridedCopy(shape: shape, srcOffset: offset, srcStrides: strides, dstStrides: Tensor.strides(shape)),
            from: src, into: &out)
        return out
    }

    // MARK: - Bytes of one element

    /// Whether element `i` of `t` is nonzero / true (NaN counts as nonzero, ±0 as zero; strings:
    /// non-empty).
    static func isNonzero(_ t: Tensor) -> [Bool] {
        switch t.type {
        case .string: return t.strings.map { !$0.isEmpty }
        case .float32: return t.values(Float.self).map { $0 != 0 }
        case .float64: return t.values(Double.self).map { $0 != 0 }
        case .float16, .bfloat16: return t.values(UInt16.self).map { $0 & 0x7FFF != 0 }
        default:
            if t.type.traits.family == .float { return t.floats().map { $0 != 0 } }
            if t.type.traits.family == .complex {
                let es = t.elementSize, base = t.buffer.base
                return (0..<t.count).map { i in
                    let half = es / 2
                    if half == 4 {
                        return base.load(fromByteOffset: i * es, as: Float.self) != 0
                            || base.load(fromByteOffset: i * es + 4, as: Float.self) != 0
                    }
                    return base.load(fromByteOffset: i * es, as: Double.self) != 0
                        || base.load(fromByteOffset: i * es + 8, as: Double.self) != 0
                }
            }
            let es = t.elementSize, base = t.buffer.base
            switch es {
            case 1: return t.values(UInt8.self).map { $0 != 0 }
            case 2: return t.values(UInt16.self).map { $0 != 0 }
            case 4: return t.values(UInt32.self).map { $0 != 0 }
            case 8: return t.values(UInt64.self).map { $0 != 0 }
            default:
                return (0..<t.count).map { i in (0..<es).contains { base.load(fromByteOffset: i * es + $0, as: UInt8.self) != 0 } }
            }
        }
    }
}
