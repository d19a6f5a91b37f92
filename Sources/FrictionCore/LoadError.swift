/// A failure that stops a file from being read. It names the file, the byte offset where the
/// problem is, and what was expected there.
public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable kebab-case code, e.g. `st-header-length`.
    public var code: String
    public var location: Location
    public var message: String

    public init(_ code: String, _ message: String, file: String, offset: UInt64? = nil, path: String? = nil) {
        self.code = code
        self.message = message
        self.location = Location(file: file, offset: offset, path: path)
    }

    /// `file: byte N: message [code]`.
    public var description: String {
        var text = location.file
        if let offset = location.offset { text += ": byte \(offset)" }
        if let path = location.path { text += ": \(path)" }
        return text + ": " + message + " [\(code)]"
    }
}
