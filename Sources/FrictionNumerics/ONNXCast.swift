import FrictionCore

/// How ONNX's reference `Cast` (onnx 1.23 `op_cast.cast_to`) converts float32 into the narrow
/// float types: float8 with `saturate=1` clips to ±max (infinities included); with `saturate=0`
/// it behaves like ml_dtypes; FLOAT4E2M1 ignores `saturate` (a plain astype, which already
/// saturates to ±6); FLOAT8E8M0 takes a rounding mode.
public enum ONNXCast {
    public static func encode(_ value: Float, to format: ScalarFormat, saturate: Bool, e8m0Rounding: E8M0Rounding = .roundUp) -> UInt32 {
        switch format.dtype {
        case .float4_e2m1fn: return format.encode(value, overflow: .mlDtypes)
        case .float8_e8m0fnu: return UInt32(E8M0.encode(value, rounding: e8m0Rounding, saturate: saturate))
        default: return format.encode(value, overflow: saturate ? .saturate : .onnxNoSaturate)
        }
    }
}

/// ggml's float32 → bfloat16 (`ggml_compute_fp32_to_bf16`, gguf-py `quants` BF16): round to
/// nearest even, but a NaN keeps its high 16 bits with the quiet bit set (ml_dtypes returns the
/// canonical 0x7FC0 / 0xFFC0 instead).
public enum GGMLBFloat16 {
    public static func encode(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if bits & 0x7FFF_FFFF > 0x7F80_0000 { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        return UInt16(truncatingIfNeeded: (bits &+ (0x7FFF &+ ((bits >> 16) & 1))) >> 16)
    }
}
