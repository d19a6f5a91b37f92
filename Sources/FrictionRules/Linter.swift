import FrictionAnalysis
import FrictionCore
import FrictionNumerics

/// The result for one input: the model (when it loaded), the load error (when it did not),
/// and the findings that survived selection, ignores and the baseline.
public struct InputResult: Sendable {
    public var path: String
    public var model: Model?
    public var error: LoadError?
    public var findings: [Finding]
    /// Findings hidden by the baseline.
    public var baselined: Int

    public init(path: String, model: Model?, error: LoadError?, findings: [Finding], baselined: Int = 0) {
        self.path = path
        self.model = model
        self.error = error
        self.findings = findings
        self.baselined = baselined
    }
}

/// A whole lint run, as reporters see it.
public struct LintReport: Sendable {
    public var inputs: [InputResult]
    /// The rules that ran (after selection), for report metadata.
    public var rules: [Rule]
    public var targets: [Target]
    /// The command line, shown in reports so a run can be repeated.
    public var command: String
    public var failOn: Severity?
    public var toolVersion: String

    public init(inputs: [InputResult], rules: [Rule], targets: [Target], command: String, failOn: Severity?, toolVersion: String) {
        self.inputs = inputs
        self.rules = rules
        self.targets = targets
        self.command = command
        self.failOn = failOn
        self.toolVersion = toolVersion
    }

    public var findings: [Finding] { inputs.flatMap(\.findings).sorted() }

    /// Counts by severity.
    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }

    /// Whether any input failed to load.
    public var hasLoadErrors: Bool { inputs.contains { $0.error != nil } }

    /// Whether any finding is at or above the failure threshold.
    public var failsThreshold: Bool {
        guard let failOn else { return false }
        return findings.contains { $0.severity >= failOn }
    }

    public func rule(_ code: String) -> Rule? { rules.first { $0.code == code } }
}

/// Runs the selected rules over models.
public struct Linter: Sendable {
    struct Active: Sendable {
        var rule: Rule
        var check: any CheckKind
        var severity: Severity
    }

    let active: [Active]
    public let targets: [Target]
    public let knowledge: Knowledge
    let configuration: Configuration
    let baseline: Baseline?
    /// Reads constants for checks that need values (the CLI passes a file reader).
    public var values: any TensorValues = NoTensorValues()

    /// The rules that will run.
    public var rules: [Rule] { active.map(\.rule) }

    public init(catalog: RuleCatalog, configuration: Configuration, targets: [Target], baseline: Baseline? = nil) throws(RuleFileError) {
        var active: [Active] = []
        for rule in catalog.rules {
            if !configuration.select.isEmpty && !Configuration.names(configuration.select, rule) { continue }
            if Configuration.names(configuration.ignore, rule) { continue }
            let params = Params.merge(rule.params, configuration.params[rule.code] ?? configuration.params[rule.name])
            let check = try RuleCatalog.compile(rule, params: params, knowledge: catalog.knowledge)
            let severity = configuration.severity[rule.code] ?? configuration.severity[rule.name] ?? rule.severity
            active.append(Active(rule: rule, check: check, severity: severity))
        }
        self.active = active
        self.targets = targets
        self.knowledge = catalog.knowledge
        self.configuration = configuration
        self.baseline = baseline
    }

    /// Lints one input: a loaded model, or the error that stopped it loading.
    public func lint(path: String, model: Model?, error: LoadError?, statistics: [String: TensorStatistics] = [:]) -> InputResult {
        let pathIgnores = configuration.perPathIgnores.filter { Glob.matches($0.glob, path) }.flatMap(\.codes)
        let facts = ModelFacts(model ?? Model(path: path, format: .safetensors))
        let context = CheckContext(facts: facts, targets: targets, knowledge: knowledge, loadError: error, values: values, statistics: statistics)
        var findings: [Finding] = []
        for a in active {
            if Configuration.names(pathIgnores, a.rule) { continue }
            if let model, !a.rule.formats.isEmpty, !a.rule.formats.contains(model.format.rawValue) { continue }
            if model == nil, !(a.check is LoadProblemCheck) { continue }
            for hit in a.check.evaluate(context) {
                if let tensor = hit.location.path, configuration.tensorIgnores.contains(where: {
                    Glob.matches($0.glob, tensor) && ($0.codes.isEmpty || Configuration.names($0.codes, a.rule))
                }) { continue }
                var values = hit.values
                values["code"] = a.rule.code
                findings.append(Finding(code: a.rule.code, name: a.rule.name, category: a.rule.category, severity: a.severity,
                                        message: MessageTemplate.render(a.rule.message, values), location: hit.location, input: path))
            }
        }
        var kept = Array(Set(findings)).sorted()
        var hidden = 0
        if let baseline {
            let before = kept.count
            kept.removeAll { baseline.contains($0) }
            hidden = before - kept.count
        }
        return InputResult(path: path, model: model, error: error, findings: kept, baselined: hidden)
    }
}
