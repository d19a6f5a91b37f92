import FrictionCore

/// Reads safetensors files with every check of the reference (`safetensors/src/tensor.rs`) and
/// stricter ones: duplicate keys, NUL in names, non-string metadata.
enum SafetensorsLoader {
    /// Content sniff: a plausible little-endian header length followed by `{`.
    static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 9 else { return false }
        var cursor = ByteCursor(bytes)
        guard let n = cursor.u64(), n >= 2, n <= UInt64(bytes.count - 8) else { return false }
        return bytes[8] == UInt8(ascii: "{")
    }

    private struct Entry {
        var name: String
        var keyOffset: Int
        var entryOffset: Int
        var type: DType
        var storedType: String
        var shape: [UInt64]
        var shapeOffset: Int
        var begin: UInt64
        var end: UInt64
        var offsetsOffset: Int
    }

    static func load(_ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> Model {
        guard bytes.count >= 8 else {
            throw ctx.error("st-header-too-small", "expected an 8-byte header length, the file has \(bytes.count) bytes", at: 0)
        }
        var cursor = ByteCursor(bytes)
        let n = cursor.u64() ?? 0
        guard n <= ctx.options.maxSafetensorsHeader else {
            throw ctx.error("st-header-too-large", "header length \(n) exceeds the limit of \(ctx.options.maxSafetensorsHeader) bytes (raise with --limit safetensors-header=N)", at: 0)
        }
        let headerEnd = 8 + Int(n)
        guard headerEnd <= bytes.count else {
            throw ctx.error("st-header-length", "header length \(n) runs past the end of the file (\(bytes.count) bytes)", at: 0)
        }
        let header = UnsafeRawBufferPointer(rebasing: bytes[8..<headerEnd])
        if let bad = UTF8Check.firstInvalidOffset(header) {
            throw ctx.error("st-header-utf8", "header is not valid UTF-8", at: 8 + bad)
        }
        guard header.first == UInt8(ascii: "{") else {
            throw ctx.error("st-header-json", "header must be a JSON object starting with '{'", at: 8)
        }
        let root: JSONNode
        do throws(JSONParseError) {
            root = try JSONParser.parse(header)
        } catch {
            switch error.reason {
            case .duplicateKey(let key):
                throw ctx.error("st-duplicate-key", "key \"\(key)\" appears twice in the header", at: 8 + error.offset)
            case .syntax(let why):
                throw ctx.error("st-header-json", "header is not valid JSON: \(why)", at: 8 + error.offset)
            case .tooDeep:
                throw ctx.error("st-header-json", "header JSON nests too deeply", at: 8 + error.offset)
            }
        }
        guard let members = root.members else {
            throw ctx.error("st-header-json", "header must be a JSON object", at: 8)
        }

        var issues: [LoadIssue] = []
        var metadata: [MetadataEntry] = []
        var entries: [Entry] = []
        for member in members {
            if member.key == "__metadata__" {
                metadata = try parseMetadata(member.value, ctx)
                continue
            }
            entries.append(try parseEntry(member, ctx))
            if member.key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                issues.append(ctx.issue("st-suspicious-name",
                    "tensor name contains a NUL or control character; tools that treat names as C strings see another name",
                    at: 8 + member.keyOffset, path: member.key))
            }
        }
        for entry in entries {
            try checkSize(entry, ctx)
        }
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expected: UInt64 = 0
        for entry in entries {
            if entry.begin != expected {
                let what = entry.begin > expected
                    ? (expected == 0 ? "the first tensor must start at 0" : "gap of \(entry.begin - expected) bytes before it")
                    : "overlaps the previous tensor, which ends at \(expected)"
                throw ctx.error("st-invalid-offsets", "data_offsets [\(entry.begin), \(entry.end)]: \(what)",
                                at: 8 + entry.offsetsOffset, path: entry.name)
            }
            expected = entry.end
        }
        let dataLength = UInt64(bytes.count - headerEnd)
        if expected > dataLength {
            throw ctx.error("st-data-truncated",
                "tensor data needs \(expected) bytes after the header but the file holds \(dataLength)", at: bytes.count)
        }
        if expected < dataLength {
            throw ctx.error("st-trailing-bytes",
                "\(dataLength - expected) bytes follow the last tensor; the data buffer must be fully indexed",
                at: headerEnd + Int(expected))
        }
        if headerEnd % 8 != 0 {
            issues.append(ctx.issue("st-unaligned-header",
                "header ends at byte \(headerEnd), not a multiple of 8: tensor data is unaligned and mmap users must copy",
                at: 0, level: .info))
        }
        let base = UInt64(headerEnd)
        let tensors = entries.map { entry in
            TensorInfo(name: entry.name, type: .dtype(entry.type), storedType: entry.storedType,
                       shape: Shape(fixed: entry.shape),
                       storage: TensorStorage(file: ctx.file, range: (base + entry.begin)..<(base + entry.end), container: ctx.container),
                       byteOrder: entry.type.bits.map { $0 > 8 } == true ? .little : .notApplicable)
        }
        return Model(path: ctx.file, format: .safetensors, sources: [ctx.source(.safetensors, decodedSize: bytes.count)],
                     tensors: tensors, metadata: metadata, issues: issues,
                     properties: ["safetensors.header_bytes": String(n)])
    }

    private static func parseMetadata(_ node: JSONNode, _ ctx: LoadContext) throws(LoadError) -> [MetadataEntry] {
        guard let members = node.members else {
            throw ctx.error("st-metadata-not-string", "__metadata__ must be an object of strings", at: 8 + node.offset)
        }
        var out: [MetadataEntry] = []
        for member in members {
            guard let text = member.value.string else {
                throw ctx.error("st-metadata-not-string", "__metadata__ value for \"\(member.key)\" must be a string",
                                at: 8 + member.value.offset, path: "__metadata__.\(member.key)")
            }
            out.append(MetadataEntry(key: member.key, value: .string(text),
                                     location: Location(file: ctx.where_, offset: UInt64(8 + member.keyOffset))))
        }
        return out
    }

    private static func parseEntry(_ member: JSONNode.Member, _ ctx: LoadContext) throws(LoadError) -> Entry {
        let node = member.value
        let name = member.key
        func bad(_ why: String) -> LoadError { ctx.error("st-bad-entry", why, at: 8 + node.offset, path: name) }
        guard node.members != nil else { throw bad("tensor entry must be an object with dtype, shape and data_offsets") }
        guard let dtypeNode = node["dtype"] else { throw bad("tensor entry has no dtype") }
        guard let dtypeName = dtypeNode.string else { throw bad("dtype must be a string") }
        guard let shapeNode = node["shape"], let dimNodes = shapeNode.items else { throw bad("tensor entry has no shape array") }
        var shape: [UInt64] = []
        for dim in dimNodes {
            guard let value = dim.uint64 else { throw bad("shape dimensions must be non-negative integers") }
            shape.append(value)
        }
        guard let offsetsNode = node["data_offsets"], let pair = offsetsNode.items else {
            throw bad("tensor entry has no data_offsets array")
        }
        guard pair.count == 2, let begin = pair[0].uint64, let end = pair[1].uint64 else {
            throw bad("data_offsets must be two non-negative integers")
        }
        guard let type = DType.fromSafetensors(dtypeName) else {
            throw ctx.error("st-unknown-dtype", "unknown dtype \"\(dtypeName)\"", at: 8 + dtypeNode.offset, path: name)
        }
        if begin > end {
            throw ctx.error("st-invalid-offsets", "data_offsets begin \(begin) is after end \(end)", at: 8 + offsetsNode.offset, path: name)
        }
        return Entry(name: name, keyOffset: member.keyOffset, entryOffset: node.offset, type: type, storedType: dtypeName,
                     shape: shape, shapeOffset: shapeNode.offset, begin: begin, end: end, offsetsOffset: offsetsNode.offset)
    }

    private static func checkSize(_ entry: Entry, _ ctx: LoadContext) throws(LoadError) {
        let bits = UInt64(entry.type.bits ?? 0)
        guard let count = Shape.checkedProduct(entry.shape),
              case let (totalBits, overflow) = count.multipliedReportingOverflow(by: bits), !overflow
        else {
            throw ctx.error("st-overflow", "shape \(entry.shape) × \(bits) bits overflows 64 bits", at: 8 + entry.shapeOffset, path: entry.name)
        }
        guard totalBits % 8 == 0 else {
            throw ctx.error("st-misaligned-slice", "\(count) elements of \(entry.storedType) are \(totalBits) bits, not whole bytes",
                            at: 8 + entry.offsetsOffset, path: entry.name)
        }
        let length = entry.end - entry.begin
        guard totalBits / 8 == length else {
            throw ctx.error("st-size-mismatch",
                "shape \(entry.shape) of \(entry.storedType) needs \(totalBits / 8) bytes but data_offsets span \(length)",
                at: 8 + entry.offsetsOffset, path: entry.name)
        }
    }
}
