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
                throw ctx.error("zstd-too-large", "frame declares \(declared) decompressed bytes; the limit is \(cap) (raise with --max-decompressed or --limit decompressed-bytes=N)", at: offset)
            }
        }
        let compressed = ZSTD_findFrameCompressedSize(frame.baseAddress, frame.count)
        if ZSTD_isError(compressed) != 0 {
            let code = ZSTD_getErrorCode(compressed)
            throw ctx.error(code == ZSTD_error_srcSize_wrong ? "zstd-truncated" : "zstd-corrupt",
                            "zstd frame is \(code == ZSTD_error_srcSize_wrong ? "cut short" : "damaged"): \(String(cString: ZSTD_getErrorName(compressed)))", at: offset)
        }
        let body = UnsafeRawBufferPointer(rebasing: frame[0..<compressed])
        let start = output.count
        let failure = stream(body, dctx: dctx, windowLogMax: ctx.options.zstdWindowLogMax) { chunk in
            guard output.reserve(chunk.count, cap: cap) else { return false }
            output.base.map { UnsafeMutableRawBufferPointer(start: $0 + output.count, count: chunk.count).copyMemory(from: chunk) }
            output.count += chunk.count
            return true
        }
        let produced = UInt64(output.count - start)
        switch failure {
        case nil:
            if declared != contentSizeUnknown, produced != declared {
                throw ctx.error("zstd-size-mismatch", "zstd frame declares \(declared) bytes but decodes to \(produced)", at: offset)
            }
            return compressed
        case .some(.limit):
            throw ctx.error("zstd-too-large", "decompressed data exceeds the limit of \(cap) bytes (raise with --max-decompressed or --limit decompressed-bytes=N)", at: offset)
        case .some(.truncated):
            throw ctx.error("zstd-truncated", "zstd frame ends before its last block", at: offset)
        case .some(.zstd(let code, let name)):
            if code == ZSTD_error_checksum_wrong {
                throw ctx.error("zstd-checksum", "zstd frame fails its content checksum", at: offset)
            }
            if code == ZSTD_error_frameParameter_windowTooLarge {
                throw ctx.error("zstd-window", "zstd frame needs a window above 2^\(ctx.options.zstdWindowLogMax) bytes", at: offset)
            }
            if declared != contentSizeUnknown, let actual = sizeIgnoringDeclaredSize(body, dctx: dctx, cap: cap), actual != declared {
                throw ctx.error("zstd-size-mismatch", "zstd frame declares \(declared) bytes but decodes to \(actual)", at: offset)
            }
            throw ctx.error("zstd-corrupt", "zstd frame is damaged: \(name)", at: offset)
        }
    }

    enum StreamFailure {
        case zstd(ZSTD_ErrorCode, String)
        case truncated
        case limit
    }

    /// Streams one frame through libzstd, handing each decoded chunk to `sink` (false stops with `.limit`).
    private static func stream(_ body: UnsafeRawBufferPointer, dctx: OpaquePointer, windowLogMax: Int32,
                               sink: (UnsafeRawBufferPointer) -> Bool) -> StreamFailure? {
        ZSTD_DCtx_reset(dctx, ZSTD_reset_session_and_parameters)
        ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, windowLogMax)
        let chunk = 1 << 17
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { scratch.deallocate() }
        var input = ZSTD_inBuffer(src: body.baseAddress, size: body.count, pos: 0)
        while true {
            var out = ZSTD_outBuffer(dst: scratch.baseAddress, size: chunk, pos: 0)
            let status = ZSTD_decompressStream(dctx, &out, &input)
            if ZSTD_isError(status) != 0 {
                return .zstd(ZSTD_getErrorCode(status), String(cString: ZSTD_getErrorName(status)))
            }
            if out.pos > 0, !sink(UnsafeRawBufferPointer(rebasing: scratch[0..<out.pos])) { return .limit }
            if status == 0 { return nil }
            if input.pos == input.size, out.pos < chunk { return .truncated }
        }
    }

    /// The frame's real decoded size, found by decoding a copy whose header omits the declared
    /// content size (a 2^27 window instead), so libzstd cannot stop on the declaration.
    /// Nil if the frame is damaged in other ways too.
    private static func sizeIgnoringDeclaredSize(_ frame: UnsafeRawBufferPointer, dctx: OpaquePointer, cap: UInt64) -> UInt64? {
        guard frame.count >= 5 else { return nil }
        let descriptor = frame[4]
        let singleSegment = descriptor & 0x20 != 0
        let fcsFlag = Int(descriptor >> 6)
        let dictIDSize = [0, 1, 2, 4][Int(descriptor & 3)]
        let fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]
        let dictStart = 5 + (singleSegment ? 0 : 1)
        let headerEnd = dictStart + dictIDSize + fcsSize
        guard frame.count >= headerEnd else { return nil }
        let windowLog27: UInt8 = (27 - 10) << 3
        var copy: [UInt8] = Array(frame[0..<4]) + [descriptor & 0x07, windowLog27]
        copy += frame[dictStart..<(dictStart + dictIDSize)]
        copy += frame[headerEnd...]
        var total: UInt64 = 0
        let failure = copy.withUnsafeBytes { raw in
            stream(raw, dctx: dctx, windowLogMax: 27) { chunk in
                total += UInt64(chunk.count)
                return total <= cap
            }
        }
        return failure == nil ? total : nil
    }
}
