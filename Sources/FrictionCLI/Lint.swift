import ArgumentParser
import FrictionCompare
import FrictionCore
import FrictionLoaders
import FrictionReport
import FrictionRules

/// `friction lint PATH...`: load each input, run the rule catalog, report findings.
struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint model files and folders for pipeline friction.",
        discussion: """
            Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; \
            2 usage, configuration or load error (an input that could not be read completely never exits 0).
            Configuration is read from the nearest .friction.yml above the first input unless --config is given.
            """
    )

    @Argument(help: "Model files or folders.")
    var paths: [String]

    @Option(help: "Output format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String = "text"

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(help: "Lowest severity that makes the exit code 1: error, warning, info or never (default error).")
    var failOn: String?

    @Option(help: "Only these rule codes, code prefixes or names (comma-separated, repeatable).")
    var select: [String] = []

    @Option(help: "Skip these rule codes, code prefixes or names (comma-separated, repeatable).")
    var ignore: [String] = []

    @Option(help: "A deployment target, e.g. gpu=a100,runtime=vllm@0.11 (repeatable).")
    var target: [String] = []

    @Option(help: "Configuration file (default: nearest .friction.yml).")
    var config: String?

    @Option(help: "Report only findings not in this baseline file.")
    var baseline: String?

    @Option(help: "Write all current findings to this baseline file.")
    var writeBaseline: String?

    @Option(help: "Extra rule files (user rules using generic check kinds; repeatable).")
    var rules: [String] = []

    @Option(help: "Rules directory (default: the bundled rules/).")
    var rulesDir: String?

    @Option(help: "Cap on bytes produced by decompressing one input (default 4 GiB).")
    var maxDecompressed: UInt64?

    @Option(help: LimitOption.help)
    var limit: [String] = []

    @Option(help: "Scan weight values for the value rules: auto (inputs up to --scan-limit bytes), always, never.")
    var scanWeights: String = "auto"

    @Option(help: "Largest input (tensor bytes) scanned with --scan-weights auto (default 2 GiB).")
    var scanLimit: UInt64 = 2 << 30

    @Option(help: "Replay ONNX models in this precision (a preset or policy .yml) and report where the numbers break (PREC findings).")
    var replay: String?

    @Option(help: "Inputs for --replay (.npz / .npy / .pb, repeatable; generated from the input shapes otherwise).")
    var replayInputs: [String] = []

    @Option(help: "A reference checkpoint (the training weights): compare every input against it (PREC013, QNT012, EXP024).")
    var reference: String?

    @Option(help: "Run part K of N (e.g. 2/8) and write a partial JSON report for `friction merge`.")
    var shard: String?

    func run() throws {
        let setup = try LintSetup(paths: paths, config: config, rulesDir: rulesDir, extraRules: rules, select: select,
                                  ignore: ignore, targets: target, baseline: baseline, failOn: failOn)
        guard let reportFormat = ReportFormat(rawValue: format) else {
            throw ValidationError("unknown --format \(format); use one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var options = LoadOptions()
        if let maxDecompressed { options.maxDecompressedBytes = maxDecompressed }
        try LimitOption.apply(limit, to: &options)
        guard ["auto", "always", "never"].contains(scanWeights) else { throw ValidationError("--scan-weights must be auto, always or never") }
        let replayPolicy = try replay.map(LintReplay.policy)
        var referenceModel: Model?
        if let reference {
            do throws(LoadError) { referenceModel = try ModelLoader.load(reference, options: options) } catch {
                throw ValidationError("cannot read the reference: \(error)")
            }
        }
        let part = try shard.map { try LintShard(parsing: $0) } ?? .whole
        if shard != nil, reportFormat != .json { throw ValidationError("--shard writes a partial JSON report: use --format json") }
        var inputs: [InputResult] = []
        let payloads = PayloadMap()
        let progress = Progress.forTerminal()
        // Inputs are linted and reported in path order, so the report does not depend on the
        // order they were named in.
        let selected = paths.sorted().filter { path in !setup.configuration.excludePaths.contains(where: { Glob.matches($0, path) }) }
        for (position, path) in selected.enumerated() {
            do throws(LoadError) {
                var model = try ModelLoader.load(path, options: options)
                let ownsInput = part.ownsInput(position)
                if ownsInput, let replayPolicy, model.graph != nil { model.issues += LintReplay.issues(model, policy: replayPolicy, inputs: replayInputs) }
                if ownsInput, let referenceModel { model.issues += ModelComparison().compare(referenceModel, model).issues(candidateFile: path) }
                let scan = scanWeights == "always" || (scanWeights == "auto" && model.tensorBytes <= scanLimit)
                let owned = part.ownedTensors(model)
                let statistics = scan ? WeightScan.scan(model, payloads: payloads, only: owned, progress: progress).statistics : [:]
                if scan { model.issues += DuplicateTensors.issues(model, payloads: payloads, owned: owned) }
                inputs.append(setup.linter.lint(path: path, model: model, error: nil, statistics: statistics))
            } catch {
                inputs.append(setup.linter.lint(path: path, model: nil, error: error))
            }
        }
        progress?.finish()
        let command = Self.canonicalCommand(LintShard.strip(Array(CommandLine.arguments.dropFirst())), paths: paths)
        let report = LintReport(inputs: inputs, rules: setup.linter.rules, targets: setup.linter.targets, command: command,
                                failOn: setup.failOn, toolVersion: FrictionVersion.current)
        if let writeBaseline {
            try writeFile(writeBaseline, Baseline.document(report.findings).serialized(indent: 2) + "\n")
        }
        if !part.isWhole {
            // A partial report: the JSON document plus which part it is and what the baseline hid.
            var doc = JSONReporter().document(report)
            if case .object(var members) = doc {
                members.append(JSONMember(key: "partial", value: .object([
                    JSONMember(key: "shard", value: .int(Int64(part.index))), JSONMember(key: "of", value: .int(Int64(part.count))),
                    JSONMember(key: "baselined", value: .int(Int64(report.inputs.reduce(0) { $0 + $1.baselined }))),
                ])))
                doc = .object(members)
            }
            let text = doc.serialized(indent: 2) + "\n"
            if let output { try writeFile(output, text) } else { FileHandleOutput.standardOutput(text) }
            if report.hasLoadErrors { throw ExitCode(2) }
            return
        }
        let text = reportFormat.reporter(style: output == nil ? Style.forDescriptor(1) : Style(enabled: false)).render(report)
        if let output { try writeFile(output, text) } else { FileHandleOutput.standardOutput(text) }
        let unreadable = inputs.filter { $0.error != nil }.count
        if unreadable > 0 || output != nil {
            FileHandleOutput.standardError(ReportSummaryLine.line(report) + (output.map { " (report: \($0))" } ?? "") + "\n")
        }
        if report.hasLoadErrors { throw ExitCode(2) }
        if report.failsThreshold { throw ExitCode(1) }
    }
}

/// Configuration, catalog, targets and baseline resolved from options and `.friction.yml`.
struct LintSetup {
    var configuration: Configuration
    var linter: Linter
    var failOn: Severity?

    init(paths: [String], config: String?, rulesDir: String?, extraRules: [String], select: [String], ignore: [String],
         targets: [String], baseline: String?, failOn: String?) throws {
        do throws(RuleFileError) {
            var configuration = Configuration()
            if let path = config ?? paths.sorted().first.flatMap(Configuration.find(from:)) {
                configuration = try Configuration.load(path: path)
            }
            let split = { (list: [String]) in list.flatMap { $0.split(separator: ",").map { String($0.filter { $0 != " " }) } } }
            if !select.isEmpty { configuration.select = split(select) }
            if !ignore.isEmpty { configuration.ignore += split(ignore) }
            if !targets.isEmpty { configuration.targets = targets }
            guard let directory = rulesDir ?? RuleCatalog.locateBundled() else {
                throw RuleFileError(file: "friction", line: nil, message: "cannot find the rules directory; pass --rules-dir or set FRICTION_RULES")
            }
            let base = configuration.file.map { f in f.contains("/") ? String(f[..<(f.lastIndex(of: "/") ?? f.endIndex)]) : "." }
            let configRules = configuration.rules.map { r in r.hasPrefix("/") || base == nil ? r : base! + "/" + r }
            let catalog = try RuleCatalog.load(directory: directory, extraFiles: configRules + extraRules)
            var parsedTargets: [Target] = []
            for spec in configuration.targets {
                do throws(ParamError) { parsedTargets.append(try Target.parse(spec, knowledge: catalog.knowledge)) } catch {
                    throw RuleFileError(file: "--target \(spec)", line: nil, message: error.message)
                }
            }
            let baselineFile = baseline ?? configuration.baseline
            let loadedBaseline = try baselineFile.map { path throws(RuleFileError) in try Baseline.load(path: path) }
            linter = try Linter(catalog: catalog, configuration: configuration, targets: parsedTargets, baseline: loadedBaseline)
            linter.values = ReaderValues(reader: TensorReader(maxElements: 1 << 20))
            let threshold = failOn ?? configuration.failOn ?? "error"
            switch threshold {
            case "never": self.failOn = nil
            default:
                guard let s = Severity(rawValue: threshold) else { throw RuleFileError(file: "--fail-on", line: nil, message: "must be error, warning, info or never") }
                self.failOn = s
            }
            self.configuration = configuration
        } catch {
            throw ValidationError(error.description)
        }
    }
}

func shellQuote(_ s: String) -> String {
    s.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,@:+".contains($0) } && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

extension Lint {
    /// The command line as reports record it: options as given, then the inputs in path order
    /// (the same report for the same inputs named in any order).
    static func canonicalCommand(_ arguments: [String], paths: [String]) -> String {
        var rest = arguments
        for p in paths { if let i = rest.lastIndex(of: p) { rest.remove(at: i) } }
        return (["friction"] + rest + paths.sorted()).map(shellQuote).joined(separator: " ")
    }
}
