#if canImport(Glibc)
import Glibc
#endif

/// Runs `body(0..<workers)` on `workers` threads (the caller's thread takes worker 0) and
/// waits for all. Plain pthreads: libdispatch's concurrentPerform ran serially here.
enum ParallelFor {
    final class Job: @unchecked Sendable {
        let body: (Int) -> Void
        let index: Int
        init(body: @escaping (Int) -> Void, index: Int) {
            self.body = body
            self.index = index
        }
    }

    /// Threads a scan uses when not told: `FRICTION_THREADS` if set (1…256), else the CPUs this
    /// process may run on (the `Cpus_allowed` mask of /proc/self/status), at most 64.
    static let cores: Int = {
        if let text = getenv("FRICTION_THREADS").map({ String(cString: $0) }), let n = Int(text), (1...256).contains(n) { return n }
        var n = allowedCPUs() ?? 0
        if n <= 0 { n = sysconf(Int32(_SC_NPROCESSORS_ONLN)) }
        return max(1, min(64, n))
    }()

    /// Bits set in the hexadecimal `Cpus_allowed` mask (comma-separated groups), if readable.
    static func allowedCPUs() -> Int? {
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix("Cpus_allowed:") else { continue }
            var bits = 0
            for ch in text.dropFirst("Cpus_allowed:".count) { if let v = ch.hexDigitValue { bits += v.nonzeroBitCount } }
            return bits
        }
        return nil
    }

    /// Elements below which another worker is not worth its set-up (tables, thread start).
    static let grain = 1 << 21

    /// Workers for `chunks` chunks of `elements` elements: exactly `threads` (at most one per
    /// chunk) when given, else one per ``grain`` elements up to ``cores``.
    static func workers(threads: Int?, chunks: Int, elements: Int) -> Int {
        let wanted = threads ?? min(cores, max(1, elements / grain))
        return max(1, min(wanted, chunks))
    }

    /// The contiguous share of `0..<count` of worker `w` out of `workers`.
    static func share(_ count: Int, worker w: Int, of workers: Int) -> Range<Int> {
        let per = count / workers, extra = count % workers
        let start = w * per + min(w, extra)
        return start..<(start + per + (w < extra ? 1 : 0))
    }

    static func run(workers: Int, _ body: @escaping (Int) -> Void) {
        guard workers > 1 else { body(0); return }
        var threads: [pthread_t] = []
        for w in 1..<workers {
            let job = Unmanaged.passRetained(Job(body: body, index: w)).toOpaque()
            var thread = pthread_t()
            let started = pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                let job = Unmanaged<Job>.fromOpaque(raw).takeRetainedValue()
                job.body(job.index)
                return nil
            }, job)
            if started == 0 {
                threads.append(thread)
            } else {
                let job = Unmanaged<Job>.fromOpaque(job).takeRetainedValue()
                job.body(job.index)
            }
        }
        body(0)
        for t in threads { pthread_join(t, nil) }
    }
}
