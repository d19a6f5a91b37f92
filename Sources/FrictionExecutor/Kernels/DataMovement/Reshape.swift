import FrictionCore

/// Ops that only change the shape: the output shares the input's buffer (no copy).
extension Kernels {
    static let reshape: [KernelSpec] = [
        // Reshape-1 takes the shape as an attribute; 5+ as an input; 14+ adds allowzero.
        KernelSpec("Reshape", versions: 1...4) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            guard let shape = ctx.ints("shape") ?? ctx.optional(1).map(DataMovement.ints) else {
                throw ctx.fail("Reshape needs a shape")
            }
            return [data.reshaped(try ShapeOps.reshape(data.shape, to: shape, allowzero: false, ctx))]
        },
        KernelSpec("Reshape", versions: 5...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            let shape = DataMovement.ints(try ctx.input(1))
            let allowzero = ctx.opset >= 14 && ctx.int("allowzero", 0) != 0
            return [data.reshaped(try ShapeOps.reshape(data.shape, to: shape, allowzero: allowzero, ctx))]
        },
    ]

    static let flatten: [KernelSpec] = [
        KernelSpec("Flatten", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            let r = data.rank
            let raw = ctx.int("axis", 1)
            let axis = raw < 0 ? raw + r : raw
            guard axis >= 0, axis <= r else { throw ctx.fail("axis \(raw) is out of range for rank \(r)") }
            let outer = DataMovement.product(data.shape, 0..<axis)
            let inner = DataMovement.product(data.shape, axis..<r)
            return [data.reshaped([outer, inner])]
        },
    ]

    static let squeeze: [KernelSpec] = [
        KernelSpec("Squeeze", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            let axes = DataMovement.intsAttributeOrInput(ctx, attribute: "axes", input: 1, inputSince: 13)
            let r = data.rank
            var drop = [Bool](repeating: false, count: r)
            if let axes, !axes.isEmpty {
                for a in axes {
                    let i = try DataMovement.axis(a, rank: r, ctx)
                    guard data.shape[i] == 1 else {
                        throw ctx.fail("cannot squeeze axis \(a): its dimension is \(data.shape[i]), not 1")
                    }
                    drop[i] = true
                }
            } else {
                for i in 0..<r where data.shape[i] == 1 { drop[i] = true }
            }
            var shape: [Int] = []
            for i in 0..<r where !drop[i] { shape.append(data.shape[i]) }
            return [data.reshaped(shape)]
        },
    ]

    static let unsqueeze: [KernelSpec] = [
        KernelSpec("Unsqueeze", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            let data = try ctx.input(0)
            guard let axes = DataMovement.intsAttributeOrInput(ctx, attribute: "axes", input: 1, inputSince: 13) else {
                throw ctx.fail("Unsqueeze needs axes")
            }
            let outRank = data.rank + axes.count
            var inserted = [Bool](repeating: false, count: outRank)
            for a in axes {
                let i = try DataMovement.axis(a, rank: outRank, ctx)
                guard !inserted[i] else { throw ctx.fail("axis \(a) is repeated") }
                inserted[i] = true
            }
            var shape: [Int] = []
            var k = 0
            for i in 0..<outRank {
                if inserted[i] {
                    shape.append(1)
                } else {
                    shape.append(data.shape[k])
                    k += 1
                }
            }
            return [data.reshaped(shape)]
        },
    ]

    static let identity: [KernelSpec] = [
        KernelSpec("Identity", versions: 1...KernelSpec.latestOpset) { ctx throws(ExecutionError) in
            [try ctx.input(0)]
        },
    ]
}

/// Shape arithmetic shared by the shape-only kernels.
enum ShapeOps {
    /// ONNX Reshape's target shape: 0 copies the input dimension (unless `allowzero`), one -1 is inferred.
    static func reshape(_ input: [Int], to requested: [Int], allowzero: Bool, _ ctx: KernelContext) throws(ExecutionError) -> [Int] {
        let total = try DataMovement.count(input, ctx)
        var shape = requested
        var inferred: Int?
        for (i, d) in requested.enumerated() {
            if d == 0 && !allowzero {
                guard i < input.count else { throw ctx.fail("shape \(requested) copies dimension \(i), which the input (rank \(input.count)) lacks") }
                shape[i] = input[i]
            } else if d == -1 {
                guard inferred == nil else { throw ctx.fail("shape \(requested) has more than one -1") }
                inferred = i
            } else if d < 0 {
                throw ctx.fail("shape \(requested) has an invalid dimension \(d)")
            }
        }
        if allowzero, inferred != nil, requested.contains(0) {
            throw ctx.fail("shape \(requested) has both 0 and -1 with allowzero")
        }
        if let i = inferred {
            var known = 1
            for (j, d) in shape.enumerated() where j != i {
                let (p, o) = known.multipliedReportingOverflow(by: d)
                guard !o else { throw ctx.fail("shape \(requested) is too large") }
                known = p
            }
            guard known != 0, total % known == 0 else {
                throw ctx.fail("cannot reshape \(input) (\(total) elements) into \(requested)")
            }
            shape[i] = total / known
        }
        guard try DataMovement.count(shape, ctx) == total else {
            throw ctx.fail("cannot reshape \(input) (\(total) elements) into \(requested)")
        }
        return shape
    }
}
