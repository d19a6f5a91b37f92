/// Where something is: a file, optionally a byte offset in it, optionally a tensor or node path.
public struct Location: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var file: String
    public var offset: UInt64?
    public var path: String?

    public init(file: String, offset: UInt64? = nil, path: String? = nil) {
        self.file = file
        self.offset = offset
        self.path = path
    }

    /// `file`, `file@offset`, or `file@offset:path`; the form every report uses.
    public var description: String {
        var text = file
        if let offset { text += "@\(offset)" }
        if let path { text += ":\(path)" }
        return text
    }

    public static func < (lhs: Location, rhs: Location) -> Bool {
        (lhs.file, lhs.offset ?? 0, lhs.path ?? "") < (rhs.file, rhs.offset ?? 0, rhs.path ?? "")
    }
}
