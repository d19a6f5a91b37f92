import FrictionCore

/// Scans the members of a zip archive for what would run if they were loaded: pickles (found
/// by content, or by a pickle name), object-array `.npy` members (their data is a pickle) and
/// nested archives, recursively. Content decides, not the name: a pickle stored as `README`
/// is scanned like `data.pkl`. Stored members are read in place; deflated ones are inflated
/// into a buffer bounded by the scan limit.
struct ArchiveScanner {
    var findings: PickleFindings
    let ctx: LoadContext
    /// Deepest archive nesting read (the file itself is depth 0).
    /// Largest member inflated for scanning.
    var inflateLimit: UInt64 = 1 << 30
    /// Stored members up to this size get their CRC-32 checked.
    static let crcLimit = 64 << 20

    init(_ ctx: LoadContext) {
        self.ctx = ctx
        findings = PickleFindings(limits: ctx.options.pickle)
        inflateLimit = min(ctx.options.maxDecompressedBytes, 1 << 30)
    }

    /// Names that are pickles whatever their content looks like.
    static func hasPickleName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return [".pkl", ".pickle", ".joblib", ".dill"].contains { lower.hasSuffix($0) }
    }

    /// Scans every member of `archive` except those in `skip`, and reports the archive's
    /// anomalies. Offsets are `base` + positions in `bytes`: `bytes` starts at `base` in the file
    /// when every container on the way is stored, or is the decoded innermost deflated member
    /// (`base` 0; `chain` names it).
    mutating func scan(_ archive: ZipArchive, _ bytes: UnsafeRawBufferPointer, base: UInt64, chain: String?, depth: Int,
                       skip: Set<Int> = []) {
        findings.issues += archive.anomalies(in: bytes, file: ctx.file, chain: chain, base: base)
        for (index, member) in archive.members.enumerated() where !skip.contains(index) {
            scanMember(member, of: bytes, base: base, chain: chain, depth: depth)
        }
    }

    /// Reads one member and scans its content.
    mutating func scanMember(_ member: ZipArchive.Member, of bytes: UnsafeRawBufferPointer, base: UInt64, chain: String?, depth: Int,
                             readByTorchLoad: Bool = false) {
        let path = ZipArchive.join(chain, member.name)
        let at = Location(file: ctx.file, offset: base + member.localHeader, path: path)
        switch ZipArchive.contents(of: member, in: bytes, limit: inflateLimit) {
        case .unreadable(let code, let message):
            findings.issues.append(LoadIssue(code: code, message: "member \"\(member.name)\": \(message)", location: at))
        case .stored(let range):
            let data = UnsafeRawBufferPointer(rebasing: bytes[range])
            if data.count <= Self.crcLimit { checkCRC(member, ZipArchive.crc(data), at) }
            scanContent(data, name: member.name, base: base + UInt64(range.lowerBound), path: path, depth: depth,
                        readByTorchLoad: readByTorchLoad)
        case .inflated(let data):
            checkCRC(member, data.withUnsafeBytes { ZipArchive.crc($0) }, at)
            data.withUnsafeBytes { scanContent($0, name: member.name, base: 0, path: path, depth: depth, readByTorchLoad: readByTorchLoad) }
        }
    }

    mutating func checkCRC(_ member: ZipArchive.Member, _ actual: UInt32, _ at: Location) {
        guard actual != member.crc32 else { return }
        findings.issues.append(LoadIssue(code: "zip-crc",
            message: "member \"\(member.name)\" fails its CRC-32 check (stored 0x\(String(member.crc32, radix: 16)), computed 0x\(String(actual, radix: 16))); PyTorch does not check CRCs, Python's zipfile refuses the member",
            location: at))
    }

    /// Scans one member's bytes; offsets are `base` + positions in `data`.
    mutating func scanContent(_ data: UnsafeRawBufferPointer, name: String, base offsetBase: UInt64, path: String?, depth: Int,
                              readByTorchLoad: Bool) {
        if ZipArchive.matches(data) {
            scanNested(data, base: offsetBase, path: path, depth: depth)
        } else if NpyHeader.matches(data) {
            guard let header = try? NpyHeader.parse(data, base: Int(offsetBase), ctx, allowObject: true), header.objectArray else { return }
            findings.issues.append(LoadIssue(code: "npy-object-array",
                message: "member \"\(name)\" is an object array (\(header.descr)): its data is a pickle that numpy.load(allow_pickle=True) runs",
                location: Location(file: ctx.file, offset: offsetBase + UInt64(header.headerStart), path: path)))
            findings.scan(data, start: header.dataStart, file: ctx.file, base: offsetBase, member: path)
        } else if PickleLoader.matches(data) || Self.hasPickleName(name) || PickleLoader.matchesHeaderless(data) {
            findings.scan(data, file: ctx.file, base: offsetBase, member: path, readByTorchLoad: readByTorchLoad, stacked: true)
        }
    }

    /// A zip inside the archive: read and scanned like the outer one, to ``maxDepth``.
    mutating func scanNested(_ data: UnsafeRawBufferPointer, base: UInt64, path: String?, depth: Int) {
        let at = Location(file: ctx.file, offset: base, path: path)
        guard depth + 1 <= ctx.options.maxArchiveDepth else {
            findings.issues.append(LoadIssue(code: "zip-nesting-limit", message: "archive nested deeper than \(ctx.options.maxArchiveDepth) levels was not scanned (raise with --limit archive-depth=N)", location: at))
            return
        }
        do throws(LoadError) {
            let inner = try ZipArchive.read(data, ctx)
            findings.issues.append(LoadIssue(code: "zip-nested-archive", level: .info,
                                             message: "member is itself a zip archive (\(inner.members.count) members); scanned", location: at))
            scan(inner, data, base: base, chain: path, depth: depth + 1)
        } catch {
            findings.issues.append(LoadIssue(code: "zip-nested-unreadable", message: "member looks like a zip archive but cannot be read: \(error.message)",
                                             location: at))
        }
    }
}
