import Synchronization
import FrictionCore

/// libhdf5 as Debian builds it is not thread-safe: every call into it, from opening a file to
/// closing its last handle, runs under this one lock (loads of several inputs and parallel tests
/// would otherwise corrupt the library's global state).
enum HDF5Library {
    private static let lock = Mutex(())

    /// Runs `body` with exclusive use of libhdf5. Handles opened inside must be closed inside.
    static func serialized<T: Sendable>(_ body: () throws(LoadError) -> T) throws(LoadError) -> T {
        try lock.withLock { (_: inout ()) throws(LoadError) -> T in try body() }
    }
}
