import FrictionCore

/// Shape functions of quantization: QuantizeLinear, DequantizeLinear (per-tensor, per-axis and
/// blocked scales alike keep x's shape) and DynamicQuantizeLinear.
enum QuantOps {
    /// QuantizeLinear: x's shape; the type is `output_dtype` (opset 21) when set, else the zero
    /// point's (input 2), else uint8.
    static func quantizeLinear(_ c: inout OpContext) {
        let stated = c.node.int("output_dtype").flatMap { $0 == 0 ? nil : OpContext.elementType(code: $0) }
        c.set(0, stated ?? c.type(2) ?? .dtype(.uint8), c.dims(0))
    }

    /// DequantizeLinear: x's shape; the type is `output_dtype` (opset 23) when set, else the
    /// scale's (input 1), else float32.
    static func dequantizeLinear(_ c: inout OpContext) {
        let stated = c.node.int("output_dtype").flatMap { $0 == 0 ? nil : OpContext.elementType(code: $0) }
        c.set(0, stated ?? c.type(1) ?? OpContext.float32, c.dims(0))
    }

    /// DynamicQuantizeLinear: y uint8 like x, scalar float32 scale and uint8 zero point.
    static func dynamicQuantizeLinear(_ c: inout OpContext) {
        c.set(0, .dtype(.uint8), c.dims(0))
        c.set(1, OpContext.float32, [])
        c.set(2, .dtype(.uint8), [])
    }
}
