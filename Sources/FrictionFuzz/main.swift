import FrictionFuzzTargets
import FrictionLoaders
#if canImport(Glibc)
import Glibc
#endif

// `friction-fuzz`: with -DFUZZING (make fuzz: -sanitize=fuzzer,address) it is a libFuzzer binary
// for the target named by FRICTION_FUZZ; without, `friction-fuzz TARGET FILE...` replays inputs.
// libhdf5 is never called: the HDF5 target exercises friction's own code around it.
// The fuzz build is linked by scripts/fuzz without SwiftPM's `main` alias, so libFuzzer's main
// drives LLVMFuzzerInitialize / LLVMFuzzerTestOneInput below.

/// Writes to standard error.
func complain(_ text: String) { _ = text.withCString { write(2, $0, strlen($0)) } }

#if FUZZING
/// The selected harness (a static, so it is initialized on first use: under libFuzzer's own
/// `main` this file's top-level code never runs).
enum Fuzz {
    nonisolated(unsafe) static var selected: (@Sendable (UnsafeRawBufferPointer) -> Void)?
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    guard let name = getenv("FRICTION_FUZZ").map({ String(cString: $0) }), let run = FuzzTargets.target(name) else {
        complain("set FRICTION_FUZZ to one of: \(FuzzTargets.all.map(\.name).joined(separator: " "))\n")
        exit(2)
    }
    if let problem = FuzzTargets.unavailable(name) { complain("friction-fuzz: \(name): \(problem)\n"); exit(2) }
    Fuzz.selected = run
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    Fuzz.selected?(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#else
let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let run = FuzzTargets.target(name) else {
    complain("usage: friction-fuzz TARGET FILE...  (targets: \(FuzzTargets.all.map(\.name).joined(separator: " ")))\n")
    exit(2)
}
if let problem = FuzzTargets.unavailable(name) { complain("friction-fuzz: \(name): \(problem)\n"); exit(2) }
for path in args.dropFirst() {
    guard let source = try? ByteSource.map(path: path) else { complain("cannot read \(path)\n"); exit(2) }
    run(source.bytes)
}
#endif
