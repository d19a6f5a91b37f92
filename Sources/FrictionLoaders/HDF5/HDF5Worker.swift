import FrictionCore
#if canImport(Glibc)
import Glibc
#endif

/// The worker side of ``HDF5Isolation``: `friction __hdf5-worker probe PATH [OFFSET LENGTH]`
/// prints the probe as JSON; `… read PATH DATASET BYTES` prints the dataset's bytes. Errors are
/// printed as a JSON object (code, message, path) with exit status 3.
public enum HDF5Worker {
    public static func main(_ args: [String]) -> Int32 {
        do throws(LoadError) {
            switch (args.first, args.count) {
            case ("probe", 2), ("probe", 4):
                var slice: Range<UInt64>?
                if args.count == 4 {
                    guard let offset = UInt64(args[2]), let length = UInt64(args[3]), offset <= UInt64.max - length else { return usage() }
                    slice = offset..<(offset + length)
                }
                let probe = try HDF5Library.serialized { () throws(LoadError) -> HDF5Probe in
                    try HDF5Isolation.probeInProcess(path: args[1], slice: slice, display: args[1])
                }
                emit(Array(probe.json.serialized().utf8))
            case ("read", 4):
                guard let count = UInt64(args[3]) else { return usage() }
                let bytes = try HDF5Library.serialized { () throws(LoadError) -> [UInt8] in
                    try HDF5File.open(path: args[1], display: args[1]).read(dataset: args[2], byteCount: count)
                }
                emit(bytes)
            default:
                return usage()
            }
            return 0
        } catch {
            let members = [("code", JSONValue.string(error.code)), ("message", .string(error.message))]
                + (error.location.path.map { [("path", JSONValue.string($0))] } ?? [])
            emit(Array(JSONValue.object(members.map { JSONMember(key: $0.0, value: $0.1) }).serialized().utf8))
            return 3
        }
    }

    static func usage() -> Int32 {
        emit(Array(#"{"code":"hdf5-worker","message":"usage: __hdf5-worker probe PATH [OFFSET LENGTH] | read PATH DATASET BYTES"}"#.utf8))
        return 3
    }

    static func emit(_ bytes: [UInt8]) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + done, $0.count - done) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return }
            done += n
        }
    }
}
