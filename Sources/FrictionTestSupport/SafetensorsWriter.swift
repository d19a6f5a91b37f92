import Foundation

/// A minimal safetensors writer for tests: tensors in the order given, header padded to 8 bytes.
public enum SafetensorsWriter {
    public static func write(path: String, tensors: [(name: String, dtype: String, shape: [Int], data: [UInt8])]) {
        var offset = 0
        var entries: [String] = []
        for t in tensors {
            entries.append("\"\(t.name)\":{\"dtype\":\"\(t.dtype)\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + t.data.count)]}")
            offset += t.data.count
        }
        var header = "{" + entries.joined(separator: ",") + "}"
        while (8 + header.utf8.count) % 8 != 0 { header += " " }
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8)
        for t in tensors { bytes += t.data }
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }
}
