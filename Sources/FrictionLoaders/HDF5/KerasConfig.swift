import FrictionCore

/// What a Keras model config says, read as JSON and never deserialized: every layer with its
/// class, module and dtype policy; Lambda layers (they carry marshalled Python bytecode), layers
/// that load code from outside the file, objects from outside Keras and calls to non-modelling
/// Keras APIs are called out.
struct KerasConfig {
    struct Layer {
        var name: String
        var className: String
        var module: String?
        var registered: String?
        var policy: String?
        var pointer: String
    }

    var layers: [Layer] = []
    var lambdas: [Layer] = []
    var codeLayers: [Layer] = []
    var customObjects: [Layer] = []
    var unsafeAPIs: [Layer] = []

    /// The packages Keras' safe_mode imports from (anything else in `module` is user code).
    static let kerasPackages = ["keras", "keras_hub", "keras_cv", "keras_nlp", "tf_keras", "tensorflow.keras", "tensorflow.python.keras"]
    /// Layers whose config makes Keras load code or a model from elsewhere.
    static let codeLayerClasses: Set = ["TFSMLayer", "TorchModuleWrapper", "JaxLayer", "FlaxLayer"]
    /// Keras functions a model config has no business calling (Keras' own safe_mode deny-set).
    static let nonModellingAPIs: Set = [
        "enable_unsafe_deserialization", "disable_unsafe_deserialization", "load_model", "save_model", "load_weights",
        "get_file", "image_dataset_from_directory", "text_dataset_from_directory", "audio_dataset_from_directory",
        "timeseries_dataset_from_array", "load_img", "save_img", "array_to_img", "img_to_array", "clear_session",
        "deserialize_keras_object", "serialize_keras_object", "get_registered_object", "register_keras_serializable",
    ]

    /// The variable dtype a policy implies (`mixed_*` keeps float32 variables).
    static func variableDType(policy: String) -> DType? {
        switch policy {
        case "float32", "mixed_float16", "mixed_bfloat16": return .float32
        case "float16": return .float16
        case "bfloat16": return .bfloat16
        case "float64": return .float64
        default: return nil
        }
    }

    /// Keras' `naming.to_snake_case`: drop non-word characters, then `_` before each capitalised
    /// word and between a lower-case letter and an upper-case one (Conv2D → conv2d,
    /// BatchNormalization → batch_normalization).
    static func snakeCase(_ name: String) -> String {
        let chars = Array(name.filter { $0.isLetter || $0.isNumber || $0 == "_" })
        var out: [Character] = []
        for (i, c) in chars.enumerated() {
            if i > 0, c.isUppercase {
                let next = i + 1 < chars.count ? chars[i + 1] : nil
                let prev = chars[i - 1]
                if (next?.isLowercase ?? false) || prev.isLowercase { out.append("_") }
            }
            out.append(c)
        }
        return String(out).lowercased()
    }

    static func isKerasModule(_ module: String) -> Bool {
        kerasPackages.contains { module == $0 || module.hasPrefix($0 + ".") }
    }

    init(_ json: JSONValue) {
        visit(json, pointer: "")
    }

    private mutating func visit(_ v: JSONValue, pointer: String) {
        switch v {
        case .object(let members):
            if let cls = v["class_name"]?.stringValue {
                let module = v["module"]?.stringValue
                let registered = v["registered_name"]?.stringValue
                if case .object? = v["config"] {
                    objectEntry(v, cls: cls, module: module, registered: registered, pointer: pointer)
                } else if cls == "function", let fn = v["config"]?.stringValue {
                    // {"module": "keras.config", "class_name": "function", "config": "enable_unsafe_deserialization"}
                    let entry = Layer(name: fn, className: cls, module: module, registered: registered, policy: nil, pointer: pointer)
                    if Self.nonModellingAPIs.contains(fn) || module.map({ !$0.isEmpty && !Self.isKerasModule($0) }) == true {
                        unsafeAPIs.append(entry)
                    }
                }
            }
            for m in members { visit(m.value, pointer: pointer + "/" + m.key) }
        case .array(let items):
            for (i, item) in items.enumerated() { visit(item, pointer: pointer + "/\(i)") }
        default:
            break
        }
    }

    private mutating func objectEntry(_ v: JSONValue, cls: String, module: String?, registered: String?, pointer: String) {
        let config = v["config"]
        var policy: String?
        if let d = config?["dtype"] { policy = d.stringValue ?? d["config"]?["name"]?.stringValue }
        let layer = Layer(name: config?["name"]?.stringValue ?? cls, className: cls, module: module, registered: registered,
                          policy: policy, pointer: pointer)
        if config?["name"] != nil || config?["trainable"] != nil { layers.append(layer) }
        if cls == "Lambda" { lambdas.append(layer) }
        if Self.codeLayerClasses.contains(cls) { codeLayers.append(layer) }
        let foreignModule = module.map { !$0.isEmpty && !Self.isKerasModule($0) } ?? false
        let registeredOutside = registered.map { $0.contains(">") } ?? false
        if cls != "__lambda__", foreignModule || registeredOutside { customObjects.append(layer) }
    }
}
