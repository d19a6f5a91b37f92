import FrictionCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only bytes of one input: a memory-mapped file, or a heap buffer holding a decoded
/// stream. Loaders read through ``bytes`` and never copy payloads.
public final class ByteSource: @unchecked Sendable {
    /// The name used in messages and locations (the path the user gave, plus any decoding).
    public let name: String
    /// The bytes; valid as long as this object lives. Never written.
    public let bytes: UnsafeRawBufferPointer
    /// True for a read-only file mapping (paging hints apply), false for a heap buffer.
    let mapped: Bool
    private let release: @Sendable (UnsafeRawBufferPointer) -> Void

    private init(name: String, bytes: UnsafeRawBufferPointer, mapped: Bool = false,
                 release: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        self.name = name
        self.bytes = bytes
        self.mapped = mapped
        self.release = release
    }

    deinit { release(bytes) }

    public var count: UInt64 { UInt64(bytes.count) }

    /// Maps `path` read-only (MAP_PRIVATE, PROT_READ). Empty files map to an empty buffer.
    public static func map(path: String, name: String? = nil) throws(LoadError) -> ByteSource {
        let display = name ?? path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LoadError("io-error", "cannot open: \(errnoText())", file: display) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LoadError("io-error", "cannot stat: \(errnoText())", file: display) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw LoadError("io-error", "not a regular file", file: display)
        }
        let size = Int(info.st_size)
        if size == 0 {
            return ByteSource(name: display, bytes: UnsafeRawBufferPointer(start: nil, count: 0)) { _ in }
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw LoadError("io-error", "cannot map \(size) bytes: \(errnoText())", file: display)
        }
        let buffer = UnsafeRawBufferPointer(start: base, count: size)
        return ByteSource(name: display, bytes: buffer, mapped: true) { buffer in
            munmap(UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count)
        }
    }

    /// Takes ownership of `count` bytes at `pointer`, allocated with `malloc`.
    static func adopting(name: String, pointer: UnsafeMutableRawPointer?, count: Int) -> ByteSource {
        ByteSource(name: name, bytes: UnsafeRawBufferPointer(start: pointer, count: count)) { buffer in
            free(UnsafeMutableRawPointer(mutating: buffer.baseAddress))
        }
    }

    /// A heap copy of `bytes` named `name`: an in-memory file image (fuzzers and tests serve
    /// payloads from it as from a mapped file).
    public static func copying(name: String, bytes: UnsafeRawBufferPointer) -> ByteSource {
        let pointer = malloc(max(bytes.count, 1))
        if let pointer, let base = bytes.baseAddress { memcpy(pointer, base, bytes.count) }
        return adopting(name: name, pointer: pointer, count: pointer == nil ? 0 : bytes.count)
    }

    /// Paging hints for a byte range of a file mapping (nothing for heap buffers).
    public enum Paging: Sendable {
        /// Start reading the pages in the background (MADV_WILLNEED).
        case willNeed
        /// Drop this process's page-table entries (MADV_DONTNEED): the mapping is private, read-only
        /// and never written, so the page cache keeps the data and a later read maps it again.
        case done
    }

    /// Applies `hint` to `range` (clamped to the source): `.willNeed` to every page the range
    /// touches, `.done` only to pages wholly inside it (or running to the end of the source), so
    /// the neighbours' shared pages stay mapped. A hint that the kernel refuses changes nothing.
    public func advise(_ range: Range<Int>, _ hint: Paging) {
        guard mapped, let base = bytes.baseAddress else { return }
        let page = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))
        let lower = max(0, min(range.lowerBound, bytes.count)), upper = max(lower, min(range.upperBound, bytes.count))
        guard lower < upper else { return }
        let start: Int, end: Int
        switch hint {
        case .willNeed:
            start = lower / page * page
            end = upper
        case .done:
            start = (lower + page - 1) / page * page
            end = upper == bytes.count ? upper : upper / page * page
        }
        guard end > start else { return }
        let pointer = UnsafeMutableRawPointer(mutating: base + start)
        _ = madvise(pointer, end - start, hint == .willNeed ? MADV_WILLNEED : MADV_DONTNEED)
    }

    /// A slice of this source as its own cursor-friendly buffer (no copy).
    public func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[range])
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }
