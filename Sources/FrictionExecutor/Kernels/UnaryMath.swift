import Foundation
import FrictionCore

/// Elementwise math and activations, one table row per op: the float64 function, and a float32
/// one where the float32 result must come from float32 arithmetic (as NumPy computes it).
extension Kernels {
    static let unaryMath: [KernelSpec] = [
        Elementwise.math("Sqrt", { $0.squareRoot() }, float: { $0.squareRoot() }),
        Elementwise.math("Reciprocal", { 1 / $0 }, float: { 1 / $0 }),
        Elementwise.math("Exp", { Foundation.exp($0) }, float: { Foundation.exp($0) }),
        Elementwise.math("Log", { Foundation.log($0) }, float: { Foundation.log($0) }),
        Elementwise.math("Erf", { Foundation.erf($0) }, float: { Foundation.erf($0) }),
        Elementwise.math("Tanh", { Foundation.tanh($0) }, float: { Foundation.tanh($0) }),
        Elementwise.math("Sin", { Foundation.sin($0) }, float: { Foundation.sin($0) }),
        Elementwise.math("Cos", { Foundation.cos($0) }, float: { Foundation.cos($0) }),
        Elementwise.math("Tan", { Foundation.tan($0) }, float: { Foundation.tan($0) }),
        Elementwise.math("Asin", { Foundation.asin($0) }, float: { Foundation.asin($0) }),
        Elementwise.math("Acos", { Foundation.acos($0) }, float: { Foundation.acos($0) }),
        Elementwise.math("Atan", { Foundation.atan($0) }, float: { Foundation.atan($0) }),
        Elementwise.math("Sinh", { Foundation.sinh($0) }, float: { Foundation.sinh($0) }),
        Elementwise.math("Cosh", { Foundation.cosh($0) }, float: { Foundation.cosh($0) }),
        Elementwise.math("Asinh", { Foundation.asinh($0) }, float: { Foundation.asinh($0) }),
        Elementwise.math("Acosh", { Foundation.acosh($0) }, float: { Foundation.acosh($0) }),
        Elementwise.math("Atanh", { Foundation.atanh($0) }, float: { Foundation.atanh($0) }),
        Elementwise.math("Sigmoid", { 1 / (1 + Foundation.exp(-$0)) }, float: { 1 / (1 + Foundation.exp(-$0)) }),
        Elementwise.math("Softplus", { Foundation.log1p(Foundation.exp($0)) }, float: { Foundation.log1p(Foundation.exp($0)) }),
        Elementwise.math("Softsign", { $0 / (1 + Swift.abs($0)) }, float: { $0 / (1 + Swift.abs($0)) }),
        Elementwise.math("HardSwish", { $0 * Swift.max(0, Swift.min(1, $0 / 6 + 0.5)) }, float: { $0 * Swift.max(0, Swift.min(1, $0 / 6 + 0.5)) }),
        Elementwise.math("Mish", { $0 * Foundation.tanh(Foundation.log1p(Foundation.exp($0))) },
                         float: { $0 * Foundation.tanh(Foundation.log1p(Foundation.exp($0))) }),
        Elementwise.math("Floor", { $0.rounded(.down) }, float: { $0.rounded(.down) }),
        Elementwise.math("Ceil", { $0.rounded(.up) }, float: { $0.rounded(.up) }),
        Elementwise.math("Round", { $0.rounded(.toNearestOrEven) }, float: { $0.rounded(.toNearestOrEven) }),
        KernelSpec("Neg") { ctx throws(ExecutionError) in [try Elementwise.unary(ctx, float: { -$0 }, double: { -$0 }, integer: { 0 &- $0 })] },
        KernelSpec("Abs") { ctx throws(ExecutionError) in
            [try Elementwise.unary(ctx, float: { Swift.abs($0) }, double: { Swift.abs($0) }, integer: { $0 == .min ? $0 : Swift.abs($0) })]
        },
        KernelSpec("Sign") { ctx throws(ExecutionError) in
            [try Elementwise.unary(ctx, float: { $0 > 0 ? 1 : $0 < 0 ? -1 : $0.isNaN ? .nan : 0 },
                                   double: { $0 > 0 ? 1 : $0 < 0 ? -1 : $0.isNaN ? .nan : 0 }, integer: { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 })]
        },
        KernelSpec("Relu") { ctx throws(ExecutionError) in
            [try Elementwise.unary(ctx, float: { $0 > 0 ? $0 : 0 }, double: { $0 > 0 ? $0 : 0 }, integer: { Swift.max($0, 0) })]
        },
        KernelSpec("LeakyRelu") { ctx throws(ExecutionError) in
            let alpha = ctx.float("alpha", 0.01)
            return [try Elementwise.unary(ctx, float: { $0 >= 0 ? $0 : $0 * alpha }, double: { $0 >= 0 ? $0 : $0 * Double(alpha) }, integer: nil)]
        },
        KernelSpec("ThresholdedRelu") { ctx throws(ExecutionError) in
            let alpha = ctx.float("alpha", 1)
            return [try Elementwise.unary(ctx, float: { $0 > alpha ? $0 : 0 }, double: { $0 > Double(alpha) ? $0 : 0 }, integer: nil)]
        },
        KernelSpec("Elu") { ctx throws(ExecutionError) in
            let alpha = ctx.float("alpha", 1)
            return [try Elementwise.unary(ctx, float: { $0 >= 0 ? $0 : alpha * (Foundation.exp($0) - 1) },
                                          double: { $0 >= 0 ? $0 : Double(alpha) * (Foundation.exp($0) - 1) }, integer: nil)]
        },
        KernelSpec("Celu") { ctx throws(ExecutionError) in
            let alpha = ctx.float("alpha", 1)
            return [try Elementwise.unary(ctx, float: { Swift.max(0, $0) + Swift.min(0, alpha * (Foundation.exp($0 / alpha) - 1)) },
                                          double: { Swift.max(0, $0) + Swift.min(0, Double(alpha) * (Foundation.exp($0 / Double(alpha)) - 1)) }, integer: nil)]
        },
        KernelSpec("Selu") { ctx throws(ExecutionError) in
            let alpha = ctx.float("alpha", 1.67326319217681884765625), gamma = ctx.float("gamma", 1.05070102214813232421875)
            return [try Elementwise.unary(ctx, float: { $0 > 0 ? gamma * $0 : gamma * (alpha * Foundation.exp($0) - alpha) },
                                          double: { $0 > 0 ? Double(gamma) * $0 : Double(gamma) * (Double(alpha) * Foundation.exp($0) - Double(alpha)) },
                                          integer: nil)]
        },
        KernelSpec("HardSigmoid") { ctx throws(ExecutionError) in
            let alpha = ctx.float("alpha", 0.2), beta = ctx.float("beta", 0.5)
            return [try Elementwise.unary(ctx, float: { Swift.max(0, Swift.min(1, alpha * $0 + beta)) },
                                          double: { Swift.max(0, Swift.min(1, Double(alpha) * $0 + Double(beta))) }, integer: nil)]
        },
        KernelSpec("Gelu", versions: 20...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let tanhForm = ctx.string("approximate", "none") == "tanh"
            return [try Elementwise.unary(ctx, float: { x in
                tanhForm ? 0.5 * x * (1 + Foundation.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))) : 0.5 * x * (1 + Foundation.erf(x * 0.70710678118654752))
            }, double: { x in
                tanhForm ? 0.5 * x * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x))) : 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot()))
            }, integer: nil)]
        },
        KernelSpec("Clip") { ctx throws(ExecutionError) in
            let a = try ctx.input(0)
            var lo: Double = -.infinity, hi: Double = .infinity
            if ctx.opset < 11 {
                lo = Double(ctx.float("min", -.infinity)); hi = Double(ctx.float("max", .infinity))
            } else {
                if let t = ctx.optional(1), t.count > 0 { lo = t.doubles()[0] }
                if let t = ctx.optional(2), t.count > 0 { hi = t.doubles()[0] }
            }
            if ComputeDomain(a.type) == .integer {
                // Integer bounds are read as integers (Int64.max does not survive a Double);
                // float attributes (opset < 11) saturate.
                var l = lo.isFinite ? Int64(saturating: lo) : Int64.min, h = hi.isFinite ? Int64(saturating: hi) : Int64.max
                if ctx.opset >= 11 {
                    if let t = ctx.optional(1), t.count > 0 { l = t.int64s()[0] }
                    if let t = ctx.optional(2), t.count > 0 { h = t.int64s()[0] }
                }
                return [try Elementwise.unary(ctx, float: nil, double: nil, integer: { Swift.min(Swift.max($0, l), h) })]
            }
            let fl = Float(lo), fh = Float(hi)
            return [try Elementwise.unary(ctx, float: { $0.isNaN ? $0 : Swift.min(Swift.max($0, fl), fh) },
                                          double: { $0.isNaN ? $0 : Swift.min(Swift.max($0, lo), hi) }, integer: nil)]
        },
        KernelSpec("IsNaN") { ctx throws(ExecutionError) in
            [try Elementwise.unary(ctx, outType: .bool, float: { $0.isNaN ? 1 : 0 }, double: { $0.isNaN ? 1 : 0 }, integer: { _ in 0 })]
        },
        KernelSpec("IsInf") { ctx throws(ExecutionError) in
            let neg = ctx.int("detect_negative", 1) == 1, pos = ctx.int("detect_positive", 1) == 1
            return [try Elementwise.unary(ctx, outType: .bool, float: { ($0 == .infinity && pos) || ($0 == -.infinity && neg) ? 1 : 0 },
                                          double: { ($0 == .infinity && pos) || ($0 == -.infinity && neg) ? 1 : 0 }, integer: { _ in 0 })]
        },
    ]

    static let logic: [KernelSpec] = [
        KernelSpec("Equal") { ctx throws(ExecutionError) in [try Elementwise.compare(ctx, float: { $0 == $1 }, double: { $0 == $1 }, integer: { $0 == $1 })] },
        KernelSpec("Less") { ctx throws(ExecutionError) in [try Elementwise.compare(ctx, float: { $0 < $1 }, double: { $0 < $1 }, integer: { $0 < $1 })] },
        KernelSpec("LessOrEqual") { ctx throws(ExecutionError) in [try Elementwise.compare(ctx, float: { $0 <= $1 }, double: { $0 <= $1 }, integer: { $0 <= $1 })] },
        KernelSpec("Greater") { ctx throws(ExecutionError) in [try Elementwise.compare(ctx, float: { $0 > $1 }, double: { $0 > $1 }, integer: { $0 > $1 })] },
        KernelSpec("GreaterOrEqual") { ctx throws(ExecutionError) in [try Elementwise.compare(ctx, float: { $0 >= $1 }, double: { $0 >= $1 }, integer: { $0 >= $1 })] },
        KernelSpec("And") { ctx throws(ExecutionError) in [try Elementwise.binary(ctx, float: nil, double: nil, integer: { $0 != 0 && $1 != 0 ? 1 : 0 })] },
        KernelSpec("Or") { ctx throws(ExecutionError) in [try Elementwise.binary(ctx, float: nil, double: nil, integer: { $0 != 0 || $1 != 0 ? 1 : 0 })] },
        KernelSpec("Xor") { ctx throws(ExecutionError) in [try Elementwise.binary(ctx, float: nil, double: nil, integer: { ($0 != 0) != ($1 != 0) ? 1 : 0 })] },
        KernelSpec("Not") { ctx throws(ExecutionError) in [try Elementwise.unary(ctx, float: nil, double: nil, integer: { $0 == 0 ? 1 : 0 })] },
    ]
}
