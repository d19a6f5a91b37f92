extension GGMLDequant {
    /// ggml's k-quants: 256-element super-blocks Q2_K … Q6_K and the intermediate Q8_K.
    ///
    /// Layouts: ggml-org/ggml src/ggml-common.h (`block_q2_K` …); formulas: src/ggml-quants.c
    /// `dequantize_row_q2_K` …, evaluated in gguf-py 0.19.0's float32 order (gguf/quants.py):
    /// the sub-block scale is formed first (d · sc), then multiplied by the quant.
    enum KQuants {
        typealias B = GGMLDequant.Bits

        /// `{u8 scales[16]; u8 qs[64]; f16 d; f16 dmin}`: 16 groups of 16, y = (d·(sc&15))·q − dmin·(sc>>4).
        /// Element e takes bits 2s..2s+1 of qs[32·(e/128) + e%32], s = (e%128)/32.
        static func q2_K(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            B.forEachBlock(src, n, 84, 256, dst) { p, y in
                let d = B.f16(p, 80)
                let dmin = B.f16(p, 82)
                for g in 0..<16 {
                    let sc = B.u8(p, g)
                    let dl = d * Float(sc & 0x0F)
                    let ml = dmin * Float(sc >> 4)
                    for l in 0..<16 {
                        let e = 16 * g + l
                        let shift = UInt8(2 * ((e & 127) >> 5))
                        let q = (B.u8(p, 16 + 32 * (e >> 7) + (e & 31)) >> shift) & 3
                        y[e] = dl * Float(q) - ml
                    }
                }
            }
        }

        /// `{u8 hmask[32]; u8 qs[64]; u8 scales[12]; f16 d}`: 16 signed 6-bit scales (−32),
        /// q = low 2 bits − 4·(1 − hmask bit); y = (d·sc)·q.
        static func q3_K(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            B.forEachBlock(src, n, 110, 256, dst) { p, y in
                let d = B.f16(p, 108)
                for g in 0..<16 {
                    let low = g < 8 ? B.u8(p, 96 + g) & 0x0F : B.u8(p, 96 + g - 8) >> 4
                    let high = (B.u8(p, 104 + (g & 3)) >> UInt8(2 * (g >> 2))) & 3
                    let dl = d * Float(Int32(low | (high << 4)) - 32)
                    for l in 0..<16 {
                        let e = 16 * g + l
                        let shift = UInt8(2 * ((e & 127) >> 5))
                        let ql = Int32((B.u8(p, 32 + 32 * (e >> 7) + (e & 31)) >> shift) & 3)
                        let hbit = (B.u8(p, e & 31) >> UInt8(e >> 5)) & 1
                        y[e] = dl * Float(ql - (hbit == 0 ? 4 : 0))
                    }
                }
            }
        }

        /// ggml's `get_scale_min_k4`: the 6-bit scale and min of sub-block j from 12 packed bytes at `at`.
        @inline(__always) static func scaleMin(_ p: UnsafeRawPointer, _ at: Int, _ j: Int) -> (UInt8, UInt8) {
            if j < 4 {
                return (B.u8(p, at + j) & 63, B.u8(p, at + j + 4) & 63)
            }
            let sc = (B.u8(p, at + j + 4) & 0x0F) | ((B.u8(p, at + j - 4) >> 6) << 4)
            let m = (B.u8(p, at + j + 4) >> 4) | ((B.u8(p, at + j) >> 6) << 4)
            return (sc, m)
        }

        /// `{f16 d; f16 dmin; u8 scales[12]; u8 qs[128]}`: 8 sub-blocks of 32, y = (d·sc)·q − dmin·m.
        /// Sub-blocks 2c and 2c+1 share qs[32c..32c+31]: low nibbles, then high nibbles.
        static func q4_K(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            B.forEachBlock(src, n, 144, 256, dst) { p, y in
                let d = B.f16(p, 0)
                let dmin = B.f16(p, 2)
                for b in 0..<8 {
                    let (sc, m) = scaleMin(p, 4, b)
                    let dl = d * Float(sc)
                    let ml = dmin * Float(m)
                    let shift = UInt8(4 * (b & 1))
                    let base = 16 + 32 * (b >> 1)
                    for j in 0..<32 {
                        let q = (B.u8(p, base + j) >> shift) & 0x0F
                        y[32 * b + j] = dl * Float(q) - ml
                    }
                }
            }
        }

        /// `{f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]}`: as Q4_K, plus bit b of qh[j]
        /// as bit 4 of element j of sub-block b.
        static func q5_K(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            B.forEachBlock(src, n, 176, 256, dst) { p, y in
                let d = B.f16(p, 0)
                let dmin = B.f16(p, 2)
                for b in 0..<8 {
                    let (sc, m) = scaleMin(p, 4, b)
                    let dl = d * Float(sc)
                    let ml = dmin * Float(m)
                    let shift = UInt8(4 * (b & 1))
                    let base = 48 + 32 * (b >> 1)
                    for j in 0..<32 {
                        let ql = (B.u8(p, base + j) >> shift) & 0x0F
                        let qh = (B.u8(p, 16 + j) >> UInt8(b)) & 1
                        y[32 * b + j] = dl * Float(ql | (qh << 4)) - ml
                    }
                }
            }
        }

        /// `{u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}`: q = (4 low bits | 2 high bits << 4) − 32,
        /// y = (d·sc)·q with one scale per 16 elements.
        static func q6_K(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            B.forEachBlock(src, n, 210, 256, dst) { p, y in
                let d = B.f16(p, 208)
                for g in 0..<16 {
                    let dl = d * Float(B.i8(p, 192 + g))
                    for l in 0..<16 {
                        let e = 16 * g + l
                        let t = e >> 5, j = e & 31
                        let half = t >> 2, s = t & 3
                        let ql = (B.u8(p, 64 * half + 32 * (s & 1) + j) >> UInt8(4 * (s >> 1))) & 0x0F
                        let qh = (B.u8(p, 128 + 32 * half + j) >> UInt8(2 * s)) & 3
                        y[e] = dl * Float(Int32(ql | (qh << 4)) - 32)
                    }
                }
            }
        }

        /// `{f32 d; i8 qs[256]; i16 bsums[16]}`: y = d · q (ggml `dequantize_row_q8_K`; gguf-py has none).
        static func q8_K(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            B.forEachBlock(src, n, 292, 256, dst) { p, y in
                let d = Float(bitPattern: B.u32(p, 0))
                for j in 0..<256 {
                    y[j] = d * Float(B.i8(p, 4 + j))
                }
            }
        }
    }
}
