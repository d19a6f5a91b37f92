extension GGMLDequant {
    /// ggml's original 32-element block types Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1.
    ///
    /// Layouts: ggml-org/ggml src/ggml-common.h (`block_q4_0` …); formulas: src/ggml-quants.c
    /// `dequantize_row_q4_0` … and gguf-py 0.19.0 gguf/quants.py. In every 4-bit type byte j holds
    /// element j in its low nibble and element j + 16 in its high nibble.
    enum LegacyQuants {
        typealias B = GGMLDequant.Bits

        /// `{f16 d; u8 qs[16]}`: y = d · (q − 8).
        static func q4_0(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            B.forEachBlock(src, n, 18, 32, dst) { p, y in
                let d = B.f16(p, 0)
                for j in 0..<16 {
                    let b = B.u8(p, 2 + j)
                    y[j] = d * Float(Int32(b & 0x0F) - 8)
                    y[j + 16] = d * Float(Int32(b >> 4) - 8)
                }
            }
        }

        /// `{f16 d; f16 m; u8 qs[16]}`: y = d · q + m.
        static func q4_1(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            B.forEachBlock(src, n, 20, 32, dst) { p, y in
                let d = B.f16(p, 0)
                let m = B.f16(p, 2)
                for j in 0..<16 {
                    let b = B.u8(p, 4 + j)
                    y[j] = d * Float(b & 0x0F) + m
                    y[j + 16] = d * Float(b >> 4) + m
                }
            }
        }

        /// `{f16 d; u32 qh; u8 qs[16]}`: bit j of qh is bit 4 of element j; y = d · (q − 16).
        static func q5_0(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            B.forEachBlock(src, n, 22, 32, dst) { p, y in
                let d = B.f16(p, 0)
                let qh = B.u32(p, 2)
                for j in 0..<16 {
                    let b = B.u8(p, 6 + j)
                    let h0 = Int32((qh >> UInt32(j)) & 1) << 4
                    let h1 = Int32((qh >> UInt32(j + 16)) & 1) << 4
                    y[j] = d * Float((Int32(b & 0x0F) | h0) - 16)
                    y[j + 16] = d * Float((Int32(b >> 4) | h1) - 16)
                }
            }
        }

        /// `{f16 d; f16 m; u32 qh; u8 qs[16]}`: y = d · q + m.
        static func q5_1(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            B.forEachBlock(src, n, 24, 32, dst) { p, y in
                let d = B.f16(p, 0)
                let m = B.f16(p, 2)
                let qh = B.u32(p, 4)
                for j in 0..<16 {
                    let b = B.u8(p, 8 + j)
                    let h0 = UInt32((qh >> UInt32(j)) & 1) << 4
                    let h1 = UInt32((qh >> UInt32(j + 16)) & 1) << 4
                    y[j] = d * Float(UInt32(b & 0x0F) | h0) + m
                    y[j + 16] = d * Float(UInt32(b >> 4) | h1) + m
                }
            }
        }

        /// `{f16 d; i8 qs[32]}`: y = q · d.
        static func q8_0(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            B.forEachBlock(src, n, 34, 32, dst) { p, y in
                let d = B.f16(p, 0)
                for j in 0..<32 {
                    y[j] = Float(B.i8(p, 2 + j)) * d
                }
            }
        }

        /// `{f16 d; f16 s; i8 qs[32]}` (s = d · Σq is only used by dot products): y = q · d.
        /// gguf-py has no Q8_1 decoder; this is ggml's `d * qs[j]`.
        static func q8_1(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            B.forEachBlock(src, n, 36, 32, dst) { p, y in
                let d = B.f16(p, 0)
                for j in 0..<32 {
                    y[j] = Float(B.i8(p, 4 + j)) * d
                }
            }
        }
    }
}
