import FrictionCore

extension TorchObjectWalker {
    /// Top-level keys that mark training state next to (or instead of) the weights.
    static let trainingKeys: Set<String> = ["optimizer", "optimizer_states", "optimizer_state_dict", "optim", "lr_scheduler",
                                            "lr_schedulers", "scheduler", "scaler", "ema", "ema_state_dict", "epoch", "global_step"]

    /// What kind of checkpoint the root object is, from its top-level keys: a Lightning
    /// checkpoint (`pytorch-lightning_version` + `state_dict`), a training checkpoint (weights
    /// with optimizer / EMA / epoch state), or a plain state dict; plus the keys themselves.
    func checkpointKind(root: Int) -> (kind: String, keys: [String])? {
        guard let n = node(root), !n.keys.isEmpty else { return nil }
        let keys = n.keys.map(keyName)
        let set = Set(keys)
        if set.contains("pytorch-lightning_version") || (set.contains("state_dict") && set.contains("hyper_parameters")) {
            let version = zip(n.keys, n.values).first { keyName($0.0) == "pytorch-lightning_version" }.flatMap { string($0.1) }
            return ("lightning" + (version.map { " \($0)" } ?? ""), keys)
        }
        if !set.isDisjoint(with: Self.trainingKeys) { return ("training", keys) }
        return ("state_dict", keys)
    }
}
