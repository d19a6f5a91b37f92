#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// With FRICTION_PEAK_RSS set, prints this process's peak resident set (VmHWM) to stderr at
/// exit. Tests use it: a parent's rusage of a vfork-spawned child also counts the parent's own
/// memory, so the child reports its own.
enum PeakMemory {
    /// Largest RssAnon seen (kB): memory that is not mapped file pages.
    static let peakAnon = Atomic<Int>(0)

    /// RssAnon of this process now (kB), from /proc/self/status.
    static func anonymousKB() -> Int {
        guard let file = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("RssAnon:") { return Int(text.dropFirst(8).filter(\.isNumber)) ?? 0 }
        }
        return 0
    }

    static func install() {
        guard getenv("FRICTION_PEAK_RSS") != nil else { return }
        // Anonymous memory has no high-water mark in /proc: sample it every 5 ms.
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in
            while true {
                let now = PeakMemory.anonymousKB()
                var seen = PeakMemory.peakAnon.load(ordering: .relaxed)
                while now > seen {
                    let (exchanged, original) = PeakMemory.peakAnon.compareExchange(expected: seen, desired: now, ordering: .relaxed)
                    if exchanged { break }
                    seen = original
                }
                usleep(5_000)
            }
        }, nil)
        atexit {
            let anon = max(PeakMemory.peakAnon.load(ordering: .relaxed), PeakMemory.anonymousKB())
            let report = Array("friction-peak-anon: \(anon) kB\n".utf8)
            _ = report.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
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
