import FrictionCore

/// `dynamic-dims`: graph inputs with symbolic dimensions, for target runtimes that size
/// memory by the largest shape they may see (TensorRT optimization profiles).
struct DynamicDimsCheck: CheckKind {
    static let id = "dynamic-dims"
    static let summary = "symbolic input dims on runtimes that size memory by the max profile"
    static let parameters = [ParamSpec("runtimes", .strings, required: true, "runtime ids this applies to, e.g. [tensorrt]")]

    let runtimes: Set<String>

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        runtimes = Set(params.strings("runtimes") ?? [])
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        guard let graph = context.model.graph,
              let target = context.targets.first(where: { $0.runtime.map { runtimes.contains($0.id) } ?? false }) else { return [] }
        let initializers = Set(graph.initializers.map(\.name))
        return graph.inputs.filter { !initializers.contains($0.name) }.compactMap { input in
            guard case .tensor(_, let shape?)? = input.type else { return nil }
            let symbols = shape.dims.compactMap { if case .symbolic(let s) = $0 { s } else { nil } }
            guard !symbols.isEmpty else { return nil }
            return Hit(location: Location(file: context.model.path, path: input.name), values: [
                "input": input.name, "shape": shape.description, "dims": symbols.joined(separator: ", "), "target": target.description,
            ])
        }
    }
}
