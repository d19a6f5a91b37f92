extension GGMLDequant {
    /// ggml NVFP4 (type 40): 64-element super-blocks of four 16-element sub-blocks, each with an
    /// unsigned E4M3 scale (`ue4m3`, bias 7).
    ///
    /// Layout `{u8 d[4]; u8 qs[32]}`: sub-block s uses d[s] and qs[8s..8s+7]; element j of it is the
    /// low nibble of qs[8s + j], element j + 8 the high nibble. Values are `kvalues_mxfp4` (2 × E2M1),
    /// so the scale is halved; scale bytes 0x00 and 0x7F decode to 0, and the top bit of a scale
    /// byte is ignored. Sources: ggml-org/ggml src/ggml-common.h (`block_nvfp4`), src/ggml-impl.h
    /// (`ggml_ue4m3_to_fp32`); gguf-py 0.19.0 gguf/quants.py (`NVFP4.ue4m3_to_fp32`). No
    /// per-tensor fp32 scale is applied here (the block has none).
    enum NVFP4 {
        typealias B = GGMLDequant.Bits

        /// ue4m3 → float32, halved; all results are exact.
        @inline(__always) static func ue4m3Half(_ x: UInt8) -> Float {
            if x == 0 || x == 0x7F { return 0 }
            let exponent = Int((x >> 3) & 0x0F)
            let mantissa = Float(x & 0x07)
            let raw: Float = exponent == 0
                ? mantissa * 0x1p-9
                : (1 + mantissa / 8) * Float(sign: .plus, exponent: exponent - 7, significand: 1)
            return raw * 0.5
        }

        static func nvfp4(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            let kv = MXFP4.kvalues
            B.forEachBlock(src, n, 36, 64, dst) { p, y in
                for s in 0..<4 {
                    let d = ue4m3Half(B.u8(p, s))
                    for j in 0..<8 {
                        let b = B.u8(p, 4 + 8 * s + j)
                        y[16 * s + j] = d * kv[Int(b & 0x0F)]
                        y[16 * s + 8 + j] = d * kv[Int(b >> 4)]
                    }
                }
            }
        }
    }
}
