import CZlib
import FrictionCore

/// Writes NumPy `.npy` (format 1.0) and uncompressed `.npz` archives, as numpy.save /
/// numpy.savez do: a dict-literal header padded with spaces to a multiple of 64 bytes.
public enum NpyWriter {
    /// The `.npy` bytes of an array with NumPy dtype string `descr` (e.g. `<f4`), C order.
    public static func npy(descr: String, shape: [UInt64], payload: UnsafeRawBufferPointer) -> [UInt8] {
        let dims = shape.map(String.init)
        let tuple = dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(tuple), }"
        let preamble = 10
        while (preamble + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(header.utf8.count)
        out += [UInt8(length & 0xFF), UInt8(length >> 8)]
        out += Array(header.utf8)
        out += payload
        return out
    }

    /// A stored (uncompressed) zip of `name.npy` members, like numpy.savez.
    public static func npz(_ members: [(name: String, npy: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func le16(_ v: Int, _ into: inout [UInt8]) { into += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: UInt32, _ into: inout [UInt8]) { into += (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        for member in members {
            let name = Array((member.name.hasSuffix(".npy") ? member.name : member.name + ".npy").utf8)
            let crc = member.npy.withUnsafeBytes { raw in
                UInt32(crc32(0, raw.bindMemory(to: Bytef.self).baseAddress, uInt(raw.count)))
            }
            let offset = UInt32(truncatingIfNeeded: out.count)
            var local: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
            le16(20, &local); le16(0, &local); le16(0, &local); le16(0, &local); le16(0x21, &local)
            le32(crc, &local); le32(UInt32(truncatingIfNeeded: member.npy.count), &local); le32(UInt32(truncatingIfNeeded: member.npy.count), &local)
            le16(name.count, &local); le16(0, &local)
            out += local + name + member.npy
            var entry: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
            le16(20, &entry); le16(20, &entry); le16(0, &entry); le16(0, &entry); le16(0, &entry); le16(0x21, &entry)
            le32(crc, &entry); le32(UInt32(truncatingIfNeeded: member.npy.count), &entry); le32(UInt32(truncatingIfNeeded: member.npy.count), &entry)
            le16(name.count, &entry); le16(0, &entry); le16(0, &entry); le16(0, &entry); le16(0, &entry); le32(0, &entry); le32(offset, &entry)
            central += entry + name
        }
        let cdOffset = UInt32(truncatingIfNeeded: out.count)
        out += central
        var end: [UInt8] = [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0]
        le16(members.count, &end); le16(members.count, &end)
        le32(UInt32(truncatingIfNeeded: central.count), &end); le32(cdOffset, &end); le16(0, &end)
        return out + end
    }

    /// The NumPy dtype string for a stored type, when NumPy has one.
    public static func descr(_ type: DType) -> String? {
        switch type {
        case .bool: "|b1"
        case .int8: "|i1"
        case .uint8: "|u1"
        case .int16: "<i2"
        case .uint16: "<u2"
        case .int32: "<i4"
        case .uint32: "<u4"
        case .int64: "<i8"
        case .uint64: "<u8"
        case .float16: "<f2"
        case .float32: "<f4"
        case .float64: "<f8"
        case .complex64: "<c8"
        case .complex128: "<c16"
        default: nil
        }
    }
}
