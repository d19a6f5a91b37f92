import FrictionCore

/// Dequantizes ggml tensor data (as stored in GGUF files) to `Float`.
///
/// Each supported type has one kernel in `kernels`, a table keyed by ggml type id; the kernels
/// live in one file per family (FloatFormats, LegacyQuants, KQuants, IQuants, TernaryQuants,
/// MXFP4, NVFP4). Block layouts and formulas follow ggml-org/ggml src/ggml-common.h and
/// src/ggml-quants.c; values are bit-identical to gguf-py 0.19.0 `gguf.quants.dequantize`
/// (float32 arithmetic in the same order, NaN payloads included), checked against its output
/// and the fixtures/numerics ggml vectors. Q8_1 and Q8_K (ggml's intermediate types, which gguf-py cannot dequantize) follow
/// ggml's `y = d * q`. Q1_0 and Q2_0 are not supported: gguf-py 0.19.0 has no reference for them.
public enum GGMLDequant {
    /// Dequantizes `bytes` (a whole number of blocks of `type`) to Float, row-major, appending to `out`.
    /// Returns false (and appends nothing) if the type is unsupported or the byte count is not a whole number of blocks.
    public static func dequantize(_ bytes: UnsafeRawBufferPointer, type: GGMLType, into out: inout [Float]) -> Bool {
        guard let kernel = kernel(for: type) else { return false }
        let (blocks, remainder) = bytes.count.quotientAndRemainder(dividingBy: kernel.typeSize)
        guard remainder == 0 else { return false }
        let (count, overflow) = blocks.multipliedReportingOverflow(by: kernel.blockSize)
        guard !overflow else { return false }
        if count == 0 { return true }
        guard let source = bytes.baseAddress else { return false }
        let start = out.count
        let (end, endOverflow) = start.addingReportingOverflow(count)
        guard !endOverflow else { return false }
        out.reserveCapacity(end)
        out.append(contentsOf: repeatElement(0, count: count))
        out.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, buffer.count >= end else { return }
            kernel.decode(source, blocks, base + start)
        }
        return true
    }

    /// Whether `dequantize` handles `type`.
    public static func isSupported(_ type: GGMLType) -> Bool { kernel(for: type) != nil }

    /// The names of the supported types, in id order.
    public static var supportedTypeNames: [String] {
        GGMLType.all.filter { isSupported($0) }.map(\.name)
    }

    private static func kernel(for type: GGMLType) -> Kernel? {
        guard let kernel = kernels[type.id],
              kernel.blockSize == type.blockSize, kernel.typeSize == type.typeSize else { return nil }
        return kernel
    }

    /// Type id → kernel. Block size and type size repeat ggml's `type_traits` and are checked
    /// against the `GGMLType` passed in.
    static let kernels: [UInt32: Kernel] = [
        0: Kernel(blockSize: 1, typeSize: 4, decode: { FloatFormats.f32($0, $1, $2) }),
        1: Kernel(blockSize: 1, typeSize: 2, decode: { FloatFormats.f16($0, $1, $2) }),
        30: Kernel(blockSize: 1, typeSize: 2, decode: { FloatFormats.bf16($0, $1, $2) }),
        2: Kernel(blockSize: 32, typeSize: 18, decode: { LegacyQuants.q4_0($0, $1, $2) }),
        3: Kernel(blockSize: 32, typeSize: 20, decode: { LegacyQuants.q4_1($0, $1, $2) }),
        6: Kernel(blockSize: 32, typeSize: 22, decode: { LegacyQuants.q5_0($0, $1, $2) }),
        7: Kernel(blockSize: 32, typeSize: 24, decode: { LegacyQuants.q5_1($0, $1, $2) }),
        8: Kernel(blockSize: 32, typeSize: 34, decode: { LegacyQuants.q8_0($0, $1, $2) }),
        9: Kernel(blockSize: 32, typeSize: 36, decode: { LegacyQuants.q8_1($0, $1, $2) }),
        10: Kernel(blockSize: 256, typeSize: 84, decode: { KQuants.q2_K($0, $1, $2) }),
        11: Kernel(blockSize: 256, typeSize: 110, decode: { KQuants.q3_K($0, $1, $2) }),
        12: Kernel(blockSize: 256, typeSize: 144, decode: { KQuants.q4_K($0, $1, $2) }),
        13: Kernel(blockSize: 256, typeSize: 176, decode: { KQuants.q5_K($0, $1, $2) }),
        14: Kernel(blockSize: 256, typeSize: 210, decode: { KQuants.q6_K($0, $1, $2) }),
        15: Kernel(blockSize: 256, typeSize: 292, decode: { KQuants.q8_K($0, $1, $2) }),
        16: Kernel(blockSize: 256, typeSize: 66, decode: { IQuants.iq2_xxs($0, $1, $2) }),
        17: Kernel(blockSize: 256, typeSize: 74, decode: { IQuants.iq2_xs($0, $1, $2) }),
        18: Kernel(blockSize: 256, typeSize: 98, decode: { IQuants.iq3_xxs($0, $1, $2) }),
        19: Kernel(blockSize: 256, typeSize: 50, decode: { IQuants.iq1_s($0, $1, $2) }),
        20: Kernel(blockSize: 32, typeSize: 18, decode: { IQuants.iq4_nl($0, $1, $2) }),
        21: Kernel(blockSize: 256, typeSize: 110, decode: { IQuants.iq3_s($0, $1, $2) }),
        22: Kernel(blockSize: 256, typeSize: 82, decode: { IQuants.iq2_s($0, $1, $2) }),
        23: Kernel(blockSize: 256, typeSize: 136, decode: { IQuants.iq4_xs($0, $1, $2) }),
        29: Kernel(blockSize: 256, typeSize: 56, decode: { IQuants.iq1_m($0, $1, $2) }),
        34: Kernel(blockSize: 256, typeSize: 54, decode: { TernaryQuants.tq1_0($0, $1, $2) }),
        35: Kernel(blockSize: 256, typeSize: 66, decode: { TernaryQuants.tq2_0($0, $1, $2) }),
        39: Kernel(blockSize: 32, typeSize: 17, decode: { MXFP4.mxfp4($0, $1, $2) }),
        40: Kernel(blockSize: 64, typeSize: 36, decode: { NVFP4.nvfp4($0, $1, $2) }),
    ]
}

extension GGMLDequant {
    /// One ggml type's decoder: `decode(source, blockCount, destination)` reads `blockCount * typeSize`
    /// bytes and writes `blockCount * blockSize` floats. The caller guarantees both lengths.
    struct Kernel: Sendable {
        let blockSize: Int
        let typeSize: Int
        let decode: @Sendable (UnsafeRawPointer, Int, UnsafeMutablePointer<Float>) -> Void
    }

    /// Little-endian field readers and scalar conversions shared by the kernels.
    enum Bits {
        @inline(__always) static func u8(_ p: UnsafeRawPointer, _ offset: Int) -> UInt8 {
            p.load(fromByteOffset: offset, as: UInt8.self)
        }

        @inline(__always) static func i8(_ p: UnsafeRawPointer, _ offset: Int) -> Int8 {
            Int8(bitPattern: p.load(fromByteOffset: offset, as: UInt8.self))
        }

        @inline(__always) static func u16(_ p: UnsafeRawPointer, _ offset: Int) -> UInt16 {
            UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        }

        @inline(__always) static func u32(_ p: UnsafeRawPointer, _ offset: Int) -> UInt32 {
            UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        }

        /// The IEEE half at `offset`, widened exactly.
        @inline(__always) static func f16(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
            halfToFloat(u16(p, offset))
        }

        /// Exact binary16 → binary32 widening. NaN payloads are kept bit for bit (shifted left by
        /// 13, signalling NaNs stay signalling), as numpy's `float16.astype(float32)` does; finite
        /// values and infinities equal `Float(Float16(bitPattern:))`.
        @inline(__always) static func halfToFloat(_ h: UInt16) -> Float {
            let sign = UInt32(h & 0x8000) << 16
            let exponent = h & 0x7C00
            let mantissa = UInt32(h & 0x03FF)
            if exponent == 0x7C00 {
                return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
            }
            if exponent == 0 {
                // zero or subnormal: mantissa · 2^-24, exact in binary32
                return Float(bitPattern: sign | (Float(mantissa) * 0x1p-24).bitPattern)
            }
            return Float(bitPattern: sign | ((UInt32(h & 0x7FFF) + 0x1_C000) << 13))
        }

        /// Runs `body(block, out)` over `count` consecutive blocks.
        @inline(__always) static func forEachBlock(
            _ source: UnsafeRawPointer, _ count: Int, _ typeSize: Int, _ blockSize: Int,
            _ destination: UnsafeMutablePointer<Float>,
            _ body: (UnsafeRawPointer, UnsafeMutablePointer<Float>) -> Void
        ) {
            var p = source
            var y = destination
            for _ in 0..<count {
                body(p, y)
                p += typeSize
                y += blockSize
            }
        }
    }
}
