#if canImport(Glibc)
import Glibc
#endif

/// With FRICTION_PEAK_RSS set, prints this process's peak resident set (VmHWM) to stderr at
/// exit. Tests use it: a parent's rusage of a vfork-spawned child also counts the parent's own
/// memory, so the child reports its own.
enum PeakMemory {
    static func install() {
        guard getenv("FRICTION_PEAK_RSS") != nil else { return }
        atexit {
            guard let file = fopen("/proc/self/status", "r") else { return }
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 256)
            while fgets(&line, Int32(line.count), file) != nil {
                let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if text.hasPrefix("VmHWM:") {
                    let out = Array(("friction-peak-rss: " + text.dropFirst(6).trimmingPrefix(while: { $0 == " " || $0 == "\t" })).utf8)
                    _ = out.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
                }
            }
        }
    }
}

extension Substring {
    func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
        var s = self
        while let c = s.first, predicate(c) { s = s.dropFirst() }
        return s
    }
}
