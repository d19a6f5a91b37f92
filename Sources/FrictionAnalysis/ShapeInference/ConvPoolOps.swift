import FrictionCore

/// Shape functions of convolutions and pools over `[N, C, D1, …, Dn]` inputs: Conv, ConvInteger,
/// QLinearConv, ConvTranspose, MaxPool, AveragePool, LpPool and the global pools.
enum ConvPoolOps {
    /// The window attributes shared by convolutions and pools.
    struct Window {
        var kernel: [DimExpr?]
        var strides: [Int64]
        var dilations: [Int64]
        /// Begin pads of every spatial axis, then end pads.
        var pads: [Int64]
        var autoPad: String
        var ceilMode: Bool
        /// Whether `pads` was given (then `auto_pad` is ignored).
        var hasPads: Bool
        /// Whether `ceil_mode` drops a last window that would start in the end padding (PyTorch's
        /// rule, adopted by the opset 22 pools; earlier opsets keep it).
        var dropsPaddedWindow: Bool

        init(_ node: GraphNode, kernel: [DimExpr?], opset: Int64) {
            let n = kernel.count
            self.kernel = kernel
            strides = node.ints("strides") ?? Array(repeating: 1, count: n)
            dilations = node.ints("dilations") ?? Array(repeating: 1, count: n)
            pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * n)
            hasPads = node.ints("pads") != nil
            autoPad = node.string("auto_pad") ?? "NOTSET"
            ceilMode = (node.int("ceil_mode") ?? 0) != 0
            dropsPaddedWindow = opset >= 22
        }

        /// Whether the attributes fit the kernel's rank and lie in `0...Int32.max` (strides,
        /// dilations and kernel sizes positive), which keeps the arithmetic below from overflowing.
        var isValid: Bool {
            let n = kernel.count, limit = Int64(Int32.max)
            return strides.count == n && dilations.count == n && pads.count == 2 * n
                && strides.allSatisfy { $0 > 0 && $0 <= limit } && dilations.allSatisfy { $0 > 0 && $0 <= limit }
                && pads.allSatisfy { $0 >= 0 && $0 <= limit } && kernel.allSatisfy { $0?.constant.map { $0 > 0 && $0 <= limit } ?? true }
        }

        /// `(k - 1) * d + 1`, the span of a dilated kernel.
        func span(_ axis: Int) -> DimExpr? {
            DimExpr.sum(DimExpr.product(DimExpr.difference(kernel[axis], DimExpr(1)), DimExpr(dilations[axis])), DimExpr(1))
        }

        /// The output size along spatial `axis` for input size `size`, as onnx's
        /// `convPoolShapeInference`: SAME pads computed from the stride residual, VALID unpadded,
        /// then `(padded - span) / stride + 1`, rounded up with `ceil_mode` (see
        /// ``dropsPaddedWindow``). Explicit `pads` win over `auto_pad`.
        func output(_ size: DimExpr?, axis: Int) -> DimExpr? {
            let stride = strides[axis]
            var (begin, end) = (pads[axis], pads[axis + kernel.count])
            if !hasPads, autoPad == "VALID" { (begin, end) = (0, 0) }
            if !hasPads, autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
                var residual: Int64 = 0
                if stride > 1 {
                    guard let n = size?.constant else { return DimExpr.ceilQuotient(size, DimExpr(stride)) }
                    residual = n % stride
                }
                guard let span = span(axis)?.constant else { return nil }
                let total = Swift.max(span - (residual == 0 ? stride : residual), 0)
                (begin, end) = autoPad == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
            }
            let room = DimExpr.difference(DimExpr.sum(size, DimExpr(begin + end)), span(axis))
            guard ceilMode else { return DimExpr.sum(DimExpr.floorQuotient(room, DimExpr(stride)), DimExpr(1)) }
            let steps = DimExpr.ceilQuotient(room, DimExpr(stride))
            guard dropsPaddedWindow, let count = steps?.constant, let start = size?.constant else {
                return DimExpr.sum(steps, DimExpr(1))
            }
            let lastStart = DimExpr.product(DimExpr(count), DimExpr(stride))
            guard let gap = DimExpr.difference(lastStart, DimExpr.sum(DimExpr(start), DimExpr(begin)))?.constant else { return nil }
            return DimExpr(gap >= 0 ? count : count + 1)
        }

        /// The output size along spatial `axis` of a transposed convolution:
        /// `stride·(size - 1) + output_padding + span - pads`. SAME gives `size·stride`, as the
        /// operator spec and onnxruntime do (onnx's inference differs when the span is below the stride).
        func transposedOutput(_ size: DimExpr?, axis: Int, outputPadding: Int64) -> DimExpr? {
            let stride = DimExpr(strides[axis])
            if !hasPads, autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" { return DimExpr.product(size, stride) }
            let pad = !hasPads && autoPad == "VALID" ? 0 : pads[axis] + pads[axis + kernel.count]
            let grown = DimExpr.product(DimExpr.difference(size, DimExpr(1)), stride)
            return DimExpr.difference(DimExpr.sum(DimExpr.sum(grown, DimExpr(outputPadding)), span(axis)), DimExpr(pad))
        }
    }

    /// Conv: `X [N, C, D…]`, `W [M, C/group, k…]` → `[N, M, O…]`.
    static func conv(_ c: inout OpContext) { convolve(&c, x: 0, w: 1, type: c.type(0)) }

    /// ConvInteger: like Conv, int32 elements.
    static func convInteger(_ c: inout OpContext) { convolve(&c, x: 0, w: 1, type: OpContext.int32) }

    /// QLinearConv: x is input 0, w input 3, the type of the output zero point (input 7).
    static func qLinearConv(_ c: inout OpContext) { convolve(&c, x: 0, w: 3, type: c.type(7) ?? c.type(0)) }

    private static func convolve(_ c: inout OpContext, x: Int, w: Int, type: ElementType?) {
        c.set(0, type, nil)
        guard let input = c.dims(x) else { return }
        guard input.count >= 3 else { return c.fail("Conv input must have rank ≥ 3, got \(input.count)") }
        let weight = c.facts(w).dims
        let spatial = input.count - 2
        let kernel = c.node.ints("kernel_shape").map { $0.map { DimExpr($0) } }
            ?? weight.map { Array($0.dropFirst(2)) } ?? Array(repeating: nil, count: spatial)
        let window = Window(c.node, kernel: kernel, opset: c.opset)
        guard kernel.count == spatial, window.isValid else { return c.fail("Conv attributes do not match \(spatial) spatial axes") }
        let channels = weight.flatMap { $0.first } ?? nil
        c.set(0, type, [input[0], channels] + (0..<spatial).map { window.output(input[$0 + 2], axis: $0) })
    }

    /// ConvTranspose: `X [N, C, D…]`, `W [C, M/group, k…]` → `[N, M, O…]`, with `output_shape`,
    /// `output_padding`, pads or auto_pad.
    static func convTranspose(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let input = c.dims(0) else { return }
        guard input.count >= 3 else { return c.fail("ConvTranspose input must have rank ≥ 3, got \(input.count)") }
        let weight = c.facts(1).dims
        let spatial = input.count - 2
        let kernel = c.node.ints("kernel_shape").map { $0.map { DimExpr($0) } }
            ?? weight.map { Array($0.dropFirst(2)) } ?? Array(repeating: nil, count: spatial)
        let window = Window(c.node, kernel: kernel, opset: c.opset)
        guard kernel.count == spatial, window.isValid else {
            return c.fail("ConvTranspose attributes do not match \(spatial) spatial axes")
        }
        let group = c.int("group", 1)
        let channels = weight.flatMap { $0.count > 1 ? DimExpr.product($0[1], DimExpr(group)) : nil }
        let outputPadding = c.node.ints("output_padding") ?? Array(repeating: 0, count: spatial)
        var sizes: [DimExpr?]
        if let shape = c.node.ints("output_shape"), shape.count >= spatial {
            sizes = shape.suffix(spatial).map { DimExpr($0) }
        } else if outputPadding.count == spatial {
            sizes = (0..<spatial).map { window.transposedOutput(input[$0 + 2], axis: $0, outputPadding: outputPadding[$0]) }
        } else {
            return c.fail("ConvTranspose output_padding does not match \(spatial) spatial axes")
        }
        c.set(0, c.type(0), [input[0], channels] + sizes)
    }

    /// MaxPool, AveragePool, LpPool: `[N, C, D…]` → `[N, C, O…]` from `kernel_shape`; MaxPool's
    /// optional Indices output is int64 of the same shape.
    static func pool(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        c.set(1, OpContext.int64, nil)
        guard let input = c.dims(0) else { return }
        guard let kernel = c.node.ints("kernel_shape") else { return c.fail("\(c.node.opType) has no kernel_shape") }
        let spatial = input.count - 2
        let window = Window(c.node, kernel: kernel.map { DimExpr($0) }, opset: c.opset)
        guard spatial >= 1, kernel.count == spatial, window.isValid else {
            return c.fail("\(c.node.opType) attributes do not match input rank \(input.count)")
        }
        let dims = Array(input.prefix(2)) + (0..<spatial).map { window.output(input[$0 + 2], axis: $0) }
        c.set(0, c.type(0), dims)
        c.set(1, OpContext.int64, dims)
    }

    /// GlobalAveragePool, GlobalMaxPool, GlobalLpPool: `[N, C, D…]` → `[N, C, 1…]`.
    static func globalPool(_ c: inout OpContext) {
        c.set(0, c.type(0), nil)
        guard let input = c.dims(0) else { return }
        guard input.count >= 2 else { return c.fail("\(c.node.opType) input must have rank ≥ 2") }
        c.set(0, c.type(0), Array(input.prefix(2)) + Array(repeating: DimExpr(1), count: input.count - 2))
    }
}
