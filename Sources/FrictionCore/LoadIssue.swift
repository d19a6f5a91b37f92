/// Something wrong or notable in a file that does not stop it from being read.
public struct LoadIssue: Sendable, Hashable, Comparable {
    /// How much a load issue matters on its own (rules decide what it means for a target).
    public enum Level: String, Sendable, Comparable {
        case info, warning
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs == .info && rhs == .warning }
    }

    /// Stable kebab-case code, e.g. `gguf-unknown-type`.
    public var code: String
    public var level: Level
    public var message: String
    public var location: Location

    public init(code: String, level: Level = .warning, message: String, location: Location) {
        self.code = code
        self.level = level
        self.message = message
        self.location = location
    }

    public static func < (lhs: LoadIssue, rhs: LoadIssue) -> Bool {
        (lhs.location, lhs.code) < (rhs.location, rhs.code)
    }
}
