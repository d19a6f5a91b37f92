import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// Writes a report or baseline file (never an input file: only paths the user names with an option).
func writeFile(_ path: String, _ text: String) throws {
    guard let file = fopen(path, "wb") else { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
    defer { fclose(file) }
    let bytes = Array(text.utf8)
    guard bytes.withUnsafeBytes({ fwrite($0.baseAddress, 1, $0.count, file) }) == bytes.count else {
        throw ValidationError("cannot write \(path)")
    }
}

/// Writes binary data to a file the user named.
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    guard let file = fopen(path, "wb") else { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
    defer { fclose(file) }
    guard bytes.withUnsafeBytes({ fwrite($0.baseAddress, 1, $0.count, file) }) == bytes.count else {
        throw ValidationError("cannot write \(path)")
    }
}
