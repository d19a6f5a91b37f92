import FrictionCore

/// A read-only view of a zip archive's central directory (with zip64), bounds-checked.
/// Nothing is extracted to disk and member names are never used as paths.
struct ZipArchive {
    struct Member {
        var name: String
        var method: UInt16
        var flags: UInt16
        var crc32: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        /// Offset of the member's local header in the file (any prefix included).
        var localHeader: UInt64
        /// Offset of the member's central directory entry in the file.
        var centralEntry: Int = 0
    }

    var members: [Member]
    /// Bytes before the archive proper (a stub or junk prepended to the zip); member offsets
    /// already include them, as Python's zipfile computes them.
    var prefix: UInt64 = 0

    static let localSignature: UInt32 = 0x0403_4B50
    private static let centralSignature: UInt32 = 0x0201_4B50
    private static let endSignature: UInt32 = 0x0605_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50

    static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var cursor = ByteCursor(bytes)
        guard let sig = cursor.u32() else { return false }
        return sig == localSignature || sig == endSignature
    }

    static func read(_ bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> ZipArchive {
        func noEOCD(_ why: String) -> LoadError { ctx.error("zip-no-eocd", why, at: nil) }
        guard bytes.count >= 22 else { throw noEOCD("too short for a zip end-of-central-directory record") }
        var eocd = -1
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        var i = bytes.count - 22
        while i >= lowest {
            var c = ByteCursor(bytes, position: i)
            if c.u32() == endSignature { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw noEOCD("no end-of-central-directory record: not a zip archive, or truncated") }
        var c = ByteCursor(bytes, position: eocd + 4)
        guard c.skip(6), let entries16 = c.u16(), let cdSize32 = c.u32(), let cdOffset32 = c.u32() else {
            throw noEOCD("truncated end-of-central-directory record")
        }
        var count = UInt64(entries16)
        var cdSize = UInt64(cdSize32)
        var cdOffset = UInt64(cdOffset32)
        var endRecords = eocd
        // A zip64 locator right before the end record: the zip64 record holds the real values
        // (used when the 32-bit fields are saturated) and marks where the central directory ends.
        if eocd >= 20 {
            var loc = ByteCursor(bytes, position: eocd - 20)
            if loc.u32() == zip64LocatorSignature, loc.skip(4), let end64 = loc.u64() {
                // The record the locator points at, or (with prepended data) the one right before it.
                let candidates = [Int(clamping: end64), eocd - 20 - 56]
                guard let at = candidates.first(where: { p in
                    var e = ByteCursor(bytes, position: p)
                    return p >= 0 && e.position == p && e.u32() == zip64EndSignature
                }) else { throw noEOCD("zip64 end-of-central-directory record is damaged") }
                var e = ByteCursor(bytes, position: at + 4)
                guard e.skip(8 + 4 + 8), let n = e.u64(), let size = e.u64(), let offset = e.u64()
                else { throw noEOCD("zip64 end-of-central-directory record is damaged") }
                if entries16 == 0xFFFF || cdSize32 == 0xFFFF_FFFF || cdOffset32 == 0xFFFF_FFFF { (count, cdSize, cdOffset) = (n, size, offset) }
                endRecords = at
            }
        }
        // Data prepended to the archive shifts every offset: the central directory really ends where
        // the end records begin (zipfile's `concat`).
        let cdEndActual = UInt64(endRecords)
        var prefix: UInt64 = 0
        let (sum, o) = cdOffset.addingReportingOverflow(cdSize)
        if !o, cdEndActual > sum {
            var probe = ByteCursor(bytes, position: Int(clamping: cdOffset))
            let direct = count > 0 && probe.u32() == centralSignature
            if !direct {
                let shifted = cdEndActual - sum
                var moved = ByteCursor(bytes, position: Int(clamping: cdOffset &+ shifted))
                if count == 0 || moved.u32() == centralSignature { prefix = shifted }
            }
        }
        cdOffset += prefix
        let (cdEnd, overflow) = cdOffset.addingReportingOverflow(cdSize)
        guard !overflow, cdEnd <= UInt64(bytes.count) else {
            throw noEOCD("central directory [\(cdOffset), +\(cdSize)) lies outside the \(bytes.count)-byte file")
        }
        guard count <= cdSize / 46 else { throw noEOCD("\(count) entries cannot fit in a \(cdSize)-byte central directory") }
        var members: [Member] = []
        var cd = ByteCursor(UnsafeRawBufferPointer(rebasing: bytes[Int(cdOffset)..<Int(cdEnd)]))
        for _ in 0..<count {
            let at = Int(cdOffset) + cd.position
            guard cd.u32() == centralSignature, cd.skip(4), let flags = cd.u16(), let method = cd.u16(), cd.skip(4),
                  let crc = cd.u32(), let csize = cd.u32(), let usize = cd.u32(), let nameLength = cd.u16(),
                  let extraLength = cd.u16(), let commentLength = cd.u16(), cd.skip(8), let local = cd.u32(),
                  let nameBytes = cd.read(UInt64(nameLength)), let extra = cd.read(UInt64(extraLength)),
                  cd.skip(UInt64(commentLength))
            else { throw ctx.error("zip-bad-entry", "damaged central directory entry", at: at) }
            var member = Member(name: String(decoding: nameBytes, as: UTF8.self), method: method, flags: flags, crc32: crc,
                                compressedSize: UInt64(csize), uncompressedSize: UInt64(usize), localHeader: UInt64(local),
                                centralEntry: at)
            applyZip64(extra, to: &member, usize: usize, csize: csize, local: local)
            member.localHeader &+= prefix
            members.append(member)
        }
        return ZipArchive(members: members, prefix: prefix)
    }

    private static func applyZip64(_ extra: UnsafeRawBufferPointer, to member: inout Member, usize: UInt32, csize: UInt32, local: UInt32) {
        var e = ByteCursor(extra)
        while let id = e.u16(), let size = e.u16(), let body = e.read(UInt64(size)) {
            guard id == 0x0001 else { continue }
            var b = ByteCursor(body)
            if usize == 0xFFFF_FFFF, let v = b.u64() { member.uncompressedSize = v }
            if csize == 0xFFFF_FFFF, let v = b.u64() { member.compressedSize = v }
            if local == 0xFFFF_FFFF, let v = b.u64() { member.localHeader = v }
        }
    }

    /// The byte range of `member`'s stored data, after checking its local header.
    static func dataRange(of member: Member, in bytes: UnsafeRawBufferPointer, _ ctx: LoadContext) throws(LoadError) -> Range<Int> {
        let at = Int(clamping: member.localHeader)
        var c = ByteCursor(bytes, position: at)
        guard member.localHeader <= UInt64(bytes.count), c.position == at, c.u32() == localSignature, c.skip(22),
              let nameLength = c.u16(), let extraLength = c.u16(), c.skip(UInt64(nameLength) + UInt64(extraLength))
        else { throw ctx.error("zip-bad-entry", "\(member.name): no valid local file header here", at: at, path: member.name) }
        guard c.has(member.compressedSize) else {
            throw ctx.error("zip-bad-entry", "\(member.name): \(member.compressedSize) compressed bytes run past the end of the archive",
                            at: at, path: member.name)
        }
        return c.position..<(c.position + Int(member.compressedSize))
    }
}
