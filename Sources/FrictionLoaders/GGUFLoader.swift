import FrictionCore

/// Reads GGUF v2 and v3 files, little- or big-endian, with the checks of ggml's `gguf.cpp`:
/// every count and length bounded by the bytes that remain, alignment a power of two, tensor
/// data aligned, inside the file and non-overlapping. Unknown tensor types become issues.
enum GGUFLoader {
    static let magic: [UInt8] = Array("GGUF".utf8)

    static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && bytes[0] == magic[0] && bytes[1] == magic[1] && bytes[2] == magic[2] && bytes[3] == magic[3]
    }

    /// Smallest encoded KV pair (empty key length + type + 1-byte value) and tensor info.
    private static let minKVBytes: UInt64 = 8 + 4 + 1
    private static let minTensorInfoBytes: UInt64 = 8 + 4 + 4 + 8
    private static let maxStringBytes: UInt64 = 1 << 30
    private static let maxNameBytes = 64
    private static let maxDims: UInt32 = 4

    private struct Reader {
        var cursor: ByteCursor
        let ctx: LoadContext
        let maxDepth: Int

        mutating func fixed<T>(_ what: String, _ read: (inout ByteCursor) -> T?) throws(LoadError) -> T {
            let at = cursor.position
            guard let value = read(&cursor) else {
                throw ctx.error("gguf-truncated", "file ends inside \(what) (\(cursor.remaining) bytes left)", at: at)
            }
            return value
        }

        mutating func string(_ what: String) throws(LoadError) -> String {
            let at = cursor.position
            let length = try fixed("the length of \(what)") { $0.u64() }
            guard length <= GGUFLoader.maxStringBytes, cursor.has(length), let raw = cursor.read(length) else {
                throw ctx.error("gguf-string-length", "\(what) claims \(length) bytes but \(cursor.remaining) remain", at: at)
            }
            return String(decoding: raw, as: UTF8.self)
        }

        mutating func valueType(_ what: String) throws(LoadError) -> MetadataType {
            let at = cursor.position
            let raw = try fixed("the type of \(what)") { $0.u32() }
            guard let type = MetadataType(rawValue: raw) else {
                throw ctx.error("gguf-value-type", "\(what) has value type \(raw); expected 0…12", at: at)
            }
            return type
        }

        mutating func value(_ type: MetadataType, key: String, depth: Int) throws(LoadError) -> MetadataValue {
            switch type {
            case .uint8: return .uint8(try fixed(key) { $0.u8() })
            case .int8: return .int8(try fixed(key) { $0.i8() })
            case .uint16: return .uint16(try fixed(key) { $0.u16() })
            case .int16: return .int16(try fixed(key) { $0.i16() })
            case .uint32: return .uint32(try fixed(key) { $0.u32() })
            case .int32: return .int32(try fixed(key) { $0.i32() })
            case .uint64: return .uint64(try fixed(key) { $0.u64() })
            case .int64: return .int64(try fixed(key) { $0.i64() })
            case .float32: return .float32(try fixed(key) { $0.f32() })
            case .float64: return .float64(try fixed(key) { $0.f64() })
            case .bool:
                let at = cursor.position
                let raw = try fixed(key) { $0.u8() }
                guard raw <= 1 else { throw ctx.error("gguf-value-type", "\(key): BOOL must be 0 or 1, found \(raw)", at: at) }
                return .bool(raw == 1)
            case .string: return .string(try string("the value of \(key)"))
            case .array:
                let typeAt = cursor.position
                guard depth < maxDepth else {
                    throw ctx.error("gguf-nesting", "\(key): arrays nest deeper than \(maxDepth) levels (raise with --limit gguf-array-depth=N)", at: typeAt)
                }
                let elementType = try valueType("an element of \(key)")
                let countAt = cursor.position
                let count = try fixed("the count of \(key)") { $0.u64() }
                let minElement = UInt64(elementType.scalarSize ?? (elementType == .string ? 8 : 12))
                let (need, overflow) = count.multipliedReportingOverflow(by: minElement)
                guard !overflow, cursor.has(need) else {
                    throw ctx.error("gguf-array-length",
                        "\(key): \(count) elements of \(elementType.name) need at least \(overflow ? "more than 2^64" : String(need)) bytes but \(cursor.remaining) remain",
                        at: countAt)
                }
                var items: [MetadataValue] = []
                items.reserveCapacity(Int(count))
                for _ in 0..<count {
                    items.append(try value(elementType, key: key, depth: depth + 1))
                }
                return .array(elementType, items)
            }
        }
    }

    static func load(_ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> Model {
        guard matches(bytes) else { throw ctx.error("gguf-bad-magic", "expected the magic \"GGUF\"", at: 0) }
        var reader = Reader(cursor: ByteCursor(bytes, position: 4), ctx: ctx, maxDepth: ctx.options.maxGGUFArrayDepth)
        let rawVersion = try reader.fixed("the version") { $0.u32() }
        var version = rawVersion
        if rawVersion & 0xFFFF == 0, rawVersion != 0 {
            reader.cursor.bigEndian = true
            version = rawVersion.byteSwapped
        }
        guard version == 2 || version == 3 else {
            let why = switch version {
            case 1: "GGUF version 1 is no longer supported (only 2 and 3)"
            case 0: "GGUF version 0 is invalid (expected 2 or 3)"
            default: "unsupported GGUF version \(version) (expected 2 or 3)"
            }
            throw ctx.error("gguf-version", why, at: 4)
        }
        let endian = reader.cursor.bigEndian ? ByteOrder.big : .little
        let tensorCount = try reader.fixed("the tensor count") { $0.u64() }
        let kvCount = try reader.fixed("the metadata count") { $0.u64() }
        let minKV = kvCount.multipliedReportingOverflow(by: minKVBytes)
        let minTI = tensorCount.multipliedReportingOverflow(by: minTensorInfoBytes)
        guard !minTI.overflow, reader.cursor.has(minTI.partialValue) else {
            throw ctx.error("gguf-count", "tensor count \(tensorCount) cannot fit in the \(reader.cursor.remaining) bytes left", at: 8)
        }
        guard !minKV.overflow, reader.cursor.has(minKV.partialValue) else {
            throw ctx.error("gguf-count", "metadata count \(kvCount) cannot fit in the \(reader.cursor.remaining) bytes left", at: 16)
        }

        var metadata: [MetadataEntry] = []
        var keys = Set<String>()
        var alignment: UInt64 = 32
        for _ in 0..<kvCount {
            let keyAt = reader.cursor.position
            let key = try reader.string("a metadata key")
            guard !key.isEmpty else { throw ctx.error("gguf-empty-key", "metadata key is empty", at: keyAt) }
            guard keys.insert(key).inserted else {
                throw ctx.error("gguf-duplicate-key", "metadata key \"\(key)\" appears twice", at: keyAt, path: key)
            }
            let typeAt = reader.cursor.position
            let type = try reader.valueType(key)
            let valueAt = reader.cursor.position
            let value = try reader.value(type, key: key, depth: 0)
            if key == "general.alignment" {
                guard case .uint32(let a) = value else {
                    throw ctx.error("gguf-alignment", "general.alignment must be UINT32, found \(type.name)", at: typeAt, path: key)
                }
                guard a != 0, a & (a - 1) == 0 else {
                    throw ctx.error("gguf-alignment", "general.alignment \(a) is not a non-zero power of two", at: valueAt, path: key)
                }
                alignment = UInt64(a)
            }
            metadata.append(MetadataEntry(key: key, value: value, location: Location(file: ctx.where_, offset: UInt64(keyAt))))
        }

        struct Info { var name: String; var record: Int; var type: ElementType; var stored: String; var dims: [UInt64]; var offset: UInt64; var size: UInt64? }
        var infos: [Info] = []
        var names = Set<String>()
        var issues: [LoadIssue] = []
        for _ in 0..<tensorCount {
            let record = reader.cursor.position
            let name = try reader.string("a tensor name")
            guard name.utf8.count < maxNameBytes else {
                throw ctx.error("gguf-tensor-name", "tensor name is \(name.utf8.count) bytes; ggml allows at most \(maxNameBytes - 1)", at: record, path: name)
            }
            guard names.insert(name).inserted else {
                throw ctx.error("gguf-duplicate-tensor", "tensor \"\(name)\" appears twice", at: record, path: name)
            }
            let nDims = try reader.fixed("n_dims of \(name)") { $0.u32() }
            guard nDims <= maxDims else {
                throw ctx.error("gguf-dims", "tensor has \(nDims) dimensions; at most \(maxDims) are allowed", at: record, path: name)
            }
            var dims: [UInt64] = []
            for _ in 0..<nDims {
                let d = try reader.fixed("a dimension of \(name)") { $0.u64() }
                guard d <= UInt64(Int64.max) else {
                    throw ctx.error("gguf-dims", "dimension \(d) is negative as int64", at: record, path: name)
                }
                dims.append(d)
            }
            let typeID = try reader.fixed("the type of \(name)") { $0.u32() }
            let offset = try reader.fixed("the offset of \(name)") { $0.u64() }
            guard let elements = Shape.checkedProduct(dims), elements <= UInt64(Int64.max) else {
                throw ctx.error("gguf-overflow", "dimensions \(dims) overflow int64", at: record, path: name)
            }
            guard let type = GGMLType.withID(typeID) else {
                let known = GGMLType.removed[typeID].map { " (\($0), removed from ggml)" } ?? ""
                issues.append(ctx.issue("gguf-unknown-type",
                    "tensor type id \(typeID)\(known) is unknown; its size cannot be checked", at: record, path: name))
                infos.append(Info(name: name, record: record, type: .unknown("ggml \(typeID)"), stored: "type \(typeID)",
                                  dims: dims, offset: offset, size: nil))
                continue
            }
            if let first = dims.first, first % UInt64(type.blockSize) != 0 {
                throw ctx.error("gguf-block-size", "row length \(first) is not a multiple of \(type.name)'s block size \(type.blockSize)", at: record, path: name)
            }
            guard let size = ElementType.ggml(type).byteCount(elements: elements) else {
                throw ctx.error("gguf-overflow", "\(elements) elements of \(type.name) overflow the byte size", at: record, path: name)
            }
            infos.append(Info(name: name, record: record, type: .ggml(type), stored: type.name, dims: dims, offset: offset, size: size))
        }

        let infoEnd = UInt64(reader.cursor.position)
        let dataStart = (infoEnd + alignment - 1) / alignment * alignment
        let fileSize = UInt64(bytes.count)
        for info in infos where info.offset % alignment != 0 {
            throw ctx.error("gguf-tensor-offset", "data offset \(info.offset) is not a multiple of the alignment \(alignment)", at: info.record, path: info.name)
        }
        for info in infos {
            let (start, o1) = dataStart.addingReportingOverflow(info.offset)
            let (end, o2) = start.addingReportingOverflow(info.size ?? 0)
            guard !o1, !o2, end <= fileSize else {
                throw ctx.error("gguf-data-past-eof",
                    "data [\(info.offset), +\(info.size ?? 0)) after the data section at \(dataStart) runs past the end of the file (\(fileSize) bytes)",
                    at: info.record, path: info.name)
            }
        }
        let ordered = infos.sorted { $0.offset < $1.offset }
        var previousEnd: UInt64 = 0
        var previousName = ""
        for info in ordered {
            if info.offset < previousEnd {
                throw ctx.error("gguf-tensor-offset", "data offset \(info.offset) overlaps \(previousName), which ends at \(previousEnd)", at: info.record, path: info.name)
            }
            if let size = info.size { previousEnd = info.offset + size; previousName = info.name }
        }
        let tensors = infos.map { info in
            let begin = dataStart + info.offset
            let bytesPerElement = info.type.byteCount(elements: 1) ?? 0
            return TensorInfo(name: info.name, type: info.type, storedType: info.stored, shape: Shape(fixed: info.dims),
                              storage: TensorStorage(file: ctx.file, range: begin..<(begin + (info.size ?? 0)), container: ctx.container),
                              byteOrder: bytesPerElement == 1 ? .notApplicable : endian)
        }
        let properties = [
            "gguf.version": String(version), "gguf.alignment": String(alignment),
            "gguf.endian": endian.rawValue, "gguf.data_offset": String(dataStart),
        ]
        return Model(path: ctx.file, format: .gguf, sources: [ctx.source(.gguf, decodedSize: bytes.count)],
                     tensors: tensors, metadata: metadata, issues: issues, properties: properties)
    }
}
