import Foundation
import FrictionLoaders
#if canImport(Glibc)
import Glibc
#endif

/// The memory behind a tensor: owned (allocated, 64-byte aligned, zero-filled) or borrowed
/// read-only from a mapped file (initializers used in place), kept alive with its mapping.
public final class TensorBuffer: @unchecked Sendable {
    public let base: UnsafeMutableRawPointer
    public let byteCount: Int
    /// Whether the bytes may be written (owned buffers only).
    public let writable: Bool
    private let owner: AnyObject?

    /// Zero-filled owned memory.
    public convenience init(byteCount: Int) {
        self.init(copying: nil, byteCount: byteCount)
    }

    /// Owned memory holding a copy of `source` (zero-filled when nil). Large copies are split
    /// across cores: first-touch page faults dominate copying a mapped initializer.
    public init(copying source: UnsafeRawPointer?, byteCount: Int) {
        let size = max(byteCount, 1)
        base = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        let dst = base
        if let source {
            Parallel.ranges(size) { r in (dst + r.lowerBound).copyMemory(from: source + r.lowerBound, byteCount: r.count) }
        } else {
            Parallel.ranges(size) { r in (dst + r.lowerBound).initializeMemory(as: UInt8.self, repeating: 0, count: r.count) }
        }
        self.byteCount = byteCount
        writable = true
        owner = nil
    }

    /// Owned memory filled from `count` bytes of the file `fd` at `offset` (pread, split across
    /// cores), or nil when the read comes up short.
    public static func reading(fd: Int32, offset: UInt64, byteCount: Int) -> TensorBuffer? {
        let buffer = TensorBuffer(uninitialized: byteCount)
        let dst = buffer.base
        let failed = FailureFlag()
        Parallel.ranges(byteCount) { r in
            var done = 0
            while done < r.count {
                let n = pread(fd, dst + r.lowerBound + done, r.count - done, off_t(offset) + off_t(r.lowerBound + done))
                if n <= 0 { failed.set(); return }
                done += n
            }
        }
        return failed.isSet ? nil : buffer
    }

    private init(uninitialized byteCount: Int) {
        base = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
        self.byteCount = byteCount
        writable = true
        owner = nil
    }

    /// Read-only memory inside `owner` (a ``ByteSource``), which must outlive every reader.
    public init(borrowing pointer: UnsafeRawPointer, byteCount: Int, owner: AnyObject) {
        base = UnsafeMutableRawPointer(mutating: pointer)
        self.byteCount = byteCount
        writable = false
        self.owner = owner
    }

    deinit { if writable { base.deallocate() } }
}

/// A flag set from worker threads.
final class FailureFlag: @unchecked Sendable {
    private var value = false
    private let lock = NSLock()
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
