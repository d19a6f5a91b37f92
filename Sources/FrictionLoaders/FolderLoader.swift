import FrictionCore
import Foundation

/// Loads a Hugging Face style model folder: config documents as metadata, and every tensor file
/// (or, when a `*.safetensors.index.json` or `pytorch_model.bin.index.json` is present, exactly
/// the shards it names) as one model. PyTorch weights next to safetensors weights are what
/// transformers skips: they are still read and scanned for pickle globals, but their tensors are
/// not merged.
enum FolderLoader {
    /// Config documents kept as metadata when present.
    static let configFiles = ["config.json", "generation_config.json"]
    /// Files friction recognises but does not read yet; listed as issues so nothing is silently skipped.
    static let unreadExtensions: Set<String> = ["h5", "keras", "pb", "tflite", "msgpack"]
    /// PyTorch checkpoint extensions.
    static let torchExtensions: Set<String> = ["bin", "pt", "pth", "ckpt"]

    static func ext(_ name: String) -> String { name.split(separator: ".").last.map { $0.lowercased() } ?? "" }

    static func load(_ path: String, options: LoadOptions) throws(LoadError) -> Model {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            throw LoadError("io-error", "cannot list the folder", file: path)
        }
        func child(_ name: String) -> String { path.hasSuffix("/") ? path + name : path + "/" + name }
        var model = Model(path: path, format: .folder)

        for name in configFiles where entries.contains(name) {
            let json = try readJSON(child(name), code: "config-json")
            model.metadata.append(MetadataEntry(key: name, value: .json(json.value), location: Location(file: child(name))))
        }

        let safetensorsIndexes = entries.filter { $0.hasSuffix(".safetensors.index.json") }
        let hasSafetensors = !safetensorsIndexes.isEmpty || entries.contains { $0.hasSuffix(".safetensors") }
        let torchIndexes = entries.filter { name in torchExtensions.contains { name.hasSuffix(".\($0).index.json") } }
        let indexes = safetensorsIndexes.isEmpty ? torchIndexes : safetensorsIndexes
        let shardExtension = safetensorsIndexes.isEmpty ? nil : "safetensors"
        // Checkpoints read only to scan them: PyTorch weights beside safetensors weights.
        var scanOnly: [String] = []
        var shardNames: [String] = []
        var weightMap: [(tensor: String, shard: String)] = []
        var declaredTotal: UInt64?
        for index in indexes {
            let json = try readJSON(child(index), code: "index-json")
            guard let map = json["weight_map"]?.members else {
                throw LoadError("index-json", "\(index) has no weight_map object", file: child(index))
            }
            for member in map {
                guard let shard = member.value.string, !shard.contains("/"), shard != "..", !shard.isEmpty else {
                    throw LoadError("index-json", "weight_map entry for \"\(member.key)\" must name a file in this folder",
                                    file: child(index), offset: UInt64(member.value.offset))
                }
                weightMap.append((member.key, shard))
                if !shardNames.contains(shard) { shardNames.append(shard) }
            }
            if let total = json["metadata"]?["total_size"]?.uint64 { declaredTotal = (declaredTotal ?? 0) + total }
        }
        shardNames.sort()

        var files: [String] = []
        if indexes.isEmpty {
            for name in entries where !name.hasPrefix(".") && !name.hasSuffix(".json") {
                let full = child(name)
                guard isRegularFile(full) else { continue }
                let ext = ext(name)
                if torchExtensions.contains(ext), hasSafetensors {
                    scanOnly.append(name)
                    continue
                }
                if unreadExtensions.contains(ext) {
                    model.issues.append(LoadIssue(code: "folder-unread-file", level: .info,
                        message: "\(name) is a .\(ext) file, which this version of friction does not read", location: Location(file: full)))
                    continue
                }
                if isTensorFile(full, name: name) { files.append(name) }
            }
        } else {
            for shard in shardNames where !entries.contains(shard) {
                throw LoadError("index-missing-shard", "the index names shard \(shard), which is not in the folder", file: child(shard))
            }
            files = shardNames
            for name in entries where !shardNames.contains(name) && isRegularFile(child(name)) {
                let e = ext(name)
                if e == (shardExtension ?? e), e == "safetensors" || torchExtensions.contains(e) {
                    model.issues.append(LoadIssue(code: "index-unreferenced-shard",
                        message: "\(name) is not referenced by the index and was not loaded", location: Location(file: child(name))))
                } else if shardExtension != nil, torchExtensions.contains(e) {
                    scanOnly.append(name)
                }
            }
        }
        guard !files.isEmpty else {
            throw LoadError("folder-no-tensors", "the folder holds no tensor file (safetensors, GGUF, .npy, .npz, PyTorch)", file: path)
        }
        for file in scanOnly {
            let loaded = try ModelLoader.load(child(file), options: options)
            model.sources += loaded.sources
            model.issues += loaded.issues
            model.issues.append(LoadIssue(code: "folder-alternate-weights", level: .info,
                message: "\(file) holds PyTorch weights beside safetensors weights (transformers loads the safetensors); scanned, tensors not merged",
                location: Location(file: child(file))))
            absorbPickles(loaded, into: &model)
            for (key, value) in loaded.properties { model.properties["\(file):\(key)"] = value }
        }

        var owner: [String: String] = [:]
        for file in files {
            let loaded = try ModelLoader.load(child(file), options: options)
            model.sources += loaded.sources
            model.issues += loaded.issues
            model.metadata += loaded.metadata
            absorbPickles(loaded, into: &model)
            for (key, value) in loaded.properties { model.properties["\(file):\(key)"] = value }
            for tensor in loaded.tensors {
                if let first = owner[tensor.name] {
                    if indexes.isEmpty {
                        model.issues.append(LoadIssue(code: "folder-duplicate-tensor",
                            message: "tensor \(tensor.name) is in both \(first) and \(file)", location: Location(file: child(file), path: tensor.name)))
                    } else {
                        throw LoadError("index-duplicate-tensor", "tensor is stored in both \(first) and \(file)", file: child(file), path: tensor.name)
                    }
                }
                owner[tensor.name] = owner[tensor.name] ?? file
                model.tensors.append(tensor)
            }
        }
        if !indexes.isEmpty {
            var listed = Set<String>()
            for (tensor, shard) in weightMap {
                listed.insert(tensor)
                guard owner[tensor] == shard else {
                    throw LoadError("index-tensor-not-in-shard",
                        owner[tensor].map { "the index places this tensor in \(shard) but it is in \($0)" }
                            ?? "the index places this tensor in \(shard), which does not contain it",
                        file: child(shard), path: tensor)
                }
            }
            for tensor in model.tensors where !listed.contains(tensor.name) {
                model.issues.append(LoadIssue(code: "index-unlisted-tensor",
                    message: "tensor is in \(owner[tensor.name] ?? "?") but not in the index's weight_map; loaders that follow the index miss it",
                    location: Location(file: tensor.storage.file, path: tensor.name)))
            }
            if let declaredTotal, declaredTotal != model.tensorBytes {
                model.issues.append(LoadIssue(code: "index-total-size", level: .info,
                    message: "index metadata.total_size is \(declaredTotal) but the shards hold \(model.tensorBytes) tensor bytes",
                    location: Location(file: child(indexes[0]))))
            }
        }
        model.issues.sort()
        return model
    }

    /// Adds a child's pickle globals and streams (stream global ranges shift with them).
    static func absorbPickles(_ child: Model, into model: inout Model) {
        let shift = model.pickleGlobals.count
        model.pickleGlobals += child.pickleGlobals
        model.pickleStreams += child.pickleStreams.map { s in
            var s = s
            s.globals = (s.globals.lowerBound + shift)..<(s.globals.upperBound + shift)
            return s
        }
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether a file is one the loaders read: by magic, or by a tensor-file extension.
    private static func isTensorFile(_ path: String, name: String) -> Bool {
        if FormatSniffer.extensions[name.split(separator: ".").last.map { $0.lowercased() } ?? ""] != nil { return true }
        guard let source = try? ByteSource.map(path: path) else { return false }
        return withExtendedLifetime(source) {
            guard let kind = FormatSniffer.kind(of: source.bytes, name: name) else { return false }
            return kind != .zip
        }
    }

    private static func readJSON(_ path: String, code: String) throws(LoadError) -> JSONNode {
        let source = try ByteSource.map(path: path)
        return try withExtendedLifetime(source) { () throws(LoadError) -> JSONNode in
            if let bad = UTF8Check.firstInvalidOffset(source.bytes) {
                throw LoadError(code, "not valid UTF-8", file: path, offset: UInt64(bad))
            }
            do throws(JSONParseError) {
                return try JSONParser.parse(source.bytes)
            } catch {
                let why = switch error.reason {
                case .syntax(let s): "not valid JSON: \(s)"
                case .duplicateKey(let k): "key \"\(k)\" appears twice"
                case .tooDeep: "JSON nests too deeply"
                }
                throw LoadError(code, why, file: path, offset: UInt64(error.offset))
            }
        }
    }
}
