import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes safetensors files whose data section is a hole: a real header, then `ftruncate` to
/// the full size, so a 16 GiB checkpoint costs no disk and no time to make.
public enum SparseSafetensors {
    /// Creates `path` holding one F32 tensor `name` of `elements` elements; returns the file size.
    @discardableResult
    public static func write(path: String, name: String = "weight", elements: UInt64) throws -> UInt64 {
        let dataBytes = elements * 4
        var header = #"{"\#(name)":{"dtype":"F32","shape":[\#(elements)],"data_offsets":[0,\#(dataBytes)]}}"#
        while (8 + header.utf8.count) % 8 != 0 { header += " " }
        var bytes = [UInt8](repeating: 0, count: 8)
        var length = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { for i in 0..<8 { bytes[i] = $0[i] } }
        bytes += Array(header.utf8)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(fd) }
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else { throw CocoaError(.fileWriteUnknown) }
        let total = UInt64(bytes.count) + dataBytes
        guard ftruncate(fd, off_t(total)) == 0 else { throw CocoaError(.fileWriteUnknown) }
        return total
    }

    /// Blocks actually allocated on disk for `path`, in bytes.
    public static func allocatedBytes(path: String) -> UInt64 {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return UInt64(info.st_blocks) * 512
    }
}
