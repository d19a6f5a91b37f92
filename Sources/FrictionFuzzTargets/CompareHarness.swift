import FrictionCompare
import FrictionCore
import FrictionLoaders

/// What `friction compare` does with a candidate file: match its tensors to a reference (the
/// tiny Llama of fixtures/compare/llama, or the activation dump fixtures/compare/activations/
/// train.npz when the candidate is an .npz), decode both sides (quantized layouts, scales,
/// GGUF blocks), measure, diagnose and render every format.
enum CompareHarness {
    static func load(_ relative: String) -> Model {
        let path = LintHarness.rulesDirectory + "/../" + relative
        guard let model = try? ModelLoader.load(path) else { fatalError("friction-fuzz: \(path) does not load") }
        return model
    }

    static let reference = load("fixtures/compare/llama")
    static let activations = load("fixtures/compare/activations/train.npz")

    /// Loads `bytes` as the candidate (format chosen by content) and compares it both ways.
    static func compareFile(_ bytes: UnsafeRawBufferPointer) {
        let name = "fuzz.safetensors"
        guard let candidate = try? ModelLoader.load(bytes: bytes, name: name, options: FuzzTargets.options) else { return }
        let payloads = PayloadMap()
        payloads.register(ByteSource.copying(name: name, bytes: bytes))
        var reports: [(CompareReport, [ActivationComparison.Logits])] = []
        if candidate.format == .npz {
            let activations = ActivationComparison(temperatures: [1, 2], k: 5)
            reports.append(activations.compare(Self.activations, candidate, payloadsB: payloads))
            reports.append(activations.compare(candidate, Self.activations, payloadsA: payloads))
        } else {
            let comparison = ModelComparison()
            reports.append((comparison.compare(reference, candidate, payloadsB: payloads), []))
            reports.append((comparison.compare(candidate, reference, payloadsA: payloads), []))
        }
        for (report, logits) in reports {
            _ = report.text(logits: logits)
            _ = report.markdown(logits: logits)
            _ = report.html(logits: logits)
            _ = report.json(logits: logits).serialized(indent: 2)
        }
    }
}
