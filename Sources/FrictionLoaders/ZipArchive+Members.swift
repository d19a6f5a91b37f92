import CZlib
import FrictionCore

extension ZipArchive {
    /// What a member's local header says, next to its central directory entry.
    struct LocalHeader {
        var name: String
        var flags: UInt16
        var method: UInt16
        /// Where the member's data starts (after the local name and extra field).
        var dataStart: Int
    }

    /// Reads `member`'s local header, or nil when there is none at its offset.
    static func localHeader(of member: Member, in bytes: UnsafeRawBufferPointer) -> LocalHeader? {
        guard member.localHeader <= UInt64(bytes.count) else { return nil }
        var c = ByteCursor(bytes, position: Int(member.localHeader))
        guard c.u32() == localSignature, c.skip(2), let flags = c.u16(), let method = c.u16(), c.skip(16),
              let nameLength = c.u16(), let extraLength = c.u16(), let name = c.read(UInt64(nameLength)), c.skip(UInt64(extraLength))
        else { return nil }
        return LocalHeader(name: String(decoding: name, as: UTF8.self), flags: flags, method: method, dataStart: c.position)
    }

    /// General-purpose flag bits a plain writer sets: 3 (sizes in a data descriptor), 11 (UTF-8 names).
    static let ordinaryFlags: UInt16 = 1 << 3 | 1 << 11

    /// The archive's departures from a plain zip that PyTorch's reader (miniz) accepts and
    /// Python's zipfile refuses or reads differently: prepended data, unusual flag bits, local
    /// names that differ from the central directory, duplicate names. Each is a load issue, so a
    /// file that relies on a parser differential is reported rather than silently read.
    func anomalies(in bytes: UnsafeRawBufferPointer, file: String, chain: String?, base: UInt64) -> [LoadIssue] {
        func at(_ offset: Int, _ path: String?) -> Location {
            Location(file: file, offset: base + UInt64(offset), path: ZipArchive.join(chain, path))
        }
        var issues: [LoadIssue] = []
        if prefix > 0 {
            issues.append(LoadIssue(code: "zip-prefix", message: "\(prefix) bytes precede the zip archive; offsets are shifted as Python's zipfile shifts them",
                                    location: at(0, nil)))
        }
        var seen: [String: Int] = [:]
        for member in members {
            let offset = Int(clamping: member.localHeader)
            if let first = seen[member.name] {
                issues.append(LoadIssue(code: "zip-duplicate-member",
                                        message: "member \"\(member.name)\" appears again (first entry at byte \(base + UInt64(first))); readers disagree on which one they use",
                                        location: at(member.centralEntry, member.name)))
            } else {
                seen[member.name] = member.centralEntry
            }
            let odd = member.flags & ~Self.ordinaryFlags
            if odd != 0 {
                let encrypted = odd & 1 != 0 ? " (bit 0, \"encrypted\": zipfile refuses the member, and so does PyTorch when the bit is in the central directory)" : ""
                issues.append(LoadIssue(code: "zip-flag-bits",
                                        message: "member \"\(member.name)\" sets general-purpose flag bits 0x\(String(odd, radix: 16))\(encrypted)",
                                        location: at(member.centralEntry, member.name)))
            }
            guard let local = Self.localHeader(of: member, in: bytes) else {
                issues.append(LoadIssue(code: "zip-bad-entry", message: "member \"\(member.name)\" has no valid local file header at byte \(base + UInt64(offset))",
                                        location: at(offset, member.name)))
                continue
            }
            if local.name != member.name {
                issues.append(LoadIssue(code: "zip-local-name",
                                        message: "member \"\(member.name)\" is named \"\(local.name)\" in its local header; PyTorch uses the central directory name, zipfile refuses the member",
                                        location: at(offset, member.name)))
            }
            if local.method != member.method || (local.flags ^ member.flags) & ~Self.ordinaryFlags != 0 {
                issues.append(LoadIssue(code: "zip-local-header-mismatch",
                                        message: "member \"\(member.name)\": local header says method \(local.method), flags 0x\(String(local.flags, radix: 16)); central directory says method \(member.method), flags 0x\(String(member.flags, radix: 16)) (PyTorch reads the central directory; zipfile checks both)",
                                        location: at(offset, member.name)))
            }
        }
        return issues
    }

    /// `outer!inner` member paths for nested archives.
    static func join(_ chain: String?, _ name: String?) -> String? {
        guard let name else { return chain }
        return chain.map { $0 + "!" + name } ?? name
    }

    /// A member's bytes: in place when stored, inflated (up to `limit` bytes) when deflated.
    enum Contents {
        /// Stored: the byte range in the archive.
        case stored(Range<Int>)
        case inflated([UInt8])
        case unreadable(code: String, message: String)
    }

    /// The member's bytes for scanning, never more than `limit` of them in memory. Data starts
    /// where the local header says (as miniz and zipfile read it); sizes come from the central
    /// directory.
    static func contents(of member: Member, in bytes: UnsafeRawBufferPointer, limit: UInt64) -> Contents {
        guard let local = localHeader(of: member, in: bytes) else {
            return .unreadable(code: "zip-bad-entry", message: "no valid local file header")
        }
        var c = ByteCursor(bytes, position: local.dataStart)
        guard let data = c.read(member.compressedSize) else {
            return .unreadable(code: "zip-bad-entry", message: "\(member.compressedSize) compressed bytes run past the end of the archive")
        }
        switch member.method {
        case 0:
            return .stored(local.dataStart..<(local.dataStart + data.count))
        case 8:
            let cap = min(limit, max(member.uncompressedSize, 1 << 20))
            switch Inflater.inflate(data, keep: Int(clamping: cap), limit: cap) {
            case .success(let inflated): return .inflated(inflated.prefix)
            case .failure(.corrupt(let why)): return .unreadable(code: "zip-inflate", message: "does not inflate: \(why)")
            case .failure(.tooLarge(let n)):
                return .unreadable(code: "zip-member-too-large",
                                   message: "inflates past \(n) bytes (declared \(member.uncompressedSize), scan limit \(limit)); not scanned")
            }
        default:
            return .unreadable(code: "zip-unsupported-method", message: "compression method \(member.method) is not read (only stored and deflate)")
        }
    }

    /// CRC-32 of `data` (zlib's).
    static func crc(_ data: UnsafeRawBufferPointer) -> UInt32 {
        var value = crc32(0, nil, 0)
        guard let base = data.baseAddress else { return UInt32(value) }
        var start = 0
        while start < data.count {
            let n = min(data.count - start, Int(UInt32.max))
            value = crc32(value, base.advanced(by: start).assumingMemoryBound(to: UInt8.self), uInt(n))
            start += n
        }
        return UInt32(value)
    }
}
