extension GGMLDequant {
    /// ggml's i-quants: IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M (lattice codebooks in
    /// IQGrids*.swift) and the non-linear IQ4_NL, IQ4_XS.
    ///
    /// Layouts: ggml-org/ggml src/ggml-common.h (`block_iq2_xxs` …); formulas: src/ggml-quants.c
    /// `dequantize_row_iq2_xxs` …, evaluated in gguf-py 0.19.0's float32 order (gguf/quants.py):
    /// y = (db · grid) · sign, the sign a multiplication by ±1.
    enum IQuants {
        typealias B = GGMLDequant.Bits

        /// IQ4_NL / IQ4_XS codebook `kvalues_iq4nl`.
        static let kvaluesIQ4NL: [Float] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]
        /// IQ1_S / IQ1_M grid shift (ggml `IQ1S_DELTA`, `IQ1M_DELTA`).
        static let iq1Delta: Float = 0.125

        /// `v · −1` when `bit` is 1, as numpy evaluates it: a NaN keeps its sign (x86 returns the NaN
        /// operand), everything else flips sign. (A plain `v * -1` is folded to a negation by LLVM.)
        @inline(__always) static func negated(_ v: Float, _ bit: UInt8) -> Float {
            v.isNaN ? v : Float(bitPattern: v.bitPattern ^ (UInt32(bit) << 31))
        }

        /// Writes 8 values `(db · grid byte k) · (sign bit k ? −1 : 1)` of one lattice point.
        @inline(__always) static func put8(_ y: UnsafeMutablePointer<Float>, _ db: Float, _ point: UInt64, _ signs: UInt8) {
            for k in 0..<8 {
                let v = db * Float(UInt8(truncatingIfNeeded: point >> UInt64(8 * k)))
                y[k] = negated(v, (signs >> UInt8(k)) & 1)
            }
        }

        /// Writes 4 values of a 4-byte lattice point; `signShift` picks bits of `signs`.
        @inline(__always) static func put4(_ y: UnsafeMutablePointer<Float>, _ db: Float, _ point: UInt32,
                                           _ signs: UInt8, _ signShift: Int) {
            for k in 0..<4 {
                let v = db * Float(UInt8(truncatingIfNeeded: point >> UInt32(8 * k)))
                y[k] = negated(v, (signs >> UInt8(signShift + k)) & 1)
            }
        }

        /// `{f16 d; u16 qs[32]}`: per 32 elements two u32 words: 4 grid indices (bytes) and
        /// 4 × 7-bit sign indices + a 4-bit scale; db = d · (0.5 + s) · 0.25.
        static func iq2_xxs(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            let grid = IQGrids2.iq2xxs, ksigns = IQGrids2.ksigns
            B.forEachBlock(src, n, 66, 256, dst) { p, y in
                let d = B.f16(p, 0)
                for ib in 0..<8 {
                    let aux0 = B.u32(p, 2 + 8 * ib)
                    let aux1 = B.u32(p, 6 + 8 * ib)
                    let db = d * (0.5 + Float(aux1 >> 28)) * 0.25
                    for l in 0..<4 {
                        let index = Int((aux0 >> UInt32(8 * l)) & 0xFF)
                        let signs = ksigns[Int((aux1 >> UInt32(7 * l)) & 127)]
                        put8(y + 32 * ib + 8 * l, db, grid[index], signs)
                    }
                }
            }
        }

        /// `{f16 d; u16 qs[32]; u8 scales[8]}`: qs = 9-bit grid index | 7-bit sign index << 9;
        /// the low scale nibble serves the first 16 elements of each 32, the high one the rest.
        static func iq2_xs(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            let grid = IQGrids2.iq2xs, ksigns = IQGrids2.ksigns
            B.forEachBlock(src, n, 74, 256, dst) { p, y in
                let d = B.f16(p, 0)
                for ib in 0..<8 {
                    let sc = B.u8(p, 66 + ib)
                    let db0 = d * (0.5 + Float(sc & 0x0F)) * 0.25
                    let db1 = d * (0.5 + Float(sc >> 4)) * 0.25
                    for l in 0..<4 {
                        let q = B.u16(p, 2 + 2 * (4 * ib + l))
                        put8(y + 32 * ib + 8 * l, l < 2 ? db0 : db1, grid[Int(q & 511)], ksigns[Int(q >> 9)])
                    }
                }
            }
        }

        /// `{f16 d; u8 qs[32]; u8 signs[32]; u8 qh[8]; u8 scales[8]}`: 10-bit grid index
        /// qs[k] | 2 bits of qh[k/4] << 8, explicit sign bytes.
        static func iq2_s(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            let grid = IQGrids2.iq2s
            B.forEachBlock(src, n, 82, 256, dst) { p, y in
                let d = B.f16(p, 0)
                for k in 0..<32 {
                    let sc = B.u8(p, 74 + k / 4)
                    let nibble = (k / 2) & 1 == 0 ? sc & 0x0F : sc >> 4
                    let db = d * (0.5 + Float(nibble)) * 0.25
                    let high = Int((B.u8(p, 66 + k / 4) >> UInt8(2 * (k & 3))) & 3)
                    let index = Int(B.u8(p, 2 + k)) | (high << 8)
                    put8(y + 8 * k, db, grid[index], B.u8(p, 34 + k))
                }
            }
        }

        /// `{f16 d; u8 qs[64]; u32 scales_signs[8]}`: 8-bit indices into a grid of 4-value points;
        /// per 32 elements 4 × 7-bit sign indices + a 4-bit scale; db = d · (0.5 + s) · 0.5.
        static func iq3_xxs(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            let grid = IQGrids3.iq3xxs, ksigns = IQGrids2.ksigns
            B.forEachBlock(src, n, 98, 256, dst) { p, y in
                let d = B.f16(p, 0)
                for ib in 0..<8 {
                    let aux = B.u32(p, 66 + 4 * ib)
                    let db = d * (0.5 + Float(aux >> 28)) * 0.5
                    for l in 0..<4 {
                        let signs = ksigns[Int((aux >> UInt32(7 * l)) & 127)]
                        let out = y + 32 * ib + 8 * l
                        put4(out, db, grid[Int(B.u8(p, 2 + 8 * ib + 2 * l))], signs, 0)
                        put4(out + 4, db, grid[Int(B.u8(p, 3 + 8 * ib + 2 * l))], signs, 4)
                    }
                }
            }
        }

        /// `{f16 d; u8 qs[64]; u8 qh[8]; u8 signs[32]; u8 scales[4]}`: 9-bit indices
        /// qs[k] | bit k%8 of qh[k/8] << 8; db = d · (1 + 2s) per 32 elements.
        static func iq3_s(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            let grid = IQGrids3.iq3s
            B.forEachBlock(src, n, 110, 256, dst) { p, y in
                let d = B.f16(p, 0)
                for k in 0..<64 {
                    let sc = B.u8(p, 106 + k / 16)
                    let nibble = (k / 8) & 1 == 0 ? sc & 0x0F : sc >> 4
                    let db = d * Float(1 + 2 * UInt32(nibble))
                    let high = Int((B.u8(p, 66 + k / 8) >> UInt8(k & 7)) & 1)
                    let index = Int(B.u8(p, 2 + k)) | (high << 8)
                    put4(y + 4 * k, db, grid[index], B.u8(p, 74 + k / 2), 4 * (k & 1))
                }
            }
        }

        /// `{f16 d; u8 qs[32]; u16 qh[8]}`: 11-bit indices into the ±1/0 grid; qh holds the index
        /// high bits, a 3-bit scale (dl = d · (2s + 1)) and the sign of delta; y = dl · (g + delta).
        static func iq1_s(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            let grid = IQGrids1.iq1s
            B.forEachBlock(src, n, 50, 256, dst) { p, y in
                let d = B.f16(p, 0)
                for ib in 0..<8 {
                    let qh = B.u16(p, 34 + 2 * ib)
                    let dl = d * Float(2 * ((qh >> 12) & 7) + 1)
                    let delta = qh & 0x8000 == 0 ? iq1Delta : -iq1Delta
                    for l in 0..<4 {
                        let index = Int(B.u8(p, 2 + 4 * ib + l)) | (Int((qh >> UInt16(3 * l)) & 7) << 8)
                        let point = grid[index]
                        for k in 0..<8 {
                            let g = Float(Int8(truncatingIfNeeded: point >> UInt64(8 * k)))
                            y[32 * ib + 8 * l + k] = dl * (g + delta)
                        }
                    }
                }
            }
        }

        /// `{u8 qs[32]; u8 qh[16]; u8 scales[8]}`: the f16 super-scale is spread over the top
        /// nibbles of the four u16 scale words; 3-bit scales per 16 elements (dl = d · (2s + 1));
        /// each qh nibble gives 3 index bits and the delta sign of 8 elements.
        static func iq1_m(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            let grid = IQGrids1.iq1s
            B.forEachBlock(src, n, 56, 256, dst) { p, y in
                let s0 = B.u16(p, 48), s1 = B.u16(p, 50), s2 = B.u16(p, 52), s3 = B.u16(p, 54)
                let dBits = (s0 >> 12) | ((s1 >> 8) & 0x00F0) | ((s2 >> 4) & 0x0F00) | (s3 & 0xF000)
                let d = B.halfToFloat(dBits)
                for k in 0..<32 {
                    let group = k / 2  // 16-element scale group
                    let word = B.u16(p, 48 + 2 * (group / 4))
                    let dl = d * Float(2 * ((word >> UInt16(3 * (group & 3))) & 7) + 1)
                    let nibble = (B.u8(p, 32 + k / 2) >> UInt8(4 * (k & 1))) & 0x0F
                    let delta = nibble & 0x08 == 0 ? iq1Delta : -iq1Delta
                    let index = Int(B.u8(p, k)) | (Int(nibble & 7) << 8)
                    let point = grid[index]
                    for j in 0..<8 {
                        let g = Float(Int8(truncatingIfNeeded: point >> UInt64(8 * j)))
                        y[8 * k + j] = dl * (g + delta)
                    }
                }
            }
        }

        /// `{f16 d; u8 qs[16]}`: y = d · kvalues[nibble], low nibbles first.
        static func iq4_nl(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            let kv = kvaluesIQ4NL
            B.forEachBlock(src, n, 18, 32, dst) { p, y in
                let d = B.f16(p, 0)
                for j in 0..<16 {
                    let b = B.u8(p, 2 + j)
                    y[j] = d * kv[Int(b & 0x0F)]
                    y[j + 16] = d * kv[Int(b >> 4)]
                }
            }
        }

        /// `{f16 d; u16 scales_h; u8 scales_l[4]; u8 qs[128]}`: 6-bit signed scales (−32) per 32,
        /// y = (d · ls) · kvalues[nibble].
        static func iq4_xs(_ src: UnsafeRawPointer, _ n: Int, _ dst: UnsafeMutablePointer<Float>) {
            let kv = kvaluesIQ4NL
            B.forEachBlock(src, n, 136, 256, dst) { p, y in
                let d = B.f16(p, 0)
                let scalesHigh = B.u16(p, 2)
                for ib in 0..<8 {
                    let low = (B.u8(p, 4 + ib / 2) >> UInt8(4 * (ib & 1))) & 0x0F
                    let high = UInt8(truncatingIfNeeded: scalesHigh >> UInt16(2 * ib)) & 3
                    let dl = d * Float(Int32(low | (high << 4)) - 32)
                    for j in 0..<16 {
                        let b = B.u8(p, 8 + 16 * ib + j)
                        y[32 * ib + j] = dl * kv[Int(b & 0x0F)]
                        y[32 * ib + 16 + j] = dl * kv[Int(b >> 4)]
                    }
                }
            }
        }
    }
}
