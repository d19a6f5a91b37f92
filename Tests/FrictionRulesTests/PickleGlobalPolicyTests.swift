import FrictionCore
import FrictionRules
import FrictionTestSupport
import Foundation
import Testing

/// The pickle-globals policy: torch's own allowlist (frozen from torch 2.13.0), dangerous names
/// from the scanners and advisories, and default-deny for the rest.
@Suite struct PickleGlobalPolicyTests {
    static let policy = ((try? Knowledge.load(directory: Fixtures.rulesDirectory + "/knowledge")) ?? Knowledge()).pickleGlobals
    static let torchAllowlist: [String] = {
        guard case .array(let names)? = Fixtures.json("fixtures/torch/weights-only-allowlist.json")["globals"] else { return [] }
        return names.compactMap(\.stringValue)
    }()

    static func split(_ path: String) -> (String, String) {
        // torch's names are module.Name with the last component the name.
        let dot = path.lastIndex(of: ".") ?? path.startIndex
        return (String(path[..<dot]), String(path[path.index(after: dot)...]))
    }

    @Test func everyNameTorchAllowsIsWeightsOnlyAndNothingElseIs() throws {
        #expect(Self.torchAllowlist.count == 144)
        for path in Self.torchAllowlist {
            let (module, name) = Self.split(path)
            #expect(Self.policy.classify(module: module, name: name) == .weightsOnly, "\(path)")
        }
        // A near miss is not allowed: matching is exact.
        #expect(Self.policy.classify(module: "collections", name: "OrderedDictX") == .unknown)
        #expect(Self.policy.classify(module: "torch._utils", name: "_rebuild_tensor_v2_evil") == .unknown)
    }

    @Test(arguments: [
        ("os", "system"), ("posix", "system"), ("nt", "system"), ("subprocess", "Popen"), ("subprocess", "check_output"),
        ("builtins", "eval"), ("builtins", "exec"), ("builtins", "compile"), ("builtins", "getattr"), ("builtins", "__import__"),
        ("__builtin__", "eval"), ("runpy", "run_path"), ("importlib", "import_module"), ("importlib.util", "spec_from_file_location"),
        ("pickle", "loads"), ("_pickle", "loads"), ("torch", "load"), ("torch.serialization", "load"), ("webbrowser", "open"),
        ("socket", "create_connection"), ("shutil", "rmtree"), ("ctypes", "CDLL"), ("pip", "main"), ("code", "InteractiveInterpreter"),
        ("pty", "spawn"), ("operator", "attrgetter"), ("_operator", "methodcaller"), ("functools", "partial"),
        ("asyncio.unix_events", "_UnixSubprocessTransport"), ("torch._inductor.codecache", "compile_file"),
        ("torch", "serialization.load"), ("builtins", "object.__subclasses__"), ("numpy.f2py.crackfortran", "getlincoef"),
    ] as [(String, String)])
    func dangerousGlobalsAreDangerous(module: String, name: String) {
        guard case .dangerous = Self.policy.classify(module: module, name: name) else {
            Issue.record("\(module).\(name) is not dangerous: \(Self.policy.classify(module: module, name: name))")
            return
        }
    }

    @Test func benignAndUnknown() {
        #expect(Self.policy.classify(module: "numpy.core.multiarray", name: "_reconstruct") == .benign)
        #expect(Self.policy.classify(module: "numpy", name: "dtype") == .benign)
        #expect(Self.policy.classify(module: "transformers.training_args", name: "TrainingArguments") == .unknown)
        #expect(Self.policy.classify(module: "ossystem", name: "run") == .unknown, "no prefix matching on module names")
        #expect(Self.policy.classify(module: "torch", name: "FloatStorage") == .weightsOnly)
    }
}
