extension GGMLDequant {
    /// Plain float element types: F32, F16, BF16 (block size 1). Bit-exact widening; NaN payloads
    /// are kept (gguf-py: `view(float32)`, `view(float16).astype(float32)`, `int16 << 16`).
    enum FloatFormats {
        static func f32(_ p: UnsafeRawPointer, _ n: Int, _ y: UnsafeMutablePointer<Float>) {
            for i in 0..<n {
                y[i] = Float(bitPattern: GGMLDequant.Bits.u32(p, 4 * i))
            }
        }

        static func f16(_ p: UnsafeRawPointer, _ n: Int, _ y: UnsafeMutablePointer<Float>) {
            for i in 0..<n {
                y[i] = GGMLDequant.Bits.f16(p, 2 * i)
            }
        }

        static func bf16(_ p: UnsafeRawPointer, _ n: Int, _ y: UnsafeMutablePointer<Float>) {
            for i in 0..<n {
                y[i] = Float(bitPattern: UInt32(GGMLDequant.Bits.u16(p, 2 * i)) << 16)
            }
        }
    }
}
