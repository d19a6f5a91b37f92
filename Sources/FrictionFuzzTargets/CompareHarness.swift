import FrictionCompare
import FrictionCore
import FrictionLoaders

/// What `friction compare` does with a candidate file: match its tensors to a reference (the
/// tiny Llama of fixtures/compare/llama, or the activation dump fixtures/compare/activations/
/// train.npz when the candidate is an .npz), decode both sides (quantized layouts, scales,
/// GGUF blocks), measure, diagnose and render every format.
enum CompareHarness {
    /// The reference Llama and the reference activation dump, or why they are missing.
    static let references: Result<(model: Model, activations: Model), SetupError> = {
        guard case .success(let setup) = LintHarness.setup else { return .failure(SetupError("the bundled rules/ folder was not found")) }
        let root = setup.rulesDirectory + "/../"
        guard let model = try? ModelLoader.load(root + "fixtures/compare/llama"),
              let activations = try? ModelLoader.load(root + "fixtures/compare/activations/train.npz") else {
            return .failure(SetupError("fixtures/compare/llama or fixtures/compare/activations/train.npz does not load"))
        }
        return .success((model, activations))
    }()

    /// Loads `bytes` as the candidate (format chosen by content) and compares it both ways.
    static func compareFile(_ bytes: UnsafeRawBufferPointer) {
        guard case .success(let references) = references else { return }
        let reference = references.model
        let name = "fuzz.safetensors"
        guard let candidate = try? ModelLoader.load(bytes: bytes, name: name, options: FuzzTargets.options) else { return }
        let payloads = PayloadMap()
        payloads.register(ByteSource.copying(name: name, bytes: bytes))
        var reports: [(CompareReport, [ActivationComparison.Logits])] = []
        if candidate.format == .npz {
            let activations = ActivationComparison(temperatures: [1, 2], k: 5)
            reports.append(activations.compare(references.activations, candidate, payloadsB: payloads))
            reports.append(activations.compare(candidate, references.activations, payloadsA: payloads))
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
