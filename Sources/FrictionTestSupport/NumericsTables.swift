import Foundation
import FrictionCore
import FrictionLoaders

/// Reads the reference tables of fixtures/numerics (index.json + little-endian arrays, zstd
/// where large), written by fixtures/generate/gen_numerics.py from ml_dtypes, onnx and gguf.
public final class NumericsTables: @unchecked Sendable {
    public static let shared = NumericsTables()

    public let index: JSONValue
    private var files: [String: [UInt8]] = [:]
    private let lock = NSLock()

    init() {
        index = Fixtures.json("fixtures/numerics/index.json")
    }

    /// Every table entry of a kind (`decode`, `encode`, `onnx_cast`, `ggml`, `block`, …).
    public func tables(kind: String) -> [JSONValue] {
        guard case .array(let all)? = index["tables"] else { return [] }
        return all.filter { $0["kind"]?.stringValue == kind }
    }

    public func table(_ id: String) -> JSONValue? {
        guard case .array(let all)? = index["tables"] else { return nil }
        return all.first { $0["id"]?.stringValue == id }
    }

    /// The raw (decompressed) bytes of a data file.
    public func fileBytes(_ key: String) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        if let cached = files[key] { return cached }
        guard let entry = index["files"]?[key], let path = entry["path"]?.stringValue else { return [] }
        let full = Fixtures.path("numerics/" + path)
        let bytes: [UInt8]
        if entry["compression"]?.stringValue == "zstd" {
            bytes = (try? ZstdFile.read(path: full)) ?? []
        } else {
            bytes = FileManager.default.contents(atPath: full).map(Array.init) ?? []
        }
        files[key] = bytes
        return bytes
    }

    /// One array of a data file as raw bytes, with its dtype name.
    public func array(file: String, array: String) -> (bytes: ArraySlice<UInt8>, dtype: String)? {
        guard let a = index["files"]?[file]?["arrays"]?[array], let offset = a["offset"]?.int64Value,
              let n = a["nbytes"]?.int64Value, let dtype = a["dtype"]?.stringValue else { return nil }
        let data = fileBytes(file)
        guard offset >= 0, n >= 0, Int(offset + n) <= data.count else { return nil }
        return (data[Int(offset)..<Int(offset + n)], dtype)
    }

    /// Concatenated values of a table side (`input` / `output` list of {file, array}) as UInt64
    /// bit patterns (or integers), whatever the stored width.
    public func values(_ side: JSONValue?) -> [UInt64] {
        guard case .array(let parts)? = side else { return [] }
        var out: [UInt64] = []
        for part in parts {
            guard let f = part["file"]?.stringValue, let a = part["array"]?.stringValue, let (bytes, dtype) = array(file: f, array: a) else { continue }
            out += Self.decode(bytes, dtype: dtype)
        }
        return out
    }

    /// Float32 values of one array.
    public func floats(file: String, array: String) -> [Float] {
        guard let (bytes, dtype) = self.array(file: file, array: array), dtype == "float32" else { return [] }
        return Self.decode(bytes, dtype: dtype).map { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
    }

    static func decode(_ bytes: ArraySlice<UInt8>, dtype: String) -> [UInt64] {
        let width: Int = switch dtype {
        case "uint8", "int8", "bool": 1
        case "uint16", "int16", "float16", "bfloat16": 2
        case "uint32", "int32", "float32": 4
        default: 8
        }
        let signed = dtype.hasPrefix("int")
        let base = bytes.startIndex
        return stride(from: 0, to: bytes.count - width + 1, by: width).map { i in
            var v: UInt64 = 0
            for k in 0..<width { v |= UInt64(bytes[base + i + k]) << (8 * k) }
            if signed && width < 8 && v & (1 << (width * 8 - 1)) != 0 { v |= ~UInt64(0) << (width * 8) }
            return v
        }
    }
}
