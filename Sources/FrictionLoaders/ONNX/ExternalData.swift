import FrictionCore
#if canImport(Glibc)
import Glibc
#endif

/// Resolves ONNX external data (`location`, `offset`, `length`, `checksum`) strictly inside the
/// model's folder: absolute paths, `..`, empty locations and symlinks leading outside are
/// refused, and the range must lie inside the data file. Only `stat` is used: no payload is read.
extension ONNXDecoder {
    static let externalKeys: Set<String> = ["location", "offset", "length", "checksum"]

    mutating func externalStorage(_ entries: [(String, String)], name: String, tag: Int, expectedBytes: UInt64?) throws(ProtoError) -> TensorStorage {
        func fail(_ code: String, _ message: String) -> ProtoError { ProtoError(code: code, offset: tag, message: "tensor \(name): \(message)") }
        var values: [String: String] = [:]
        for (key, value) in entries {
            if !Self.externalKeys.contains(key) {
                issues.append(ctx.issue("onnx-external-key", "tensor \(name) has an unknown external_data key \"\(key)\"; it is ignored", at: tag, path: name))
                continue
            }
            values[key] = value
        }
        guard let location = values["location"] else { throw fail("onnx-data-location", "data_location is EXTERNAL but there is no location") }
        try Self.checkLocation(location, fail: fail)
        let path = modelDirectory + "/" + location
        try checkInsideFolder(path, location: location, fail: fail)
        var info = stat()
        guard stat(path, &info) == 0 else { throw fail("onnx-external-missing", "external data file \(location) does not exist") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw fail("onnx-external-path", "external data \(location) is not a regular file") }
        if info.st_nlink > 1 {
            issues.append(ctx.issue("onnx-external-hardlink", "external data \(location) has \(info.st_nlink) hard links; it may alias a file outside the model folder",
                                    at: tag, path: name))
        }
        let size = UInt64(info.st_size)
        func number(_ key: String) throws(ProtoError) -> UInt64? {
            guard let text = values[key] else { return nil }
            guard let n = UInt64(text) else { throw fail("onnx-external-range", "external_data \(key) \"\(text)\" is not a non-negative integer") }
            return n
        }
        let offset = try number("offset") ?? 0
        guard offset <= size else { throw fail("onnx-external-range", "offset \(offset) is past the end of \(location) (\(size) bytes)") }
        let length = try number("length") ?? (size - offset)
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard !overflow, end <= size else {
            throw fail("onnx-external-range", "offset \(offset) + length \(length) runs past the end of \(location) (\(size) bytes)")
        }
        if let expectedBytes, length != expectedBytes {
            throw ProtoError(code: "onnx-tensor-size", offset: tag, message: "tensor \(name): needs \(expectedBytes) bytes but external data gives \(length)")
        }
        externalFiles.insert(location)
        return TensorStorage(file: path, range: offset..<end, container: nil)
    }

    /// Refuses locations that are empty, absolute (POSIX, drive letter, UNC) or use `..`.
    static func checkLocation(_ location: String, fail: (String, String) -> ProtoError) throws(ProtoError) {
        guard !location.isEmpty else { throw fail("onnx-external-path", "external data location is empty") }
        let scalars = Array(location.unicodeScalars)
        let absolute = location.hasPrefix("/") || location.hasPrefix("\\")
            || (scalars.count >= 2 && scalars[1] == ":" && scalars[0].properties.isAlphabetic)
        guard !absolute else { throw fail("onnx-external-path", "external data location \"\(location)\" is absolute") }
        let parts = location.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        guard !parts.contains("..") else { throw fail("onnx-external-path", "external data location \"\(location)\" leaves the model folder with ..") }
        guard !location.unicodeScalars.contains(where: { $0.value == 0 }) else { throw fail("onnx-external-path", "external data location contains NUL") }
    }

    /// Refuses a path any of whose components is a symlink resolving outside the model folder.
    func checkInsideFolder(_ path: String, location: String, fail: (String, String) -> ProtoError) throws(ProtoError) {
        guard let root = realPath(modelDirectory) else { return }
        var current = modelDirectory
        for part in location.split(separator: "/") {
            current += "/" + part
            var info = stat()
            guard lstat(current, &info) == 0 else { return }
            if (info.st_mode & S_IFMT) == S_IFLNK {
                guard let target = realPath(current), target == root || target.hasPrefix(root + "/") else {
                    throw fail("onnx-external-symlink", "external data \(location) goes through a symlink that leads outside the model folder")
                }
            }
        }
    }

    func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
