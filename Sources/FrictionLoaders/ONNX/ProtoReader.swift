import FrictionCore

/// One protobuf field as it sits in the file: number, wire type, where its tag starts, and its
/// value (a number, or the byte range of a length-delimited payload — never a copy).
struct ProtoField {
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes(Range<Int>)
    }

    var number: UInt32
    var wireType: UInt8
    /// Absolute offset of the tag byte.
    var tagOffset: Int
    var value: Value
}

/// Why protobuf bytes could not be read.
struct ProtoError: Error {
    var code: String
    var offset: Int
    var message: String
}

/// A bounds-checked protobuf wire-format reader over one message's byte range. Offsets are
/// absolute (relative to the whole file), so every error names its place.
struct ProtoReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    var atEnd: Bool { position >= end }

    /// Reads a base-128 varint at `position` (at most 10 bytes, no overflow).
    mutating func varint() throws(ProtoError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else {
                throw ProtoError(code: "onnx-truncated", offset: start, message: "varint runs past the end of its message")
            }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 {
                throw ProtoError(code: "onnx-varint", offset: start, message: "varint overflows 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw ProtoError(code: "onnx-varint", offset: start, message: "varint longer than 10 bytes") }
        }
    }

    private mutating func fixed<T: FixedWidthInteger>(_: T.Type, tag: Int) throws(ProtoError) -> T {
        let size = MemoryLayout<T>.size
        guard end - position >= size else {
            throw ProtoError(code: "onnx-truncated", offset: tag, message: "\(size)-byte field runs past the end of its message")
        }
        var value: T = 0
        for i in 0..<size { value |= T(bytes[position + i]) << (8 * i) }
        position += size
        return value
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws(ProtoError) -> ProtoField? {
        guard position < end else { return nil }
        let tagOffset = position
        let key = try varint()
        let wire = UInt8(key & 7)
        let number = key >> 3
        guard number > 0, number <= 0x1FFF_FFFF else {
            throw ProtoError(code: "onnx-wire-type", offset: tagOffset, message: "invalid field number \(number)")
        }
        let value: ProtoField.Value
        switch wire {
        case 0: value = .varint(try varint())
        case 1: value = .fixed64(try fixed(UInt64.self, tag: tagOffset))
        case 5: value = .fixed32(try fixed(UInt32.self, tag: tagOffset))
        case 2:
            let length = try varint()
            guard length <= UInt64(end - position) else {
                throw ProtoError(code: "onnx-truncated", offset: tagOffset,
                                 message: "field \(number) declares \(length) bytes but its message has \(end - position) left")
            }
            value = .bytes(position..<(position + Int(length)))
            position += Int(length)
        default:
            throw ProtoError(code: "onnx-wire-type", offset: tagOffset, message: "field \(number) uses wire type \(wire), which ONNX never writes")
        }
        return ProtoField(number: UInt32(number), wireType: wire, tagOffset: tagOffset, value: value)
    }
}

extension ProtoField {
    func wrongType(_ expected: String, in message: String) -> ProtoError {
        ProtoError(code: "onnx-wire-type", offset: tagOffset, message: "\(message) field \(number) must be \(expected), found wire type \(wireType)")
    }

    /// The payload range of a length-delimited field.
    func payload(_ message: String) throws(ProtoError) -> Range<Int> {
        guard case .bytes(let r) = value else { throw wrongType("length-delimited", in: message) }
        return r
    }

    /// A varint field's value.
    func integer(_ message: String) throws(ProtoError) -> UInt64 {
        guard case .varint(let v) = value else { throw wrongType("a varint", in: message) }
        return v
    }

    /// A UTF-8 string field.
    func string(_ bytes: UnsafeRawBufferPointer, _ message: String) throws(ProtoError) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[try payload(message)]), as: UTF8.self)
    }

    /// Repeated varints, packed (wire type 2) or one per field.
    func varints(_ bytes: UnsafeRawBufferPointer, _ message: String) throws(ProtoError) -> [UInt64] {
        switch value {
        case .varint(let v): return [v]
        case .bytes(let r):
            var reader = ProtoReader(bytes, range: r)
            var out: [UInt64] = []
            while !reader.atEnd { out.append(try reader.varint()) }
            return out
        default: throw wrongType("varints", in: message)
        }
    }

    /// Repeated 32-bit floats, packed or one per field.
    func floats(_ bytes: UnsafeRawBufferPointer, _ message: String) throws(ProtoError) -> [Float] {
        switch value {
        case .fixed32(let v): return [Float(bitPattern: v)]
        case .bytes(let r):
            guard r.count % 4 == 0 else { throw ProtoError(code: "onnx-truncated", offset: tagOffset, message: "packed floats are not a multiple of 4 bytes") }
            var out: [Float] = []
            out.reserveCapacity(r.count / 4)
            var i = r.lowerBound
            while i < r.upperBound {
                var bits: UInt32 = 0
                for k in 0..<4 { bits |= UInt32(bytes[i + k]) << (8 * k) }
                out.append(Float(bitPattern: bits))
                i += 4
            }
            return out
        default: throw wrongType("floats", in: message)
        }
    }
}
