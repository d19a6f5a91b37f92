/// A minimal protobuf writer for tests that synthesize ONNX models (e.g. with multi-GiB
/// external data that no fixture could hold).
public struct ProtoWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Field `number` as a varint.
    public mutating func int(_ number: UInt32, _ value: Int64) {
        varint(UInt64(number) << 3)
        varint(UInt64(bitPattern: value))
    }

    /// Field `number` as length-delimited bytes.
    public mutating func bytes(_ number: UInt32, _ payload: [UInt8]) {
        varint(UInt64(number) << 3 | 2)
        varint(UInt64(payload.count))
        bytes += payload
    }

    public mutating func string(_ number: UInt32, _ text: String) { bytes(number, Array(text.utf8)) }

    /// Field `number` holding a nested message built by `build`.
    public mutating func message(_ number: UInt32, _ build: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        build(&inner)
        bytes(number, inner.bytes)
    }
}

extension ProtoWriter {
    /// An ONNX model `y = Relu(x) + w` whose float32 initializer `w` of `elements` elements is
    /// stored externally in `location`.
    public static func externalDataModel(elements: Int64, location: String) -> [UInt8] {
        var m = ProtoWriter()
        m.int(1, 8)
        m.string(2, "friction-tests")
        m.message(7) { g in
            g.message(1) { n in n.string(1, "x"); n.string(2, "r"); n.string(3, "relu"); n.string(4, "Relu") }
            g.message(1) { n in n.string(1, "r"); n.string(1, "w"); n.string(2, "y"); n.string(3, "add"); n.string(4, "Add") }
            g.string(2, "big")
            g.message(5) { t in
                t.int(1, elements)
                t.int(2, 1)
                t.string(8, "w")
                t.message(13) { e in e.string(1, "location"); e.string(2, location) }
                t.message(13) { e in e.string(1, "length"); e.string(2, String(elements * 4)) }
                t.int(14, 1)
            }
            for (field, name) in [(UInt32(11), "x"), (UInt32(12), "y")] {
                g.message(field) { v in
                    v.string(1, name)
                    v.message(2) { tp in tp.message(1) { tt in tt.int(1, 1); tt.message(2) { s in s.message(1) { d in d.int(1, elements) } } } }
                }
            }
        }
        m.message(8) { o in o.string(1, ""); o.int(2, 17) }
        return m.bytes
    }
}
