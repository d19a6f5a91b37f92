import Foundation
import FrictionCore

/// Add, Sub, Mul, Div, Pow, Mod, PRelu, the bitwise ops and the variadic Sum / Mean / Max / Min,
/// with NumPy broadcasting and NumPy's per-dtype semantics (integer division truncates toward
/// zero, integer arithmetic wraps, Max / Min propagate NaN).
extension Kernels {
    static let arithmetic: [KernelSpec] = [
        KernelSpec("Add") { ctx throws(ExecutionError) in [try Elementwise.binary(ctx, fast: .add, float: { $0 + $1 }, double: { $0 + $1 }, integer: { $0 &+ $1 })] },
        KernelSpec("Sub") { ctx throws(ExecutionError) in [try Elementwise.binary(ctx, fast: .sub, float: { $0 - $1 }, double: { $0 - $1 }, integer: { $0 &- $1 })] },
        KernelSpec("Mul") { ctx throws(ExecutionError) in [try Elementwise.binary(ctx, fast: .mul, float: { $0 * $1 }, double: { $0 * $1 }, integer: { $0 &* $1 })] },
        KernelSpec("Div") { ctx throws(ExecutionError) in
            var zero = false
            let out = try Elementwise.binary(ctx, fast: .div, float: { $0 / $1 }, double: { $0 / $1 }, integer: { a, b in
                guard b != 0 else { zero = true; return 0 }
                return a == Int64.min && b == -1 ? a : a / b
            })
            if zero { throw ctx.fail("integer division by zero") }
            return [out]
        },
        KernelSpec("Pow") { ctx throws(ExecutionError) in
            let a = try ctx.input(0), b = try ctx.input(1)
            if ComputeDomain(a.type) == .integer {
                // np.power(a, b).astype(a.dtype): integer exponents stay integer, float exponents go through double.
                if ComputeDomain(b.type) == .integer {
                    return [try Elementwise.binary(ctx, float: nil, double: nil, integer: { x, e in Arithmetic.ipow(x, e) })]
                }
                let t = try Elementwise.binary(KernelContext(node: ctx.node, inputs: [Tensor.fromDoubles(a.doubles(), type: .float64, shape: a.shape),
                                                                                       Tensor.fromDoubles(b.doubles(), type: .float64, shape: b.shape)],
                                                             opset: ctx.opset, executor: ctx.executor, scope: ctx.scope),
                                               float: nil, double: { Foundation.pow($0, $1) }, integer: nil)
                return [Tensor.fromDoubles(t.doubles(), type: a.type, shape: t.shape)]
            }
            let bb = b.type == a.type ? b : Tensor.fromDoubles(b.doubles(), type: a.type, shape: b.shape)
            let c = KernelContext(node: ctx.node, inputs: [a, bb], opset: ctx.opset, executor: ctx.executor, scope: ctx.scope)
            return [try Elementwise.binary(c, float: { Foundation.pow($0, $1) }, double: { Foundation.pow($0, $1) }, integer: nil)]
        },
        KernelSpec("Mod") { ctx throws(ExecutionError) in
            let fmod = ctx.int("fmod", 0) == 1
            var zero = false
            let out = try Elementwise.binary(ctx, float: { fmod ? Foundation.fmod($0, $1) : Arithmetic.pyMod($0, $1) },
                                             double: { fmod ? Foundation.fmod($0, $1) : Arithmetic.pyMod($0, $1) },
                                             integer: { a, b in
                guard b != 0 else { zero = true; return 0 }
                if b == -1 { return 0 }
                let r = a % b
                return fmod || r == 0 || (r < 0) == (b < 0) ? r : r + b
            })
            if zero { throw ctx.fail("integer modulo by zero") }
            return [out]
        },
        KernelSpec("PRelu") { ctx throws(ExecutionError) in
            [try Elementwise.binary(ctx, float: { $0 < 0 ? $0 * $1 : $0 }, double: { $0 < 0 ? $0 * $1 : $0 }, integer: { $0 < 0 ? $0 &* $1 : $0 })]
        },
        KernelSpec("BitShift") { ctx throws(ExecutionError) in
            // Logical for unsigned types, arithmetic right shifts for signed ones (opset 25+ allows
            // them); shifts outside [0, width) give 0 (or -1 for negative signed inputs shifted right).
            let left = ctx.string("direction", "LEFT") == "LEFT"
            let x = try ctx.input(0)
            let bits = UInt64(x.elementSize * 8)
            let signed = x.type.traits.family == .signed
            return [try Elementwise.binary(ctx, float: nil, double: nil, integer: { a, s in
                guard s >= 0, UInt64(s) < bits else { return !left && signed && a < 0 ? -1 : 0 }
                if !left && signed { return a >> s }
                let mask: UInt64 = bits == 64 ? .max : (1 << bits) - 1
                let u = UInt64(bitPattern: a) & mask
                return Int64(bitPattern: (left ? u << UInt64(s) : u >> UInt64(s)) & mask)
            })]
        },
        KernelSpec("BitwiseAnd") { ctx throws(ExecutionError) in [try Elementwise.binary(ctx, float: nil, double: nil, integer: { $0 & $1 })] },
        KernelSpec("BitwiseOr") { ctx throws(ExecutionError) in [try Elementwise.binary(ctx, float: nil, double: nil, integer: { $0 | $1 })] },
        KernelSpec("BitwiseXor") { ctx throws(ExecutionError) in [try Elementwise.binary(ctx, float: nil, double: nil, integer: { $0 ^ $1 })] },
        KernelSpec("BitwiseNot") { ctx throws(ExecutionError) in [try Elementwise.unary(ctx, float: nil, double: nil, integer: { ~$0 })] },
        KernelSpec("Sum") { ctx throws(ExecutionError) in
            [try Elementwise.fold(ctx) { c throws(ExecutionError) in try Elementwise.binary(c, float: { $0 + $1 }, double: { $0 + $1 }, integer: { $0 &+ $1 }) }]
        },
        KernelSpec("Max") { ctx throws(ExecutionError) in
            [try Elementwise.fold(ctx) { c throws(ExecutionError) in
                try Elementwise.binary(c, float: { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) },
                                       double: { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }, integer: { Swift.max($0, $1) })
            }]
        },
        KernelSpec("Min") { ctx throws(ExecutionError) in
            [try Elementwise.fold(ctx) { c throws(ExecutionError) in
                try Elementwise.binary(c, float: { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) },
                                       double: { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }, integer: { Swift.min($0, $1) })
            }]
        },
        KernelSpec("Mean") { ctx throws(ExecutionError) in
            let sum = try Elementwise.fold(ctx) { c throws(ExecutionError) in try Elementwise.binary(c, float: { $0 + $1 }, double: { $0 + $1 }, integer: nil) }
            let n = Float(ctx.inputs.compactMap { $0 }.count)
            let c = KernelContext(node: ctx.node, inputs: [sum], opset: ctx.opset, executor: ctx.executor, scope: ctx.scope)
            return [try Elementwise.unary(c, float: { $0 / n }, double: { $0 / Double(n) }, integer: nil)]
        },
    ]
}

enum Arithmetic {
    /// Integer power with wrapping, as NumPy computes it (negative exponents give 0 except for ±1 bases).
    static func ipow(_ base: Int64, _ exp: Int64) -> Int64 {
        if exp < 0 { return base == 1 ? 1 : base == -1 ? (exp & 1 == 0 ? 1 : -1) : 0 }
        var result: Int64 = 1, b = base, e = exp
        while e > 0 {
            if e & 1 == 1 { result = result &* b }
            b = b &* b
            e >>= 1
        }
        return result
    }

    /// Python's `%` for floats: the result takes the divisor's sign.
    static func pyMod<T: FloatingPoint>(_ a: T, _ b: T) -> T {
        let r = a.truncatingRemainder(dividingBy: b)
        return r != 0 && (r < 0) != (b < 0) ? r + b : r
    }
}
