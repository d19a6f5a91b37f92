import CBLAS
import Foundation
import FrictionCore

/// Float and Double: the two precisions the NN kernels compute in (float32 for float32 and every
/// narrower float, rounded back at the end; float64 for float64).
protocol NNReal: BinaryFloatingPoint, Sendable {
    /// The dtype of a tensor holding this scalar.
    static var nnType: DType { get }
    static func nnExp(_ x: Self) -> Self
    static func nnLog(_ x: Self) -> Self
    static func nnPow(_ x: Self, _ y: Self) -> Self
    /// Row-major C[m×n] = op(A)[m×k] · op(B)[k×n] + beta·C (BLAS gemm; every size ≥ 1).
    static func nnGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                       a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                       beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

extension Float: NNReal {
    static var nnType: DType { .float32 }
    static func nnExp(_ x: Float) -> Float { expf(x) }
    static func nnLog(_ x: Float) -> Float { logf(x) }
    static func nnPow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    static func nnGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                       a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                       beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(truncatingIfNeeded: m), Int32(truncatingIfNeeded: n), Int32(truncatingIfNeeded: k),
                    1, a, Int32(truncatingIfNeeded: lda), b, Int32(truncatingIfNeeded: ldb),
                    beta, c, Int32(truncatingIfNeeded: ldc))
    }
}

extension Double: NNReal {
    static var nnType: DType { .float64 }
    static func nnExp(_ x: Double) -> Double { Foundation.exp(x) }
    static func nnLog(_ x: Double) -> Double { Foundation.log(x) }
    static func nnPow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
    static func nnGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                       a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                       beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(truncatingIfNeeded: m), Int32(truncatingIfNeeded: n), Int32(truncatingIfNeeded: k),
                    1, a, Int32(truncatingIfNeeded: lda), b, Int32(truncatingIfNeeded: ldb),
                    beta, c, Int32(truncatingIfNeeded: ldc))
    }
}

/// Shared helpers of the NN kernels (reductions, softmax, normalization, pooling, conv, resize, einsum).
enum NNUtil {
    /// Which precision a dtype computes in: nil for non-float types.
    enum Precision { case float, double }

    static func precision(_ type: DType) -> Precision? {
        guard type.traits.family == .float else { return nil }
        return type == .float64 ? .double : .float
    }

    /// `t` as float32 (itself when it already is).
    static func float32(_ t: Tensor) -> Tensor {
        t.type == .float32 ? t : Tensor.fromFloats(t.floats(), type: .float32, shape: t.shape)
    }

    /// `t` as float64 (itself when it already is).
    static func float64(_ t: Tensor) -> Tensor {
        t.type == .float64 ? t : Tensor.fromDoubles(t.doubles(), type: .float64, shape: t.shape)
    }

    /// `t` in the storage type of `T` (float32 or float64).
    static func real<T: NNReal>(_ t: Tensor, _: T.Type) -> Tensor {
        T.nnType == .float32 ? float32(t) : float64(t)
    }

    /// A float32 or float64 result converted to `type` (itself when already that type).
    static func cast(_ t: Tensor, to type: DType) -> Tensor {
        if t.type == type { return t }
        switch t.type {
        case .float32: return Tensor.fromFloats(Array(t.values(Float.self)), type: type, shape: t.shape)
        case .float64: return Tensor.fromDoubles(Array(t.values(Double.self)), type: type, shape: t.shape)
        default: return t
        }
    }

    static func unsupported(_ ctx: KernelContext, _ type: DType) -> ExecutionError {
        ctx.fail("\(ctx.node.opType) does not take \(type) inputs", code: "unsupported-dtype")
    }

    /// The element count of `shape`, refusing negative dimensions, overflowing products (zeros
    /// counted as one too) and counts whose float64 workspace would not fit in memory.
    static func count(_ shape: [Int], _ ctx: KernelContext) throws(ExecutionError) -> Int {
        var n = 1
        for d in shape {
            guard d >= 0 else { throw ctx.fail("negative dimension in shape \(shape)") }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            guard !o, p <= (1 << 40) else { throw ctx.fail("shape \(shape) is too large") }
            n = p
        }
        try ctx.checkSize(shape, .float64)
        return n
    }

    /// The product of `s`, saturated at `Int.max` (then refused by ``count(_:_:)``).
    static func product(_ s: ArraySlice<Int>) -> Int {
        s.reduce(1) { p, d in let (r, o) = p.multipliedReportingOverflow(by: d); return o ? Int.max : r }
    }
    static func product(_ s: [Int]) -> Int { product(s[...]) }

    /// floor(a / b) for b > 0.
    @inline(__always) static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }

    /// ceil(a / b) for b > 0.
    @inline(__always) static func ceilDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && a > 0) ? q + 1 : q
    }

    /// An int-list attribute of exactly `count` values in `range`, or `fallback` repeated when absent.
    static func ints(_ ctx: KernelContext, _ name: String, count: Int, fallback: Int,
                     range: ClosedRange<Int>) throws(ExecutionError) -> [Int] {
        guard let v = ctx.ints(name), !v.isEmpty else { return Array(repeating: fallback, count: count) }
        guard v.count == count else { throw ctx.fail("\(name) has \(v.count) values, expected \(count)") }
        for x in v where !range.contains(x) { throw ctx.fail("\(name) value \(x) is out of range") }
        return v
    }

    /// Sum of p[0..<n] in NumPy's pairwise order (what `np.sum` does along a contiguous axis).
    static func pairwiseSum<T: NNReal>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        if n < 8 {
            var res: T = 0
            var i = 0
            while i < n { res += p[i]; i += 1 }
            return res
        } else if n <= 128 {
            var r0 = p[0], r1 = p[1], r2 = p[2], r3 = p[3], r4 = p[4], r5 = p[5], r6 = p[6], r7 = p[7]
            var i = 8
            let end = n - n % 8
            while i < end {
                r0 += p[i]; r1 += p[i + 1]; r2 += p[i + 2]; r3 += p[i + 3]
                r4 += p[i + 4]; r5 += p[i + 5]; r6 += p[i + 6]; r7 += p[i + 7]
                i += 8
            }
            var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n { res += p[i]; i += 1 }
            return res
        } else {
            var n2 = n / 2
            n2 -= n2 % 8
            return pairwiseSum(p, n2) + pairwiseSum(p + n2, n - n2)
        }
    }

    /// Pairwise sum of (p[i] - c)² for i in 0..<n (NumPy order of `np.sum((x - c) ** 2)`).
    static func pairwiseSumSquares<T: NNReal>(_ p: UnsafePointer<T>, _ n: Int, minus c: T) -> T {
        if n < 8 {
            var res: T = 0
            var i = 0
            while i < n { let d = p[i] - c; res += d * d; i += 1 }
            return res
        } else if n <= 128 {
            var d0 = p[0] - c, d1 = p[1] - c, d2 = p[2] - c, d3 = p[3] - c
            var d4 = p[4] - c, d5 = p[5] - c, d6 = p[6] - c, d7 = p[7] - c
            var r0 = d0 * d0, r1 = d1 * d1, r2 = d2 * d2, r3 = d3 * d3
            var r4 = d4 * d4, r5 = d5 * d5, r6 = d6 * d6, r7 = d7 * d7
            var i = 8
            let end = n - n % 8
            while i < end {
                d0 = p[i] - c; d1 = p[i + 1] - c; d2 = p[i + 2] - c; d3 = p[i + 3] - c
                d4 = p[i + 4] - c; d5 = p[i + 5] - c; d6 = p[i + 6] - c; d7 = p[i + 7] - c
                r0 += d0 * d0; r1 += d1 * d1; r2 += d2 * d2; r3 += d3 * d3
                r4 += d4 * d4; r5 += d5 * d5; r6 += d6 * d6; r7 += d7 * d7
                i += 8
            }
            var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n { let d = p[i] - c; res += d * d; i += 1 }
            return res
        } else {
            var n2 = n / 2
            n2 -= n2 % 8
            return pairwiseSumSquares(p, n2, minus: c) + pairwiseSumSquares(p + n2, n - n2, minus: c)
        }
    }

    /// The mean of a contiguous run as `np.mean` computes it (pairwise sum, divided in float64).
    @inline(__always) static func mean<T: NNReal>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        T(Double(pairwiseSum(p, n)) / Double(n))
    }

    /// The population variance of a contiguous run around `mean` as `np.var` computes it.
    @inline(__always) static func variance<T: NNReal>(_ p: UnsafePointer<T>, _ n: Int, mean: T) -> T {
        T(Double(pairwiseSumSquares(p, n, minus: mean)) / Double(n))
    }

    /// `t`'s elements (already in T's storage type) broadcast NumPy-style to `shape`, or nil when
    /// the shapes do not broadcast that way.
    static func broadcast<T: NNReal>(_ t: Tensor, _: T.Type, to shape: [Int]) -> [T]? {
        guard t.rank <= shape.count else { return nil }
        for (i, d) in t.shape.enumerated() {
            let o = shape[shape.count - t.rank + i]
            if d != o && d != 1 { return nil }
        }
        let src = t.values(T.self)
        let n = product(shape)
        if t.count == n { return Array(src) }
        var out = [T](repeating: 0, count: n)
        guard n > 0, src.count > 0 else { return out }
        let strides = Broadcast.strides(t.shape, to: shape)
        var index = [Int](repeating: 0, count: shape.count)
        var offset = 0
        for i in 0..<n {
            out[i] = src[offset]
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                offset += strides[d]
                if index[d] < shape[d] { break }
                offset -= strides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
        return out
    }

    /// The smallest and largest value of an integer or bool dtype, as Int64 (uint64's largest as
    /// its bit pattern).
    static func intLimits(_ type: DType) -> (min: Int64, max: Int64) {
        switch type {
        case .bool: return (0, 1)
        case .int2: return (-2, 1)
        case .uint2: return (0, 3)
        case .int4: return (-8, 7)
        case .uint4: return (0, 15)
        case .int8: return (Int64(Int8.min), Int64(Int8.max))
        case .uint8: return (0, Int64(UInt8.max))
        case .int16: return (Int64(Int16.min), Int64(Int16.max))
        case .uint16: return (0, Int64(UInt16.max))
        case .int32: return (Int64(Int32.min), Int64(Int32.max))
        case .uint32: return (0, Int64(UInt32.max))
        case .uint64: return (0, -1)
        default: return (Int64.min, Int64.max)
        }
    }

    /// Float64 values written to `type` the way `onnx.numpy_helper.saturate_cast` does: integers
    /// rounded half to even and clamped to the type's range; floats clamped to the finite range.
    static func saturating(_ v: [Double], type: DType, shape: [Int]) -> Tensor {
        switch type.traits.family {
        case .signed, .unsigned, .bool:
            let (lo, hi) = intLimits(type)
            let dlo = Double(lo)
            let dhi = type == .uint64 ? Double(UInt64.max) : Double(hi)
            if type == .uint64 {
                let u = v.map { x -> UInt64 in
                    guard !x.isNaN else { return 0 }
                    let r = min(max(x.rounded(.toNearestOrEven), 0), dhi)
                    return r >= 18446744073709551615.0 ? UInt64.max : UInt64(r)
                }
                return Tensor.from(u, type: .uint64, shape: shape)
            }
            let w = v.map { x -> Int64 in
                guard !x.isNaN else { return 0 }
                let r = min(max(x.rounded(.toNearestOrEven), dlo), dhi)
                if r >= 9223372036854775807.0 { return Int64.max }
                return Int64(r)
            }
            return Tensor.fromInt64s(w, type: type, shape: shape)
        default:
            let limit: Double
            switch type {
            case .float32: limit = Double(Float.greatestFiniteMagnitude)
            case .float16: limit = 65504
            case .bfloat16: limit = 3.3895313892515355e38
            default: return Tensor.fromDoubles(v, type: type, shape: shape)
            }
            return Tensor.fromDoubles(v.map { $0.isNaN ? $0 : min(max($0, -limit), limit) }, type: type, shape: shape)
        }
    }

    /// A scratch buffer of `count` elements of `T`, zero-filled; free it with `deallocate()`.
    static func scratch<T: NNReal>(_: T.Type, _ count: Int) -> UnsafeMutableBufferPointer<T> {
        let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(count, 1))
        b.initialize(repeating: 0)
        return b
    }
}
