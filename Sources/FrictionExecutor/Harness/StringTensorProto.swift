import Foundation

/// The string elements of a serialized TensorProto (`string_data`, field 6, one bytes field per
/// element), read with a minimal bounds-checked wire-format walk.
enum StringTensorProto {
    static func strings(_ bytes: [UInt8]) -> [String]? {
        var i = 0
        var out: [String] = []
        func varint() -> UInt64? {
            var v: UInt64 = 0, shift: UInt64 = 0
            while i < bytes.count {
                let b = bytes[i]; i += 1
                if shift < 64 { v |= UInt64(b & 0x7F) << shift }
                if b & 0x80 == 0 { return v }
                shift += 7
            }
            return nil
        }
        while i < bytes.count {
            guard let tag = varint() else { return nil }
            switch tag & 7 {
            case 0: guard varint() != nil else { return nil }
            case 1: i += 8
            case 5: i += 4
            case 2:
                guard let n = varint(), n <= UInt64(bytes.count - min(i, bytes.count)) else { return nil }
                if tag >> 3 == 6 { out.append(String(decoding: bytes[i..<(i + Int(n))], as: UTF8.self)) }
                i += Int(n)
            default: return nil
            }
        }
        return i == bytes.count ? out : nil
    }
}
