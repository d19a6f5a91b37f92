import CZlib

/// Streams a raw deflate stream (zip method 8) through zlib, keeping only a bounded prefix of
/// the output and the CRC-32 and length of all of it.
struct Inflater {
    struct Result {
        var prefix: [UInt8]
        var totalOut: UInt64
        var crc32: UInt32
    }

    enum Failure: Error {
        case corrupt(String)
        case tooLarge(UInt64)
    }

    /// Inflates `input`, keeping the first `keep` output bytes; stops with `tooLarge` past `limit`.
    static func inflate(_ input: UnsafeRawBufferPointer, keep: Int, limit: UInt64) -> Swift.Result<Result, Failure> {
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return .failure(.corrupt("zlib could not start"))
        }
        defer { inflateEnd(&stream) }
        var result = Result(prefix: [], totalOut: 0, crc32: UInt32(crc32(0, nil, 0)))
        let chunk = 1 << 16
        var out = [UInt8](repeating: 0, count: chunk)
        var status: Int32 = Z_OK
        var inputLeft = input.count
        var next = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) }
        repeat {
            let feed = min(inputLeft, Int(UInt32.max))
            stream.next_in = next
            stream.avail_in = UInt32(feed)
            repeat {
                let produced: Int = out.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(chunk)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return chunk - Int(stream.avail_out)
                }
                if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
                    let why = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    return .failure(.corrupt(why))
                }
                if produced > 0 {
                    out.withUnsafeBufferPointer { buffer in
                        result.crc32 = UInt32(crc32(uLong(result.crc32), buffer.baseAddress, uInt(produced)))
                    }
                    if result.prefix.count < keep { result.prefix += out[0..<min(produced, keep - result.prefix.count)] }
                    result.totalOut += UInt64(produced)
                    if result.totalOut > limit { return .failure(.tooLarge(result.totalOut)) }
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
            } while stream.avail_out == 0 && status != Z_STREAM_END
            inputLeft -= feed - Int(stream.avail_in)
            next = stream.next_in
            if status == Z_BUF_ERROR && stream.avail_in == 0 && inputLeft == 0 { break }
        } while status != Z_STREAM_END && inputLeft > 0
        guard status == Z_STREAM_END else { return .failure(.corrupt("deflate stream ends before its final block")) }
        return .success(result)
    }
}
