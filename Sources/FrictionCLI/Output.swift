#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes to stdout and stderr.
enum FileHandleOutput {
    static func standardOutput(_ text: String) { write(1, text) }
    static func standardError(_ text: String) { write(2, text) }

    private static func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, UnsafeRawBufferPointer(rebasing: raw[offset...]).baseAddress, raw.count - offset)
            }
            if n <= 0 { return }
            offset += n
        }
    }
}
