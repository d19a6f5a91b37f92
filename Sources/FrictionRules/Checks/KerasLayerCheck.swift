import FrictionCore

/// `keras-layer`: layers in a Keras model config (the loader's `keras.layers` inventory) whose
/// class is listed in the rule with a reason, and optionally layers from outside Keras (custom
/// objects), which no exporter can rebuild without their Python code.
struct KerasLayerCheck: CheckKind {
    static let id = "keras-layer"
    static let summary = "Keras layers by class (from the model config), with the rule's reason per class"
    static let parameters = [
        ParamSpec("classes", .object, required: true, "layer class name -> reason it matters"),
        ParamSpec("custom_objects", .string, "when set, also match layers from outside Keras, with this reason"),
    ]

    let classes: [String: String]
    let customReason: String?

    init(params: Params, knowledge: Knowledge) throws(ParamError) {
        guard case .object(let rows)? = params.values["classes"] else { throw ParamError("classes must map class names to reasons", key: "classes") }
        var table: [String: String] = [:]
        for row in rows {
            guard let reason = row.value.stringValue else { throw ParamError("the reason for \(row.key) must be a string", key: "classes") }
            table[row.key] = reason
        }
        classes = table
        customReason = params.string("custom_objects")
    }

    func evaluate(_ context: CheckContext) -> [Hit] {
        guard let entry = context.model.metadata.first(where: { $0.key == "keras.layers" }), case .json(.array(let layers)) = entry.value else { return [] }
        var hits: [Hit] = []
        for layer in layers {
            guard let cls = layer["class_name"]?.stringValue else { continue }
            let foreign = layer["outside_keras"] == .bool(true)
            guard let reason = classes[cls] ?? (foreign ? customReason : nil) else { continue }
            let location = Location(file: entry.location.file, path: (entry.location.path ?? "") + (layer["pointer"]?.stringValue ?? ""))
            hits.append(Hit(location: location, values: ["layer": layer["name"]?.stringValue ?? cls, "class": cls, "reason": reason]))
        }
        return hits
    }
}
