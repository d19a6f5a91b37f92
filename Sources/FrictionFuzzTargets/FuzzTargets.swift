import FrictionCore
import FrictionLoaders
import FrictionRules

/// Every parser friction exposes to file content, as a function of raw bytes. The libFuzzer
/// binary (`friction-fuzz`, `make fuzz`) drives them; the regression tests replay the inputs
/// under fixtures/regressions/<target>/ through the same functions. A target returns normally
/// for any input: a thrown error is the expected outcome for bad bytes, a trap is a bug.
public enum FuzzTargets {
    /// Load options that keep every cap small, so fuzzing explores the caps instead of memory.
    static let options: LoadOptions = {
        var o = LoadOptions()
        o.maxDecompressedBytes = 16 << 20
        o.readHDF5 = false   // friction's code around libhdf5 is fuzzed through the hdf5 target
        return o
    }()

    static func load(_ name: String) -> @Sendable (UnsafeRawBufferPointer) -> Void {
        { bytes in _ = try? ModelLoader.load(bytes: bytes, name: name, options: options) }
    }

    /// Target name → harness, in a fixed order.
    public static let all: [(name: String, run: @Sendable (UnsafeRawBufferPointer) -> Void)] = [
        ("safetensors", load("fuzz.safetensors")),
        ("gguf", load("fuzz.gguf")),
        ("onnx", load("fuzz.onnx")),
        ("zip", load("fuzz.zip")),
        ("pickle", load("fuzz.pkl")),
        ("torch", load("fuzz.pt")),
        ("npy", load("fuzz.npy")),
        ("npz", load("fuzz.npz")),
        ("zstd", load("fuzz.safetensors.zst")),
        ("keras", load("fuzz.keras")),
        ("hdf5", HDF5FuzzHooks.probeAnswer),
        ("keras-config", HDF5FuzzHooks.kerasConfig),
        ("json", { bytes in _ = try? JSONParser.parse(bytes, maxDepth: 64) }),
        ("rules", { bytes in
            guard let text = String(validating: bytes, as: UTF8.self), let doc = try? YAMLDocument.parse(text, file: "fuzz.yaml") else { return }
            _ = try? Rule.parse(doc)
        }),
        ("config", { bytes in
            guard let text = String(validating: bytes, as: UTF8.self), let doc = try? YAMLDocument.parse(text, file: ".friction.yml") else { return }
            _ = try? Configuration.parse(doc, file: ".friction.yml")
        }),
        ("lint", LintHarness.lintFile),
        ("hf-config", LintHarness.lintConfig),
        ("compare", CompareHarness.compareFile),
    ]

    /// Why target `name` cannot run in this working folder (the pipeline targets need the
    /// repository's rules/ and fixtures), or nil when it can. Call before the first input.
    public static func unavailable(_ name: String) -> String? {
        switch name {
        case "lint", "hf-config":
            if case .failure(let e) = LintHarness.setup { return e.description }
        case "compare":
            if case .failure(let e) = CompareHarness.references { return e.description }
        default:
            break
        }
        return nil
    }

    /// The harness for `name`.
    public static func target(_ name: String) -> (@Sendable (UnsafeRawBufferPointer) -> Void)? {
        all.first { $0.name == name }?.run
    }

    /// Seed folders per target, relative to the repository root: `make fuzz` copies their files
    /// and those one level down into the target's corpus. One line per target (scripts/fuzz reads
    /// this table with sed; a test holds the two readings equal).
    public static let seeds: [String: [String]] = [
        "safetensors": ["fixtures/safetensors", "fixtures/bad/safetensors", "fixtures/demo"],
        "gguf": ["fixtures/gguf", "fixtures/bad/gguf", "fixtures/demo"],
        "onnx": ["fixtures/onnx", "fixtures/bad/onnx"],
        "zip": ["fixtures/torch", "fixtures/numpy", "fixtures/pickle"],
        "pickle": ["fixtures/pickle"],
        "torch": ["fixtures/torch"],
        "npy": ["fixtures/numpy", "fixtures/bad/numpy"],
        "npz": ["fixtures/numpy", "fixtures/bad/numpy"],
        "zstd": ["fixtures/zstd", "fixtures/bad/zstd"],
        "keras": ["fixtures/hdf5", "fixtures/keras"],
        "hdf5": ["fixtures/regressions/seeds/hdf5"],
        "keras-config": ["fixtures/regressions/seeds/keras-config"],
        "json": ["fixtures/compare", "fixtures/hdf5"],
        "rules": ["rules/SEC", "rules/QNT"],
        "config": ["fixtures/regressions/seeds/config"],
        "lint": ["fixtures/demo", "fixtures/safetensors", "fixtures/gguf", "fixtures/onnx", "fixtures/numpy", "fixtures/torch", "fixtures/pickle"],
        "hf-config": ["fixtures/regressions/seeds/hf-config"],
        "compare": ["fixtures/compare"],
    ]
}
