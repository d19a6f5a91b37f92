import ArgumentParser
import FrictionLoaders
#if canImport(Glibc)
import Glibc
#endif

/// `friction` exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or load error.
/// ArgumentParser's own usage errors (64) are mapped to 2.
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == HDF5Isolation.workerFlag {
    exit(HDF5Worker.main(Array(CommandLine.arguments.dropFirst(2))))
}
// libhdf5 runs in a child process of this executable, so a malformed HDF5 file cannot crash friction.
HDF5Isolation.useWorker("/proc/self/exe")
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
