import CZstd
import FrictionCore
#if canImport(Glibc)
import Glibc
#endif

/// Removes a zstd encoding: every frame (and skippable frame) in order, through libzstd, with
/// a window cap and an output cap, verifying content sizes and checksums.
enum ZstdLayer {
    static let frameMagic: UInt32 = 0xFD2F_B528
    static let skippableMask: UInt32 = 0xFFFF_FFF0
    static let skippableMagic: UInt32 = 0x184D_2A50
    private static let contentSizeUnknown = UInt64.max
    private static let contentSizeError = UInt64.max - 1

    static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var cursor = ByteCursor(bytes)
        guard let magic = cursor.u32() else { return false }
        return magic == frameMagic || magic & skippableMask == skippableMagic
    }

    /// A growing heap buffer for the decoded stream, capped.
    private struct Output {
        var base: UnsafeMutableRawPointer?
        var capacity = 0
        var count = 0

        mutating func reserve(_ extra: Int, cap: UInt64) -> Bool {
            let (need, overflow) = count.addingReportingOverflow(extra)
            guard !overflow, UInt64(need) <= cap else { return false }
            if need <= capacity { return true }
            let grown = min(max(need, capacity * 2, 1 << 20), Int(clamping: cap))
            guard let p = realloc(base, grown) else { return false }
            base = p
            capacity = grown
            return true
        }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> ByteSource {
        guard let dctx = ZSTD_createDCtx() else { throw ctx.error("io-error", "libzstd could not allocate a context", at: nil) }
        defer { ZSTD_freeDCtx(dctx) }
        var output = Output()
        var ownsOutput = true
        defer { if ownsOutput { free(output.base) } }
        let cap = ctx.options.maxDecompressedBytes
        var position = 0
        while position < bytes.count {
            var cursor = ByteCursor(bytes, position: position)
            guard let magic = cursor.u32() else {
                throw ctx.error("zstd-corrupt", "\(bytes.count - position) trailing bytes are not a zstd frame", at: position)
            }
            if magic & skippableMask == skippableMagic {
                guard let size = cursor.u32(), cursor.skip(UInt64(size)) else {
                    throw ctx.error("zstd-truncated", "skippable frame runs past the end of the file", at: position)
                }
                position = cursor.position
                continue
            }
            guard magic == frameMagic else {
                throw ctx.error("zstd-corrupt", "expected a zstd frame magic here, found 0x\(String(magic, radix: 16))", at: position)
            }
            let rest = UnsafeRawBufferPointer(rebasing: bytes[position...])
            position += try decodeFrame(rest, at: position, dctx: dctx, into: &output, cap: cap, ctx)
        }
        ownsOutput = false
        return ByteSource.adopting(name: ctx.where_, pointer: output.base, count: output.count)
    }

    /// Decodes the frame at the start of `frame`; returns its compressed length.
    private static func decodeFrame(_ frame: UnsafeRawBufferPointer, at offset: Int, dctx: OpaquePointer,
                                    into output: inout Output, cap: UInt64, _ ctx: LoadContext) throws(LoadError) -> Int {
        let declared = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        if declared == contentSizeError {
            throw ctx.error(frame.count < 18 ? "zstd-truncated" : "zstd-corrupt", "invalid zstd frame header", at: offset)
        }
        if declared != contentSizeUnknown {
            let (total, overflow) = UInt64(output.count).addingReportingOverflow(declared)
            guard !overflow, total <= cap else {
                throw ctx.error("zstd-too-large", "frame declares \(declared) decompressed bytes; the limit is \(cap) (--max-decompressed)", at: offset)
            }
        }
        let compressed = ZSTD_findFrameCompressedSize(frame.baseAddress, frame.count)
        if ZSTD_isError(compressed) != 0 {
            let code = ZSTD_getErrorCode(compressed)
            throw ctx.error(code == ZSTD_error_srcSize_wrong ? "zstd-truncated" : "zstd-corrupt",
                            "zstd frame is \(code == ZSTD_error_srcSize_wrong ? "cut short" : "damaged"): \(String(cString: ZSTD_getErrorName(compressed)))", at: offset)
        }
        ZSTD_DCtx_reset(dctx, ZSTD_reset_session_and_parameters)
        ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, ctx.options.zstdWindowLogMax)
        var input = ZSTD_inBuffer(src: frame.baseAddress, size: compressed, pos: 0)
        let start = output.count
        var first = true
        while true {
            var room = 1 << 17
            // A first output window smaller than the declared size keeps libzstd streaming, so a
            // size lie is seen at the frame's end rather than inside a single-shot decode.
            if first, declared != contentSizeUnknown, declared > 1 { room = min(room, Int(declared) - 1) }
            guard output.reserve(room, cap: cap) || output.reserve(1, cap: cap) else {
                throw ctx.error("zstd-too-large", "decompressed data exceeds the limit of \(cap) bytes (--max-decompressed)", at: offset)
            }
            room = min(room, output.capacity - output.count)
            var out = ZSTD_outBuffer(dst: output.base.map { $0 + output.count }, size: room, pos: 0)
            let status = ZSTD_decompressStream(dctx, &out, &input)
            output.count += out.pos
            first = false
            if ZSTD_isError(status) != 0 {
                let produced = UInt64(output.count - start)
                let code = ZSTD_getErrorCode(status)
                let name = String(cString: ZSTD_getErrorName(status))
                if code == ZSTD_error_checksum_wrong {
                    throw ctx.error("zstd-checksum", "zstd frame fails its content checksum", at: offset)
                }
                if code == ZSTD_error_frameParameter_windowTooLarge {
                    throw ctx.error("zstd-window", "zstd frame needs a window above 2^\(ctx.options.zstdWindowLogMax) bytes", at: offset)
                }
                if declared != contentSizeUnknown, produced != declared, produced > declared || input.pos + 4 >= compressed {
                    throw ctx.error("zstd-size-mismatch", "zstd frame declares \(declared) bytes but decodes to \(produced > declared ? "more" : "\(produced)")", at: offset)
                }
                throw ctx.error("zstd-corrupt", "zstd frame is damaged: \(name)", at: offset)
            }
            if status == 0 {
                let produced = UInt64(output.count - start)
                if declared != contentSizeUnknown, produced != declared {
                    throw ctx.error("zstd-size-mismatch", "zstd frame declares \(declared) bytes but decodes to \(produced)", at: offset)
                }
                return compressed
            }
            if input.pos == input.size, out.pos < room {
                throw ctx.error("zstd-truncated", "zstd frame ends before its last block", at: offset)
            }
        }
    }
}
