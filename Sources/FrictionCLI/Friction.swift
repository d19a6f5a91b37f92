import ArgumentParser

/// The `friction` command: finds model-pipeline friction before it reaches production.
struct Friction: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "friction",
        abstract: "Find model-pipeline friction: inspect checkpoints and exports before they reach production.",
        discussion: "Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or load error.",
        version: FrictionVersion.current,
        subcommands: [Lint.self, Inspect.self, Compare.self, Merge.self, Dump.self, Replay.self, Memory.self, Conformance.self, Rules.self, Explain.self]
    )
}

enum FrictionVersion {
    static let current = "0.1.0-dev"
}
