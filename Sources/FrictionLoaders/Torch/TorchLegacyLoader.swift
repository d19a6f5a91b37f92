import FrictionCore

/// Reads checkpoints in PyTorch's legacy (pre-1.6, `_use_new_zipfile_serialization=False`)
/// format as `torch.serialization._legacy_load` does: five stacked pickles (the magic number
/// 0x1950a86a20f9469cfc6c, protocol version 1001, `sys_info`, the object, the list of storage
/// keys), then each storage in key order as an 8-byte element count and its raw elements.
enum TorchLegacyLoader {
    /// LONG1 of the magic number, as the first pickle holds it after its PROTO opcode.
    static let magicLong: [UInt8] = [0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    static let protocolVersion: Int64 = 1001

    /// A pickle (protocol 2–5) whose first value is the legacy magic number.
    static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard PickleLoader.matches(bytes) else { return false }
        // PROTO n, then optionally FRAME (9 bytes), then LONG1 10 <magic>.
        for start in [2, 11] where bytes.count >= start + magicLong.count {
            if zip(bytes[start..<(start + magicLong.count)], magicLong).allSatisfy({ $0 == $1 }) { return true }
        }
        return false
    }

    static func load(_ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> Model {
        var findings = PickleFindings(limits: ctx.options.pickle)
        var model = Model(path: ctx.file, format: .pytorch, sources: [ctx.source(.pytorch, decodedSize: bytes.count)])
        model.properties["pytorch.layout"] = "legacy"
        var results: [PickleResult] = []
        var position = 0
        let names = ["magic number", "protocol version", "sys_info", "object", "storage keys"]
        for name in names {
            let result = findings.scan(bytes, start: position, file: ctx.file, readByTorchLoad: true)
            results.append(result)
            guard result.problem == nil, result.root != nil else {
                findings.issues.append(ctx.issue("torch-legacy-truncated", "the \(name) pickle does not load; tensors not listed", at: position))
                findings.absorb(into: &model)
                return model
            }
            position = result.end
        }
        let walker0 = TorchObjectWalker(results[1], bytes)
        if let root = results[1].root, walker0.int(root) != protocolVersion {
            findings.issues.append(ctx.issue("torch-legacy-protocol", "protocol version is not \(protocolVersion); torch.load refuses the file", at: results[0].end))
        }
        var littleEndian = true
        let sysInfo = TorchObjectWalker(results[2], bytes)
        if let root = results[2].root, let info = sysInfo.node(root) {
            for (k, v) in zip(info.keys, info.values) where sysInfo.string(k) == "little_endian" {
                littleEndian = sysInfo.bool(v) ?? true
            }
        }
        model.properties["pytorch.byteorder"] = littleEndian ? "little" : "big"
        var walker = TorchObjectWalker(results[3], bytes)
        if let root = results[3].root {
            walker.walk(root: root)
            TorchZipLoader.describe(walker.checkpointKind(root: root), into: &model)
        }
        for p in walker.problems {
            model.issues.append(LoadIssue(code: p.code, message: p.message, location: Location(file: ctx.file, offset: UInt64(p.offset))))
        }
        // Every storage the object pickle names, by key (tensors of one storage share it).
        var storageTypes: [String: TorchStorageRef] = [:]
        for node in results[3].nodes {
            if case .persistentID(let pid) = node.kind, let ref = walker.storageRef(pid), storageTypes[ref.key] == nil {
                storageTypes[ref.key] = ref
            }
        }
        let keysWalker = TorchObjectWalker(results[4], bytes)
        let keys = results[4].root.flatMap { keysWalker.items($0) }?.map { keysWalker.string($0) ?? keysWalker.int($0).map(String.init) ?? "?" } ?? []
        var storages: [String: TorchTensors.StorageBytes] = [:]
        var cursor = ByteCursor(bytes, position: position, bigEndian: !littleEndian)
        for key in keys {
            let at = cursor.position
            guard let ref = storageTypes[key] else {
                model.issues.append(ctx.issue("torch-legacy-storage", "storage key '\(key)' is listed but no tensor names it; its size is unknown, later storages not located", at: at))
                break
            }
            guard let count = cursor.u64(), let nbytes = ref.byteCount else {
                model.issues.append(ctx.issue("torch-legacy-truncated", "the file ends before storage '\(key)'", at: at))
                break
            }
            if count != ref.numel {
                model.issues.append(ctx.issue("torch-legacy-storage", "storage '\(key)' is stored with \(count) elements, the pickle says \(ref.numel)", at: at))
            }
            let start = cursor.position
            let (stored, overflow) = count.multipliedReportingOverflow(by: ref.element.size)
            guard !overflow, cursor.skip(stored) else {
                model.issues.append(ctx.issue("torch-legacy-truncated", "storage '\(key)' of \(count) × \(ref.element.size) bytes runs past the end of the file", at: at))
                break
            }
            storages[key] = TorchTensors.StorageBytes(range: UInt64(start)..<(UInt64(start) + min(stored, nbytes)), container: ctx.container)
        }
        if cursor.remaining > 0, storages.count == keys.count {
            model.issues.append(ctx.issue("pickle-trailing-data", "\(cursor.remaining) bytes after the last storage", at: cursor.position, level: .info))
        }
        var tensors = TorchTensors(file: ctx.file, byteOrder: littleEndian ? .little : .big)
        tensors.add(walker.tensors, storages: storages, pickleBase: 0, member: nil)
        findings.absorb(into: &model)
        model.tensors = tensors.tensors
        model.issues += tensors.issues
        return model
    }
}
