import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `friction` exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or load error.
/// ArgumentParser's own usage errors (64) are mapped to 2.
PeakMemory.install()
do {
    var command = try Friction.parseAsRoot()
    try command.run()
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    let exitCode = Friction.exitCode(for: error)
    if exitCode == .success {
        print(Friction.fullMessage(for: error))
        exit(0)
    }
    FileHandleOutput.standardError(Friction.fullMessage(for: error) + "\n")
    exit(2)
}
