extension GGMLDequant {
    /// ggml's ternary types TQ1_0 and TQ2_0 (values −1, 0, +1 times a per-block f16 scale).
    ///
    /// Layouts: ggml-org/ggml src/ggml-common.h (`block_tq1_0`, `block_tq2_0`); formulas:
    /// src/ggml-quants.c `dequantize_row_tq1_0` / `_tq2_0` and gguf-py 0.19.0 gguf/quants.py.
    enum TernaryQuants {
        typealias B = GGMLDequant.Bits

        private static let powersOf3: [UInt8] = [1, 3, 9, 27, 81]

        /// Trit k of a base-3 byte: (byte · 3^k mod 256) · 3 >> 8.
        @inline(__always) private static func trit(_ byte: UInt8, _ power: UInt8) -> Float {
            let x = byte &* power
            return Float(Int32((UInt16(x) &* 3) >> 8) - 1)
        }

        /// `{u8 qs[48]; u8 qh[4]; f16 d}` (1.6875 bpw): qs[0..31] give 5 trits each to elements
        /// 32k + j, qs[32..47] to 160 + 16k + j, qh[0..3] 4 trits each to 240 + 4k + j.
        static func tq1_0(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            let pow3 = powersOf3
            B.forEachBlock(src, n, 54, 256, dst) { p, y in
                let d = B.f16(p, 52)
                for k in 0..<5 {
                    for j in 0..<32 {
                        y[32 * k + j] = d * trit(B.u8(p, j), pow3[k])
                    }
                }
                for k in 0..<5 {
                    for j in 0..<16 {
                        y[160 + 16 * k + j] = d * trit(B.u8(p, 32 + j), pow3[k])
                    }
                }
                for k in 0..<4 {
                    for j in 0..<4 {
                        y[240 + 4 * k + j] = d * trit(B.u8(p, 48 + j), pow3[k])
                    }
                }
            }
        }

        /// `{u8 qs[64]; f16 d}` (2.0625 bpw): element 128c + 32s + j = bits 2s..2s+1 of qs[32c + j], minus 1.
        static func tq2_0(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            B.forEachBlock(src, n, 66, 256, dst) { p, y in
                let d = B.f16(p, 64)
                for c in 0..<2 {
                    for s in 0..<4 {
                        for j in 0..<32 {
                            let q = (B.u8(p, 32 * c + j) >> UInt8(2 * s)) & 3
                            y[128 * c + 32 * s + j] = d * Float(Int32(q) - 1)
                        }
                    }
                }
            }
        }
    }
}
