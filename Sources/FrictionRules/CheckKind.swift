import FrictionAnalysis
import FrictionCore
import FrictionNumerics

/// A check kind: Swift logic a rule names in `check:` and configures with `params:`.
/// Adding one is one file plus one line in ``CheckRegistry``.
public protocol CheckKind: Sendable {
    /// The name rules use in `check:`.
    static var id: String { get }
    /// One line on what it checks.
    static var summary: String { get }
    /// The parameters it accepts.
    static var parameters: [ParamSpec] { get }
    /// Validates parameters once, before any model is looked at.
    init(params: Params, knowledge: Knowledge) throws(ParamError)
    /// The places in a model where the rule fires.
    func evaluate(_ context: CheckContext) -> [Hit]
}

/// Everything a check sees for one input.
public struct CheckContext: Sendable {
    public let facts: ModelFacts
    public let targets: [Target]
    public let knowledge: Knowledge
    /// The load error, when the input could not be read (only `load-problem` checks look at it).
    public let loadError: LoadError?
    /// Values of small tensors, for checks that look at constants.
    public let values: any TensorValues
    /// Weight statistics by ``CheckContext/key(_:)`` when weights were scanned (`--scan-weights`).
    public let statistics: [String: TensorStatistics]

    /// The statistics key of a tensor: its file and name.
    public static func key(_ t: TensorInfo) -> String { t.storage.file + "|" + t.name }

    public init(facts: ModelFacts, targets: [Target], knowledge: Knowledge, loadError: LoadError? = nil,
                values: any TensorValues = NoTensorValues(), statistics: [String: TensorStatistics] = [:]) {
        self.facts = facts
        self.targets = targets
        self.knowledge = knowledge
        self.loadError = loadError
        self.values = values
        self.statistics = statistics
    }

    public var model: Model { facts.model }
}

/// One place a check fired, with the values its rule's message template can use.
public struct Hit: Sendable, Hashable {
    public var location: Location
    public var values: [String: String]

    public init(location: Location, values: [String: String] = [:]) {
        self.location = location
        self.values = values
    }

    /// A hit on a tensor, located at its data in its file.
    public static func tensor(_ t: TensorInfo, _ values: [String: String] = [:]) -> Hit {
        var v = values
        v["tensor"] = v["tensor"] ?? t.name
        v["dtype"] = v["dtype"] ?? t.type.description
        v["shape"] = v["shape"] ?? t.shape.description
        return Hit(location: Location(file: t.storage.file, offset: t.storage.range.lowerBound, path: t.name), values: v)
    }
}
