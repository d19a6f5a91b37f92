/// One piece of friction a rule found: which rule, how serious, what and where.
public struct Finding: Sendable, Hashable, Comparable {
    public var code: String
    public var name: String
    public var category: String
    public var severity: Severity
    public var message: String
    public var location: Location
    /// The input (file or folder) the finding belongs to, as the user named it.
    public var input: String

    public init(code: String, name: String, category: String, severity: Severity, message: String, location: Location, input: String) {
        self.code = code
        self.name = name
        self.category = category
        self.severity = severity
        self.message = message
        self.location = location
        self.input = input
    }

    /// Identity for baselines: stable across runs and unaffected by byte offsets or wording.
    public var fingerprint: String {
        [code, location.file, location.path ?? ""].joined(separator: "|")
    }

    /// Report order: input, file, offset, path, code.
    public static func < (lhs: Finding, rhs: Finding) -> Bool {
        (lhs.input, lhs.location, lhs.code, lhs.message) < (rhs.input, rhs.location, rhs.code, rhs.message)
    }
}
