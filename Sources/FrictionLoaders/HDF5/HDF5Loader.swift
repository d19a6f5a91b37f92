import CHDF5
import FrictionCore

/// HDF5 files: Keras 2 / tf.keras `.h5` (whole models and weights-only), the `model.weights.h5`
/// inside a Keras 3 `.keras` archive, and any other HDF5 file (datasets under their group paths).
/// Contiguous unfiltered datasets are listed with their byte range in the file; chunked or
/// compressed ones are marked as read through HDF5. Dataspaces that overflow or dwarf the file
/// are refused before any read, and external links, external storage and virtual datasets are
/// reported, never followed.
public enum HDF5Loader {
    static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The container prefix of tensors read through HDF5 rather than in place.
    public static let datasetContainer = "hdf5 dataset "

    /// The dataset path of a tensor read through HDF5 from a plain HDF5 file (nil for anything
    /// else, including datasets inside a `.keras` archive or a decoded stream).
    public static func datasetPath(_ storage: TensorStorage) -> String? {
        guard let c = storage.container, c.hasPrefix(datasetContainer), let open = c.range(of: " (", options: .backwards) else { return nil }
        return String(c[c.index(c.startIndex, offsetBy: datasetContainer.count)..<open.lowerBound])
    }

    /// Reads a tensor listed with ``datasetContainer`` through HDF5 (little-endian bytes).
    public static func readDataset(_ tensor: TensorInfo) throws(LoadError) -> [UInt8]? {
        guard let path = datasetPath(tensor.storage) else { return nil }
        return try HDF5Isolation.read(path: tensor.storage.file, dataset: path, byteCount: tensor.storage.byteCount)
    }

    /// The HDF5 signature at offset 0 (or after a user block of 512, 1024, 2048 … bytes).
    static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset + 8 <= bytes.count, offset <= 1 << 20 {
            if zip(bytes[offset..<(offset + 8)], signature).allSatisfy({ $0 == $1 }) { return true }
            offset = offset == 0 ? 512 : offset * 2
        }
        return false
    }

    static func load(_ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> Model {
        var model = Model(path: ctx.file, format: .hdf5, sources: [ctx.source(.hdf5, decodedSize: bytes.count)])
        try HDF5Isolation.checkEnabled(ctx.options, ctx.file)
        let probe = ctx.encodings.isEmpty ? try HDF5Isolation.probe(path: ctx.file, display: ctx.file)
                                          : try HDF5Isolation.probe(image: bytes, display: ctx.where_)
        try describe(probe, into: &model, fileBytes: UInt64(bytes.count), base: 0, container: ctx.container, member: nil, kerasConfig: nil)
        return model
    }

    /// Fills `model` from a probed file: tensors, Keras facts and safety issues. `base` is the
    /// file's offset in `model.path` (a stored `.keras` member), `container` the decoding note
    /// (for an inflated member, ranges are within the member and `container` says so).
    static func describe(_ file: HDF5Probe, into model: inout Model, fileBytes: UInt64, base: UInt64, container: String?, member: String?,
                         kerasConfig: JSONValue?) throws(LoadError) {
        let datasets = file.datasets, links = file.links
        let modelPath = model.path
        let at = { (path: String) in Location(file: modelPath, path: (member.map { $0 + "!" } ?? "") + path) }
        // Keras 2 markers.
        var config = kerasConfig
        if let text = file.attribute("model_config")?.first {
            do throws(JSONParseError) { config = try JSONParser.parse(Array(text.utf8), maxDepth: 512).value } catch {
                model.issues.append(LoadIssue(code: "keras-config", message: "the model_config attribute is not valid JSON: \(error)", location: at("/")))
            }
        }
        if let v = file.attribute("keras_version")?.first { model.properties["keras.version"] = v }
        if let b = file.attribute("backend")?.first { model.properties["keras.backend"] = b }
        let weightsRoot = file.attribute("layer_names", at: "/model_weights") != nil ? "/model_weights" : "/"
        let layerNames = file.attribute("layer_names", at: weightsRoot)
        if kerasConfig != nil {
            model.format = .keras
        } else if file.attribute("model_config") != nil {
            model.format = .keras
            model.properties["keras.layout"] = "keras-h5-model"
        } else if layerNames != nil {
            model.format = .keras
            model.properties["keras.layout"] = "keras-h5-weights"
        } else if datasets.contains(where: { $0.path.hasPrefix("/layers/") && $0.path.contains("/vars/") }) {
            model.format = .keras
            model.properties["keras.layout"] = "keras3-weights"
        }
        for u in file.unreadable {
            model.issues.append(LoadIssue(code: "hdf5-object", message: "object \(u.path) is listed but cannot be opened: \(u.message)", location: at(u.path)))
        }
        for link in links {
            let code = link.kind == "soft" ? "hdf5-soft-link" : "hdf5-external-link"
            model.issues.append(LoadIssue(code: code, level: link.kind == "soft" ? .info : .warning,
                message: "\(link.path) is \(link.kind == "soft" ? "a soft" : "an \(link.kind)") link to \(link.target.isEmpty ? "?" : link.target); not followed",
                location: at(link.path)))
        }
        var layerOf: [String: String] = [:]   // Keras 3: dataset path → layer name (the `vars` group's `name`)
        for d in datasets {
            if let owner = d.owner { layerOf[d.path] = owner }
            if d.externalFiles > 0 {
                model.issues.append(LoadIssue(code: "hdf5-external-storage",
                    message: "dataset \(d.path) keeps its raw data in \(d.externalFiles) file(s) outside this one; not read", location: at(d.path)))
                continue
            }
            if d.layout == "virtual" {
                model.issues.append(LoadIssue(code: "hdf5-virtual-dataset",
                    message: "dataset \(d.path) is a virtual dataset mapping data from other files; not read", location: at(d.path)))
                continue
            }
            // Keras 3 stores bfloat16 and float8 variables as opaque bytes tagged with a dtype attribute.
            var dtype = d.dtype
            var stored = d.typeDescription
            if dtype == nil, d.typeDescription.hasPrefix("opaque"), let tag = d.tag,
               let tagged = DType(rawValue: tag), (tagged.bits ?? 0) == d.elementBits {
                dtype = tagged
                stored = "\(d.typeDescription) tagged \(tag)"
            }
            guard let dtype else {
                model.issues.append(LoadIssue(code: "hdf5-unsupported-type", level: .info,
                    message: "dataset \(d.path) holds \(d.typeDescription) values; not listed as a tensor", location: at(d.path)))
                continue
            }
            // Keras' rule (CVE-2026-0897): more than 4 GiB declared and more than 1000x what is stored.
            let declared = Shape.checkedProduct(d.dims).flatMap { ElementType.dtype(dtype).byteCount(elements: $0) }
            if declared.map({ $0 > 4 << 30 && $0 / 1000 > max(d.storageBytes, 1) }) ?? true {
                model.issues.append(LoadIssue(code: "hdf5-shape-bomb",
                    message: "dataset \(d.path) declares shape \(d.dims) of \(dtype.rawValue) (\(declared.map { "\($0) bytes" } ?? "a byte count that overflows 64 bits")) but stores \(d.storageBytes) bytes; refused before any read",
                    location: at(d.path)))
                continue
            }
            let bytes = declared ?? 0
            let storage: TensorStorage
            if d.layout == "contiguous", d.filters.isEmpty, let offset = d.offset, d.storageBytes == bytes {
                let (end, o) = offset.addingReportingOverflow(bytes)
                guard !o, end <= fileBytes else {
                    model.issues.append(LoadIssue(code: "hdf5-range",
                        message: "dataset \(d.path) data [\(offset), +\(bytes)) lies outside the \(fileBytes)-byte file", location: at(d.path)))
                    continue
                }
                storage = TensorStorage(file: model.path, range: (base + offset)..<(base + end), container: container)
            } else {
                // Chunked, compressed, compact or not yet allocated: read through HDF5 on demand.
                let how = ([d.layout] + d.filters).joined(separator: "+")
                let note = (container.map { $0 + "+" } ?? "") + (member.map { "zip:\($0)+" } ?? "") + "\(Self.datasetContainer)\(d.path) (\(how))"
                storage = TensorStorage(file: model.path, range: 0..<bytes, container: note)
            }
            if !d.pluginFilters.isEmpty {
                model.issues.append(LoadIssue(code: "hdf5-plugin-filter",
                    message: "dataset \(d.path) is filtered with id \(d.pluginFilters.map(String.init).joined(separator: ", ")), outside HDF5's built-in filters: reading it loads a dynamic plugin; friction does not",
                    location: at(d.path)))
            }
            let name = tensorName(d.path, weightsRoot: weightsRoot, keras: model.format == .keras)
            model.tensors.append(TensorInfo(name: name, type: .dtype(dtype), storedType: stored, shape: Shape(fixed: d.dims),
                                            storage: storage, byteOrder: (dtype.bits ?? 8) > 8 ? .little : .notApplicable))
        }
        if let config {
            let prefix = kerasConfig != nil ? "config.json" : "/@model_config"
            kerasFacts(KerasConfig(config), datasets: datasets, layerOf: layerOf, into: &model, at: at,
                       configAt: { Location(file: modelPath, path: prefix + $0) })
        }
    }

    /// `model_weights/conv2d/conv2d/kernel:0` → `conv2d/kernel:0`; Keras 3 keeps `layers/<name>/vars/<i>`.
    static func tensorName(_ path: String, weightsRoot: String, keras: Bool) -> String {
        var p = path.hasPrefix("/") ? String(path.dropFirst()) : path
        if keras, weightsRoot == "/model_weights", p.hasPrefix("model_weights/") {
            p = String(p.dropFirst("model_weights/".count))
            if let slash = p.firstIndex(of: "/") { p = String(p[p.index(after: slash)...]) }
        } else if keras, weightsRoot == "/", let slash = p.firstIndex(of: "/"), !p.hasPrefix("layers/"), !p.hasPrefix("optimizer") {
            p = String(p[p.index(after: slash)...])
        }
        return p
    }

    /// Lambda layers, custom objects, non-modelling APIs and dtype policies against the stored
    /// variable dtypes. `layerOf` maps Keras 3 dataset paths to layer names.
    static func kerasFacts(_ k: KerasConfig, datasets: [HDF5File.Dataset], layerOf: [String: String], into model: inout Model,
                           at: (String) -> Location, configAt: (String) -> Location) {
        model.properties["keras.layers"] = String(k.layers.count)
        // The layer inventory, for rules (`keras-layer`): name, class, module, registered name, config pointer.
        let outside = Set(k.customObjects.map(\.pointer))
        let inventory: [JSONValue] = k.layers.map { l in
            var members: [(String, JSONValue)] = [("name", .string(l.name)), ("class_name", .string(l.className)), ("pointer", .string(l.pointer)),
                                                  ("outside_keras", .bool(outside.contains(l.pointer)))]
            if let m = l.module { members.append(("module", .string(m))) }
            if let r = l.registered { members.append(("registered_name", .string(r))) }
            return .object(members.map { JSONMember(key: $0.0, value: $0.1) })
        }
        model.metadata.append(MetadataEntry(key: "keras.layers", value: .json(.array(inventory)), location: configAt("")))
        for l in k.lambdas {
            model.issues.append(LoadIssue(code: "keras-lambda",
                message: "layer \(l.name) (\(l.className)) carries serialized Python (marshalled bytecode) that Keras runs on load when safe_mode is off (CVE-2024-3660; safe_mode ignored for .h5 before Keras 3.11.3, CVE-2025-9905)",
                location: configAt(l.pointer)))
        }
        for l in k.codeLayers {
            model.issues.append(LoadIssue(code: "keras-lambda",
                message: "layer \(l.name) is a \(l.className), which loads code or a model from outside the file (a SavedModel, a pickled torch module)",
                location: configAt(l.pointer)))
        }
        for l in k.unsafeAPIs {
            model.issues.append(LoadIssue(code: "keras-unsafe-api",
                message: "the config calls \(l.module.map { $0 + "." } ?? "")\(l.name), a non-modelling Keras API (the CVE-2025-1550 / -8747 / -9906 bypasses of safe_mode)",
                location: configAt(l.pointer)))
        }
        for l in k.customObjects {
            model.issues.append(LoadIssue(code: "keras-custom-object",
                message: "layer \(l.name) (\(l.className)) comes from \(l.module ?? "a registered custom object") (registered as \(l.registered ?? "?")), outside Keras: loading imports that code",
                location: configAt(l.pointer)))
        }
        var policies: [String: Int] = [:]
        for l in k.layers { if let p = l.policy { policies[p, default: 0] += 1 } }
        if !policies.isEmpty { model.properties["keras.dtype_policies"] = policies.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ") }
        // Keras 3 names a top-level layer's weight group after its class, not its name
        // (saving_lib: layers/<snake_case(class)>, then _1, _2 … for repeats); files whose `vars`
        // groups carry no `name` attribute are matched that way.
        var keras3Groups: [String: String] = [:]
        if layerOf.isEmpty, datasets.contains(where: { $0.path.hasPrefix("/layers/") }) {
            var used: [String: Int] = [:]
            for l in k.layers where l.pointer.hasPrefix("/config/layers/") && !l.pointer.dropFirst("/config/layers/".count).contains("/")
                && l.className != "InputLayer" {
                let base = KerasConfig.snakeCase(l.className)
                let n = used[base]
                used[base] = (n ?? -1) + 1
                keras3Groups[l.pointer] = "/layers/" + base + (n.map { "_\($0 + 1)" } ?? "")
            }
        }
        for l in k.layers {
            guard let policy = l.policy, let expected = KerasConfig.variableDType(policy: policy) else { continue }
            let group = keras3Groups[l.pointer]
            let vars = datasets.filter { d in
                guard d.dtype?.traits.family == .float || d.typeDescription.hasPrefix("opaque") else { return false }
                if let owner = layerOf[d.path] { return owner == l.name }
                if let group { return d.path.hasPrefix(group + "/") }
                return d.path.contains("/\(l.name)/")
            }
            if let off = vars.first(where: { $0.dtype != expected && !($0.typeDescription.hasPrefix("opaque") && expected == .bfloat16) }) {
                model.issues.append(LoadIssue(code: "keras-policy-dtype",
                    message: "layer \(l.name) has dtype policy \(policy) (variables in \(expected.rawValue)) but \(off.path) is stored as \(off.typeDescription): Keras casts it on load",
                    location: at(off.path)))
            }
        }
    }
}
