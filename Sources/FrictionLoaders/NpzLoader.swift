import FrictionCore

/// Reads `.npz` archives (numpy.savez / savez_compressed): each `*.npy` member is one tensor.
/// Stored members are listed in place; deflated members are streamed through zlib once to
/// read their header and verify their length and CRC, without keeping the payload.
enum NpzLoader {
    static func load(_ bytes: UnsafeRawBufferPointer, _ archive: ZipArchive, _ ctx: LoadContext) throws(LoadError) -> Model {
        var tensors: [TensorInfo] = []
        var issues: [LoadIssue] = []
        var seen = Set<String>()
        // Members that are not plain arrays (other files, object arrays) are scanned for pickles.
        var scanner = ArchiveScanner(ctx)
        var arrays = Set<Int>()
        for (index, member) in archive.members.enumerated() {
            let at = Int(clamping: member.localHeader)
            guard member.name.hasSuffix(".npy") else {
                issues.append(ctx.issue("npz-non-npy-member", "member \"\(member.name)\" is not a .npy array and was not read as one",
                                        at: at, path: member.name))
                continue
            }
            if member.method == 0, isObjectArray(member, bytes, ctx) { continue }
            guard seen.insert(member.name).inserted else {
                throw ctx.error("zip-bad-entry", "member \"\(member.name)\" appears twice", at: at, path: member.name)
            }
            guard member.flags & 1 == 0 else {
                throw ctx.error("zip-encrypted", "member \"\(member.name)\" is encrypted and cannot be inspected", at: at, path: member.name)
            }
            let range = try ZipArchive.dataRange(of: member, in: bytes, ctx)
            let data = UnsafeRawBufferPointer(rebasing: bytes[range])
            let name = String(member.name.dropLast(4))
            let header: NpyHeader
            let storage: TensorStorage
            switch member.method {
            case 0:
                guard member.compressedSize == member.uncompressedSize else {
                    throw ctx.error("npz-member-size", "stored member \"\(member.name)\" has different compressed and uncompressed sizes",
                                    at: at, path: member.name)
                }
                header = try NpyHeader.parse(data, base: range.lowerBound, ctx)
                let begin = UInt64(range.lowerBound + header.dataStart)
                storage = TensorStorage(file: ctx.file, range: begin..<(begin + header.dataBytes), container: ctx.container)
            case 8:
                let keep = 12 + Int(ctx.options.maxNpyHeader)
                switch Inflater.inflate(data, keep: keep, limit: member.uncompressedSize) {
                case .failure(.corrupt(let why)):
                    throw ctx.error("zip-inflate", "member \"\(member.name)\" does not inflate: \(why)", at: at, path: member.name)
                case .failure(.tooLarge(let n)):
                    throw ctx.error("npz-member-size", "member \"\(member.name)\" inflates to more than the \(member.uncompressedSize) bytes its entry declares (\(n) so far)",
                                    at: at, path: member.name)
                case .success(let inflated):
                    guard inflated.totalOut == member.uncompressedSize else {
                        throw ctx.error("npz-member-size", "member \"\(member.name)\" inflates to \(inflated.totalOut) bytes, its entry declares \(member.uncompressedSize)",
                                        at: at, path: member.name)
                    }
                    guard inflated.crc32 == member.crc32 else {
                        throw ctx.error("zip-crc", "member \"\(member.name)\" fails its CRC-32 check", at: at, path: member.name)
                    }
                    do throws(LoadError) {
                        header = try inflated.prefix.withUnsafeBytes { prefix in
                            Result { () throws(LoadError) in try NpyHeader.parse(prefix, base: 0, ctx, allowObject: true) }
                        }.get()
                    } catch {
                        var located = error
                        located.location.offset = UInt64(at)
                        located.location.path = member.name
                        located.message = "in deflated member \"\(member.name)\": " + error.message
                        throw located
                    }
                    if header.objectArray { continue }
                    let begin = UInt64(header.dataStart)
                    let note = (ctx.container.map { $0 + "+" } ?? "") + "zip:\(member.name) (deflated)"
                    storage = TensorStorage(file: ctx.file, range: begin..<(begin + header.dataBytes), container: note)
                }
            default:
                throw ctx.error("zip-unsupported-method", "member \"\(member.name)\" uses compression method \(member.method); only stored (0) and deflate (8) are read",
                                at: at, path: member.name)
            }
            guard UInt64(header.dataStart) + header.dataBytes == member.uncompressedSize else {
                throw ctx.error("npz-member-size",
                    "member \"\(member.name)\" is \(member.uncompressedSize) bytes but its header and shape \(header.shape) of \(header.descr) need \(UInt64(header.dataStart) + header.dataBytes)",
                    at: at, path: member.name)
            }
            arrays.insert(index)
            tensors.append(TensorInfo(name: name, type: .dtype(header.type), storedType: header.descr, shape: Shape(fixed: header.shape),
                                      storage: storage, byteOrder: header.byteOrder, fortranOrder: header.fortranOrder))
        }
        scanner.scan(archive, bytes, base: 0, chain: nil, depth: 0, skip: arrays)
        var model = Model(path: ctx.file, format: .npz, sources: [ctx.source(.npz, decodedSize: bytes.count)], tensors: tensors, issues: issues)
        scanner.findings.absorb(into: &model)
        return model
    }

    /// Whether a stored member is an object array (`|O`): its data is a pickle, scanned as one.
    static func isObjectArray(_ member: ZipArchive.Member, _ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) -> Bool {
        guard case .stored(let r) = ZipArchive.contents(of: member, in: bytes, limit: 0) else { return false }
        return (try? NpyHeader.parse(UnsafeRawBufferPointer(rebasing: bytes[r]), base: 0, ctx, allowObject: true))?.objectArray ?? false
    }
}
