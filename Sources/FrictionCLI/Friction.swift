import ArgumentParser

/// The `friction` command: finds model-pipeline friction before it reaches production.
struct Friction: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "friction",
        abstract: "Find model-pipeline friction: inspect checkpoints and exports before they reach production.",
        discussion: """
            Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or load error.

            Environment: FRICTION_THREADS=N threads per weight scan (default: the CPUs this process may \
            use, at most 64; results do not depend on it); NO_PROGRESS set: no progress bar (it shows \
            only on a terminal); FRICTION_HDF5_TIMEOUT_S seconds an HDF5 worker may run (default 60); \
            FRICTION_PEAK_RSS set: print peak RSS and peak anonymous memory to stderr at exit.
            """,
        version: FrictionVersion.current,
        subcommands: [Lint.self, Inspect.self, Compare.self, Merge.self, Dump.self, Replay.self, Memory.self, Conformance.self, Rules.self, Explain.self]
    )
}

enum FrictionVersion {
    static let current = "0.1.0-dev"
}
