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
