extension GGMLDequant {
    /// ggml MXFP4 (type 39): OCP MX FP4 (E2M1 elements, one E8M0 scale per 32).
    ///
    /// Layout `{u8 e; u8 qs[16]}`: element j in the low nibble of qs[j], element j + 16 in the high
    /// nibble. ggml keeps the E2M1 values doubled (`kvalues_mxfp4`) and halves the scale
    /// (`ggml_e8m0_to_fp32_half`: 2^(e − 128)). Sources: ggml-org/ggml src/ggml-common.h,
    /// src/ggml-impl.h, src/ggml-quants.c `dequantize_row_mxfp4`; gguf-py 0.19.0 gguf/quants.py.
    enum MXFP4 {
        typealias B = GGMLDequant.Bits

        /// 2 × E2M1: 0, 0.5, 1, 1.5, 2, 3, 4, 6 and their negatives.
        static let kvalues: [Float] = [0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12]

        /// 2^(e − 128) as float32; e < 2 gives the subnormals 2^-128 and 2^-127.
        @inline(__always) static func e8m0Half(_ e: UInt8) -> Float {
            e < 2 ? Float(bitPattern: UInt32(0x0020_0000) << UInt32(e)) : Float(bitPattern: UInt32(e - 1) << 23)
        }

        static func mxfp4(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            let kv = kvalues
            B.forEachBlock(src, n, 17, 32, dst) { p, y in
                let d = e8m0Half(B.u8(p, 0))
                for j in 0..<16 {
                    let b = B.u8(p, 1 + j)
                    y[j] = d * kv[Int(b & 0x0F)]
                    y[j + 16] = d * kv[Int(b >> 4)]
                }
            }
        }
    }
}
