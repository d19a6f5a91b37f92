import FrictionCore

/// Reads `torch.save` zip checkpoints (and TorchScript archives) as PyTorch's reader does:
/// records are `<archive>/<name>` where `<archive>` is the first member's directory; the object
/// is `data.pkl`, storages are `data/<key>` used in place, `byteorder` says how elements are
/// stored. Every other member is scanned for pickles, and zip anomalies are reported.
enum TorchZipLoader {
    /// Small records torch writes next to the pickle and storages.
    static let knownRecords: Set<String> = [
        "byteorder", "version", ".data/version", ".data/serialization_id", ".format_version", ".storage_alignment",
    ]

    /// Whether `archive` is laid out as a torch zip: a `data.pkl` or `constants.pkl` under the
    /// first member's directory.
    static func matches(_ archive: ZipArchive) -> Bool {
        guard let prefix = archivePrefix(archive) else { return false }
        return archive.members.contains { $0.name == prefix + "data.pkl" || $0.name == prefix + "constants.pkl" }
    }

    /// `<archive>/`, from the first member's name, as torch derives it.
    static func archivePrefix(_ archive: ZipArchive) -> String? {
        guard let first = archive.members.first?.name, let slash = first.firstIndex(of: "/") else { return nil }
        return String(first[...slash])
    }

    static func load(_ bytes: UnsafeRawBufferPointer, _ archive: ZipArchive, _ ctx: LoadContext) throws(LoadError) -> Model {
        let prefix = archivePrefix(archive) ?? ""
        // With duplicate names torch's reader (miniz) ends up on the last entry; so do we.
        var records: [String: Int] = [:]
        for (i, m) in archive.members.enumerated() where m.name.hasPrefix(prefix) {
            records[String(m.name.dropFirst(prefix.count))] = i
        }
        let torchScript = records["constants.pkl"] != nil
        var model = Model(path: ctx.file, format: .pytorch, sources: [ctx.source(.pytorch, decodedSize: bytes.count)])
        model.issues += refusals(archive, records: records, prefix: prefix, ctx: ctx)
        model.properties["pytorch.layout"] = torchScript ? "torchscript" : "zip"
        model.properties["pytorch.archive"] = String(prefix.dropLast())
        if torchScript {
            model.issues.append(ctx.issue("torch-torchscript",
                "a TorchScript archive (has \(prefix)constants.pkl): torch.load(weights_only=True) refuses it and torch.jit.load runs its code",
                at: Int(clamping: archive.members[records["constants.pkl"] ?? 0].localHeader), path: prefix + "constants.pkl"))
        }
        let text = { (name: String) -> String? in
            guard let i = records[name], case .stored(let r) = ZipArchive.contents(of: archive.members[i], in: bytes, limit: 1 << 16),
                  r.count <= 256 else { return nil }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[r]), as: UTF8.self).trimmingWhitespace
        }
        var byteOrder = ByteOrder.little
        if let order = text("byteorder") {
            model.properties["pytorch.byteorder"] = order
            switch order {
            case "little": byteOrder = .little
            case "big": byteOrder = .big
            default:
                model.issues.append(ctx.issue("torch-byteorder", "byteorder record says '\(order.prefix(40))'; torch accepts only 'little' or 'big'",
                                              at: Int(clamping: archive.members[records["byteorder"] ?? 0].localHeader), path: prefix + "byteorder"))
            }
        }
        if let version = text(".data/version") ?? text("version") { model.properties["pytorch.version"] = version }
        if let id = text(".data/serialization_id") { model.properties["pytorch.serialization_id"] = id }

        var scanner = ArchiveScanner(ctx)
        var handled = Set<Int>()
        var tensors = TorchTensors(file: ctx.file, byteOrder: byteOrder)
        // Every data.pkl torch might pick (duplicates are reported as anomalies) is read as torch reads it.
        let dataPickles = archive.members.indices.filter { archive.members[$0].name == prefix + "data.pkl" }
        var referenced = Set<String>()
        for index in dataPickles {
            handled.insert(index)
            let member = archive.members[index]
            switch ZipArchive.contents(of: member, in: bytes, limit: scanner.inflateLimit) {
            case .unreadable(let code, let message):
                model.issues.append(ctx.issue(code, "member \"\(member.name)\": \(message)", at: Int(clamping: member.localHeader), path: member.name))
            case .stored(let range):
                let data = UnsafeRawBufferPointer(rebasing: bytes[range])
                scanner.checkCRC(member, ZipArchive.crc(data), Location(file: ctx.file, offset: member.localHeader, path: member.name))
                let result = scanner.findings.scan(data, file: ctx.file, base: UInt64(range.lowerBound), member: member.name,
                                                   readByTorchLoad: !torchScript, stacked: true)
                guard index == records["data.pkl"], let root = result.root else { continue }
                var walker = TorchObjectWalker(result, data)
                walker.walk(root: root)
                describe(walker.checkpointKind(root: root), into: &model)
                for p in walker.problems {
                    model.issues.append(LoadIssue(code: p.code, message: p.message,
                                                  location: Location(file: ctx.file, offset: UInt64(range.lowerBound + p.offset), path: member.name)))
                }
                referenced = Set(walker.tensors.map(\.storage.key))
                let storages = storageBytes(referenced, records: records, archive: archive, bytes: bytes, prefix: prefix, ctx: ctx,
                                            handled: &handled, issues: &model.issues)
                tensors.add(walker.tensors, storages: storages, pickleBase: UInt64(range.lowerBound), member: member.name)
            case .inflated(let data):
                scanner.checkCRC(member, data.withUnsafeBytes { ZipArchive.crc($0) }, Location(file: ctx.file, offset: member.localHeader, path: member.name))
                data.withUnsafeBytes { raw in
                    _ = scanner.findings.scan(raw, file: ctx.file, member: member.name, readByTorchLoad: !torchScript, stacked: true)
                }
                model.issues.append(ctx.issue("torch-compressed-pickle", "data.pkl is deflated; torch.save stores it uncompressed, tensors not listed",
                                              at: Int(clamping: member.localHeader), path: member.name))
            }
        }
        if dataPickles.isEmpty, !torchScript {
            model.issues.append(ctx.issue("torch-no-data-pkl", "no \(prefix)data.pkl record: torch.load cannot read this archive", at: nil))
        }
        // Small records are read above; unreferenced storages are reported; the rest is scanned.
        for (name, index) in records where knownRecords.contains(name) { handled.insert(index) }
        for (i, m) in archive.members.enumerated() where !handled.contains(i) {
            let name = m.name.hasPrefix(prefix) ? String(m.name.dropFirst(prefix.count)) : m.name
            if name.hasPrefix("data/"), !torchScript, !dataPickles.isEmpty {
                model.issues.append(ctx.issue("torch-unreferenced-storage",
                    "storage record \"\(m.name)\" is not referenced by data.pkl", at: Int(clamping: m.localHeader), path: m.name, level: .info))
            } else if !torchScript, !m.name.hasPrefix(prefix) || !(name.hasPrefix("data/") || name.hasSuffix(".pkl")) {
                model.issues.append(ctx.issue("zip-unexpected-member",
                    "member \"\(m.name)\" is not part of the torch.save layout", at: Int(clamping: m.localHeader), path: m.name, level: .info))
            }
        }
        scanner.scan(archive, bytes, base: 0, chain: nil, depth: 0, skip: handled)
        scanner.findings.absorb(into: &model)
        model.tensors = tensors.tensors
        model.issues += tensors.issues
        return model
    }

    /// `pytorch.checkpoint` (state_dict, training, lightning <version>) and its top-level keys.
    static func describe(_ kind: (kind: String, keys: [String])?, into model: inout Model) {
        guard let kind else { return }
        model.properties["pytorch.checkpoint"] = kind.kind
        let shown = kind.keys.prefix(12).joined(separator: ", ")
        model.properties["pytorch.top_level_keys"] = kind.keys.count > 12 ? shown + ", … (\(kind.keys.count) keys)" : shown
    }

    /// miniz flag bits PyTorch's reader refuses in the central directory: encrypted (0),
    /// compressed patched data (5), strong encryption (6), masked local headers (13).
    static let refusedFlags: UInt16 = 1 << 0 | 1 << 5 | 1 << 6 | 1 << 13

    /// Why `torch.load` would refuse the archive before unpickling anything: data before the zip
    /// (its zip check reads the first four bytes, so it unpickles the junk as a legacy file), or
    /// a record it reads whose central-directory flags miniz does not support.
    static func refusals(_ archive: ZipArchive, records: [String: Int], prefix: String, ctx: LoadContext) -> [LoadIssue] {
        var issues: [LoadIssue] = []
        if archive.prefix > 0 {
            issues.append(ctx.issue("torch-not-a-zip",
                "torch.load does not see a zip here (\(archive.prefix) bytes precede the archive) and reads it as a legacy pickle stream, which fails",
                at: 0))
        }
        for (name, index) in records.sorted(by: { $0.value < $1.value }) {
            let m = archive.members[index]
            guard m.flags & refusedFlags != 0, name == "data.pkl" || name.hasPrefix("data/") || knownRecords.contains(name) else { continue }
            issues.append(ctx.issue("torch-unsupported-record",
                "torch.load refuses record \"\(m.name)\": its central directory flags 0x\(String(m.flags, radix: 16)) mark it encrypted, patched or masked, which miniz does not read",
                at: m.centralEntry, path: m.name))
        }
        return issues
    }

    /// The bytes of each referenced storage record `data/<key>`: in place when stored.
    static func storageBytes(_ keys: Set<String>, records: [String: Int], archive: ZipArchive, bytes: UnsafeRawBufferPointer,
                             prefix: String, ctx: LoadContext, handled: inout Set<Int>, issues: inout [LoadIssue]) -> [String: TorchTensors.StorageBytes] {
        var out: [String: TorchTensors.StorageBytes] = [:]
        for key in keys.sorted() {
            guard let index = records["data/" + key] else { continue }
            handled.insert(index)
            let member = archive.members[index]
            guard member.method == 0, let local = ZipArchive.localHeader(of: member, in: bytes) else {
                issues.append(ctx.issue("torch-compressed-storage",
                    "storage record \"\(member.name)\" is compressed (method \(member.method)) or has no local header; its tensors are listed without a readable payload",
                    at: Int(clamping: member.localHeader), path: member.name))
                out[key] = TorchTensors.StorageBytes(range: 0..<member.uncompressedSize, container: "zip:\(member.name) (compressed)")
                continue
            }
            let start = UInt64(local.dataStart)
            let end = min(start &+ member.compressedSize, UInt64(bytes.count))
            if start &+ member.compressedSize > UInt64(bytes.count) || start &+ member.compressedSize < start {
                issues.append(ctx.issue("zip-bad-entry", "storage record \"\(member.name)\" runs past the end of the file",
                                        at: local.dataStart, path: member.name))
            }
            out[key] = TorchTensors.StorageBytes(range: start..<max(start, end), container: ctx.container)
        }
        return out
    }
}

extension String {
    /// The string without leading and trailing spaces and newlines.
    var trimmingWhitespace: String {
        String(drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }.reversed())
    }
}
