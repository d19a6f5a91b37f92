import CHDF5
import FrictionCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs libhdf5 in a worker process when one is configured (the `friction` executable does so
/// at start-up). libhdf5 1.10 crashes or loops on some malformed files (a quick mutation run
/// of a Keras file segfaulted it in 7 of 400 cases); in the worker such a file costs a clear
/// `hdf5-crash` / `hdf5-timeout` error instead of the whole run. Without a worker (library use,
/// unit tests) the same code runs in-process under ``HDF5Library``'s lock.
public enum HDF5Isolation {
    private static let worker = Mutex<String?>(nil)
    /// Seconds a worker may take before it is killed (`FRICTION_HDF5_TIMEOUT_S` overrides).
    static let defaultTimeout = 60.0
    /// The hidden first argument that turns `friction` into the worker.
    public static let workerFlag = "__hdf5-worker"

    /// Sets (or clears) the executable run as `EXECUTABLE __hdf5-worker …`.
    public static func useWorker(_ executable: String?) { worker.withLock { $0 = executable } }

    static var executable: String? { worker.withLock { $0 } }

    /// Refuses HDF5 content when the load options say so (`hdf5-disabled`).
    static func checkEnabled(_ options: LoadOptions, _ display: String) throws(LoadError) {
        if !options.readHDF5 { throw LoadError("hdf5-disabled", "HDF5 reading is switched off for this load", file: display) }
    }

    static var timeout: Double {
        guard let text = getenv("FRICTION_HDF5_TIMEOUT_S").map({ String(cString: $0) }), let v = Double(text), v > 0 else { return defaultTimeout }
        return v
    }

    // MARK: - Operations

    /// Probes the HDF5 file at `path` (or the byte `slice` of it, a stored archive member).
    /// `image` is the same bytes when they are not in `path` as such (a decoded stream).
    static func probe(path: String, display: String, slice: Range<UInt64>? = nil, image: UnsafeRawBufferPointer? = nil) throws(LoadError) -> HDF5Probe {
        if let image { return try probe(image: image, display: display) }
        if let exe = executable {
            var args = ["probe", path]
            if let slice { args += [String(slice.lowerBound), String(slice.count)] }
            return try HDF5Probe(json: try answer(exe, args, memfd: nil, limit: 1 << 30, display: display), file: display)
        }
        return try HDF5Library.serialized { () throws(LoadError) -> HDF5Probe in try probeInProcess(path: path, slice: slice, display: display) }
    }

    /// Probes an HDF5 image held in memory.
    static func probe(image: UnsafeRawBufferPointer, display: String) throws(LoadError) -> HDF5Probe {
        if let exe = executable {
            let fd = try memfd(image, display: display)
            defer { close(fd) }
            return try HDF5Probe(json: try answer(exe, ["probe", "/dev/fd/3", "0", String(image.count)], memfd: fd, limit: 1 << 30, display: display),
                                 file: display)
        }
        return try HDF5Library.serialized { () throws(LoadError) -> HDF5Probe in
            try HDF5Probe.collect(try HDF5File.open(image: image, display: display))
        }
    }

    /// The little-endian bytes of one dataset of the HDF5 file at `path`.
    static func read(path: String, dataset: String, byteCount: UInt64) throws(LoadError) -> [UInt8] {
        if let exe = executable {
            let bytes = try run(exe, ["read", path, dataset, String(byteCount)], memfd: nil, limit: byteCount, display: path)
            guard UInt64(bytes.count) == byteCount else {
                throw LoadError("hdf5-worker", "the HDF5 worker returned \(bytes.count) bytes for \(byteCount)", file: path, path: dataset)
            }
            return bytes
        }
        return try HDF5Library.serialized { () throws(LoadError) -> [UInt8] in
            try HDF5File.open(path: path, display: path).read(dataset: dataset, byteCount: byteCount)
        }
    }

    static func probeInProcess(path: String, slice: Range<UInt64>?, display: String) throws(LoadError) -> HDF5Probe {
        guard let slice else { return try HDF5Probe.collect(try HDF5File.open(path: path, display: display)) }
        let source = try ByteSource.map(path: path, name: display)
        guard slice.upperBound <= UInt64(source.count) else { throw LoadError("hdf5-open", "member range past the end of the file", file: display) }
        let bytes = UnsafeRawBufferPointer(rebasing: source.bytes[Int(slice.lowerBound)..<Int(slice.upperBound)])
        return try withExtendedLifetime(source) { () throws(LoadError) -> HDF5Probe in
            try HDF5Probe.collect(try HDF5File.open(image: bytes, display: display))
        }
    }

    // MARK: - The worker process

    /// A JSON answer from the worker (its errors become ``LoadError``s).
    static func answer(_ exe: String, _ args: [String], memfd: Int32?, limit: UInt64, display: String) throws(LoadError) -> JSONValue {
        let bytes = try run(exe, args, memfd: memfd, limit: limit, display: display)
        do throws(JSONParseError) { return try JSONParser.parse(bytes, maxDepth: 16).value } catch {
            throw LoadError("hdf5-worker", "the HDF5 worker's answer is not JSON: \(error)", file: display)
        }
    }

    static func memfd(_ image: UnsafeRawBufferPointer, display: String) throws(LoadError) -> Int32 {
        let fd = friction_memfd()
        guard fd >= 0 else { throw LoadError("hdf5-worker", "cannot create an in-memory file for the HDF5 worker", file: display) }
        var done = 0
        while done < image.count {
            let n = write(fd, image.baseAddress! + done, min(image.count - done, 1 << 30))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { close(fd); throw LoadError("hdf5-worker", "cannot fill the in-memory file for the HDF5 worker", file: display) }
            done += n
        }
        return fd
    }

    /// Runs `exe __hdf5-worker ARGS`, returns its standard output (at most `limit` bytes) when it
    /// exits 0, its reported error when it exits 3, and a crash / timeout error otherwise.
    static func run(_ exe: String, _ args: [String], memfd: Int32?, limit: UInt64, display: String) throws(LoadError) -> [UInt8] {
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { throw LoadError("hdf5-worker", "cannot create a pipe for the HDF5 worker", file: display) }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }   // only the dup2'd copy reaches the worker
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        if let memfd { posix_spawn_file_actions_adddup2(&actions, memfd, 3) }
        let argv = ([exe, workerFlag] + args).map { strdup($0) }
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = (argv + [nil]).withUnsafeBufferPointer { posix_spawn(&pid, exe, &actions, nil, $0.baseAddress!, environ) }
        close(pipeFDs[1])
        defer { close(pipeFDs[0]) }
        guard spawned == 0 else { throw LoadError("hdf5-worker", "cannot start the HDF5 worker \(exe): \(String(cString: strerror(spawned)))", file: display) }

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let deadline = monotonicSeconds() + timeout
        var timedOut = false, overflow = false
        while true {
            let left = deadline - monotonicSeconds()
            if left <= 0 { timedOut = true; break }
            var pfd = pollfd(fd: pipeFDs[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(left * 1000, 60_000)) + 1)
            if ready < 0 { if errno == EINTR { continue }; break }
            if ready == 0 { continue }
            let n = chunk.withUnsafeMutableBytes { Glibc.read(pipeFDs[0], $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; break }
            if n == 0 { break }
            output += chunk[0..<n]
            if UInt64(output.count) > limit + (1 << 20) { overflow = true; break }
        }
        if timedOut || overflow { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        if timedOut {
            throw LoadError("hdf5-timeout", "libhdf5 did not finish reading the file's structure within \(Int(timeout)) s (a malformed file can make it loop); stopped", file: display)
        }
        if overflow { throw LoadError("hdf5-worker", "the HDF5 worker's answer exceeds \(limit) bytes", file: display) }
        let signal = status & 0x7f
        if signal != 0 {
            throw LoadError("hdf5-crash", "libhdf5 crashed (signal \(signal)) reading the file: it is malformed; nothing from it was used (HDF5 runs in a separate process)", file: display)
        }
        let code = (status >> 8) & 0xff
        if code == 3, let error = try? JSONParser.parse(output, maxDepth: 8).value {
            throw LoadError(error["code"]?.stringValue ?? "hdf5-worker", error["message"]?.stringValue ?? "HDF5 error",
                            file: display, path: error["path"]?.stringValue)
        }
        guard code == 0 else { throw LoadError("hdf5-worker", "the HDF5 worker exited with status \(code)", file: display) }
        return output
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
