import FrictionLoaders

/// The memory behind a tensor: owned (allocated, 64-byte aligned, zero-filled) or borrowed
/// read-only from a mapped file (initializers used in place), kept alive with its mapping.
public final class TensorBuffer: @unchecked Sendable {
    public let base: UnsafeMutableRawPointer
    public let byteCount: Int
    /// Whether the bytes may be written (owned buffers only).
    public let writable: Bool
    private let owner: AnyObject?

    /// Zero-filled owned memory.
    public init(byteCount: Int) {
        let size = max(byteCount, 1)
        base = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: size)
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
