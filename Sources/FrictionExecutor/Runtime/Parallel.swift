import Foundation

/// Splits large loops across cores (Dispatch's concurrentPerform); small ones run inline.
enum Parallel {
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Below this many elements a loop runs on the calling thread.
    static let grain = 1 << 16

    /// Calls `body` on disjoint ranges covering 0..<count, concurrently when count is large.
    static func ranges(_ count: Int, _ body: (Range<Int>) -> Void) {
        guard count >= grain * 2, cores > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        let chunks = min(cores * 4, count / grain)
        let step = (count + chunks - 1) / chunks
        withoutActuallyEscaping(body) { escapable in
            // The ranges are disjoint, so the writes through the captured buffers never overlap.
            let box = UncheckedBody(run: escapable)
            DispatchQueue.concurrentPerform(iterations: chunks) { i in
                let lo = i * step, hi = min(count, lo + step)
                if lo < hi { box.run(lo..<hi) }
            }
        }
    }
}

extension Parallel {
    /// Splits 0..<count into `chunks` contiguous ranges (fewer when small) and calls
    /// `body(chunkIndex, range)` for each, concurrently when large. Returns the chunk count.
    @discardableResult
    static func chunks(_ count: Int, _ body: (Int, Range<Int>) -> Void) -> Int {
        let n = count >= grain * 2 && cores > 1 ? min(cores * 2, count / grain) : 1
        let step = (count + n - 1) / max(n, 1)
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedChunkBody(run: escapable)
            if n == 1 { box.run(0, 0..<count); return }
            DispatchQueue.concurrentPerform(iterations: n) { i in
                let lo = i * step, hi = min(count, lo + step)
                box.run(i, lo..<max(lo, hi))
            }
        }
        return n
    }
}

private struct UncheckedChunkBody: @unchecked Sendable {
    let run: (Int, Range<Int>) -> Void
}

/// A loop body shared by the worker threads of one ``Parallel/ranges(_:_:)`` call.
private struct UncheckedBody: @unchecked Sendable {
    let run: (Range<Int>) -> Void
}
