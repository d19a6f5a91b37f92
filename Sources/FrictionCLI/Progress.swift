#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on standard error for long weight scans: only on a terminal (never
/// in CI logs or when stderr is redirected), redrawn at most ten times a second.
final class Progress {
    private var tensors = 0, done = 0
    private var bytes: UInt64 = 0, doneBytes: UInt64 = 0
    private var label = ""
    private var lastDraw = 0.0
    private var drawn = false

    /// A progress bar when standard error is a terminal, else nil.
    static func forTerminal() -> Progress? { isatty(2) != 0 && getenv("NO_PROGRESS") == nil ? Progress() : nil }

    func start(tensors: Int, bytes: UInt64, label: String) {
        self.tensors = tensors; self.bytes = bytes; self.label = label
        done = 0; doneBytes = 0
        draw(force: true)
    }

    func advance(bytes: UInt64) {
        done += 1
        doneBytes &+= bytes
        draw(force: done == tensors)
    }

    func finish() {
        guard drawn else { return }
        emit("\r\u{1B}[2K")
        drawn = false
    }

    private func draw(force: Bool) {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let now = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        guard force || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let width = 30
        let fraction = bytes == 0 ? 1 : Double(doneBytes) / Double(bytes)
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let gb = { (b: UInt64) in String(Double(b / 10_000_000) / 100) }
        emit("\r\u{1B}[2Kscanning \(bar) \(done)/\(tensors) tensors, \(gb(doneBytes))/\(gb(bytes)) GB  \(label)")
        drawn = true
    }

    private func emit(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
