import FrictionCore

/// `weights-only`: a torch checkpoint that `torch.load(weights_only=True)` would refuse, with
/// the first opcode or global that stops it.
struct WeightsOnlyCheck: CheckKind {
    static let id = "weights-only"
    static let summary = "torch checkpoints that torch.load(weights_only=True) refuses, and why"
    static let parameters: [ParamSpec] = []

    let policy: PickleGlobalPolicy

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        policy = knowledge.pickleGlobals
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        guard case .refused(let reason, let location) = WeightsOnlyVerdict.evaluate(context.model, policy: policy) else { return [] }
        return [Hit(location: location, values: ["reason": reason])]
    }
}
